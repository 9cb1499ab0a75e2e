package participation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
)

// ProofRetryAfter is what a caller is told to wait while the bundle is
// being built.
const ProofRetryAfter = 5 * time.Second

// proofWait is how long the one caller that starts a build waits for it
// before answering PROOF_001 like everyone else.
const proofWait = 3 * time.Second

func proofLockKey(id uuid.UUID) string { return "participation:proof:build:" + id.String() }

// OpenProof returns the stored proof bundle. The stored blob is the answer
// (no Postgres read). When it is missing (an upload still running, or
// failed, or the blob lost), exactly one caller across all instances, the
// one that takes the build lock in Redis, builds it in the background and
// waits up to proofWait for it; everyone else, and that caller when the
// build takes longer, gets 503 PROOF_001 with retryAfterSeconds. A crowd
// on an anonymous page therefore costs one build, never one per request.
func (s *Service) OpenProof(ctx context.Context, eventID uuid.UUID) (io.ReadCloser, error) {
	if body, err := s.downloadProof(ctx, eventID); body != nil || err != nil {
		return body, err
	}
	if _, err := s.drawLog(ctx, s.db, eventID); err != nil { // PART_008 before the draw, EVENT_001
		return nil, err
	}
	building := apperr.New(apperr.Unavailable, CodeProofBuilding, "the draw proof is being prepared; try again in a few seconds").
		With("retryAfterSeconds", int(ProofRetryAfter/time.Second))
	token := s.lockProof(ctx, eventID, false)
	if token == "" {
		return nil, building
	}
	done := make(chan error, 1)
	go func() {
		bctx := context.WithoutCancel(ctx)
		defer s.unlockProof(bctx, eventID, token)
		done <- s.buildProof(bctx, eventID)
	}()
	select {
	case err := <-done:
		if err != nil {
			s.log.ErrorContext(ctx, "draw proof not built", "eventId", eventID, "error", err)
			return nil, building
		}
		if body, err := s.downloadProof(ctx, eventID); body != nil || err != nil {
			return body, err
		}
		return nil, building
	case <-time.After(proofWait):
		return nil, building
	case <-ctx.Done():
		return nil, building
	}
}

// downloadProof opens the stored blob: nil, nil when there is none.
func (s *Service) downloadProof(ctx context.Context, eventID uuid.UUID) (io.ReadCloser, error) {
	resp, err := s.blobs.DownloadStream(ctx, s.cfg.ProofContainer, proofBlobName(eventID), nil)
	if bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("participation: proof: %w", err)
	}
	return resp.Body, nil
}

// buildProof builds and stores the bundle within ProofBuildTimeout.
func (s *Service) buildProof(ctx context.Context, eventID uuid.UUID) error {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ProofBuildTimeout)
	defer cancel()
	return s.storeProof(ctx, eventID)
}

// lockProof takes the event's build lock for ProofBuildTimeout and returns
// its token; "" when another holds it (or Redis cannot say: then nobody
// builds on a reader's behalf). force takes it over from any holder.
func (s *Service) lockProof(ctx context.Context, eventID uuid.UUID, force bool) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	if force {
		if err := s.rdb.Set(ctx, proofLockKey(eventID), token, s.cfg.ProofBuildTimeout).Err(); err != nil {
			s.log.WarnContext(ctx, "proof build lock not taken", "eventId", eventID, "error", err)
		}
		return token
	}
	ok, err := s.rdb.SetNX(ctx, proofLockKey(eventID), token, s.cfg.ProofBuildTimeout).Result()
	if err != nil {
		s.log.WarnContext(ctx, "proof build lock unavailable", "eventId", eventID, "error", err)
		return ""
	}
	if !ok {
		return ""
	}
	return token
}

// unlockProof drops the lock if it is still token's.
func (s *Service) unlockProof(ctx context.Context, eventID uuid.UUID, token string) {
	if token == "" {
		return
	}
	if err := unlockScript.Run(ctx, s.rdb, []string{proofLockKey(eventID)}, token).Err(); err != nil && err != goredis.Nil {
		s.log.WarnContext(ctx, "proof build lock not released; it expires", "eventId", eventID, "error", err)
	}
}

var unlockScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)
