package participation

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/bloberror"
	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/apperr"
	blobstore "github.com/eventmkt/backend/shared/blob"
)

// ProofRetryAfter is what a caller is told to wait while the bundle is
// being built.
const ProofRetryAfter = 5 * time.Second

// proofWait is how long the one caller that starts a build waits for it
// before answering PROOF_001 like everyone else.
const proofWait = 3 * time.Second

func (s *Service) proofLockKey(id uuid.UUID) string {
	return s.cfg.KeyPrefix + "participation:proof:build:" + id.String()
}

// OpenProof returns the stored proof bundle (DrawProofGet, read by the
// results page's in-browser check). The stored blob is the answer (no
// Postgres read). When it is missing (an upload still running, or failed,
// or the blob lost), exactly one caller across all instances, the one that
// takes the build lock in Redis, builds it in the background and waits up
// to proofWait for it; everyone else, and that caller when the build takes
// longer, gets 503 PROOF_001 with retryAfterSeconds. A crowd on an
// anonymous page therefore costs one build, never one per request.
func (s *Service) OpenProof(ctx context.Context, eventID uuid.UUID) (io.ReadCloser, error) {
	if body, err := s.downloadProof(ctx, eventID); body != nil || err != nil {
		return body, err
	}
	if err := s.awaitProof(ctx, eventID); err != nil {
		return nil, err
	}
	if body, err := s.downloadProof(ctx, eventID); body != nil || err != nil {
		return body, err
	}
	return nil, s.proofBuilding()
}

// ProofLink is DrawProofLink: a short-lived read-only link to the stored
// bundle, for downloads (the Functions host buffers a whole answer on
// Azure, so a large bundle goes from Blob to the browser). The proof is
// public, so anyone gets a link; a missing blob is built as in OpenProof.
func (s *Service) ProofLink(ctx context.Context, eventID uuid.UUID) (blobstore.Link, error) {
	if s.cfg.Links == nil {
		return blobstore.Link{}, errors.New("participation: proof: no link signer wired")
	}
	ok, err := s.proofExists(ctx, eventID)
	if err == nil && !ok {
		if err = s.awaitProof(ctx, eventID); err == nil {
			if ok, err = s.proofExists(ctx, eventID); err == nil && !ok {
				err = s.proofBuilding()
			}
		}
	}
	if err != nil {
		return blobstore.Link{}, err
	}
	return s.cfg.Links.ReadURL(ctx, s.cfg.ProofContainer, proofBlobName(eventID), blobstore.Download{
		Filename: "draw-proof-" + eventID.String() + ".json", ContentType: "application/json"})
}

func (s *Service) proofBuilding() error {
	return apperr.New(apperr.Unavailable, CodeProofBuilding, "the draw proof is being prepared; try again in a few seconds").
		RetryAfter(int(ProofRetryAfter / time.Second))
}

// awaitProof is called when the bundle's blob is missing: PART_008 before
// the draw; otherwise the caller that takes the build lock builds it and
// waits up to proofWait (nil: look again), everyone else gets PROOF_001.
func (s *Service) awaitProof(ctx context.Context, eventID uuid.UUID) error {
	if _, err := s.drawLog(ctx, s.db, eventID); err != nil { // PART_008 before the draw, EVENT_001
		return err
	}
	token := s.lockProof(ctx, eventID, false)
	if token == "" {
		return s.proofBuilding()
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
			return s.proofBuilding()
		}
		return nil
	case <-time.After(proofWait):
		return s.proofBuilding()
	case <-ctx.Done():
		return s.proofBuilding()
	}
}

// proofExists reports whether the bundle's blob is there.
func (s *Service) proofExists(ctx context.Context, eventID uuid.UUID) (bool, error) {
	_, err := s.blobs.ServiceClient().NewContainerClient(s.cfg.ProofContainer).NewBlobClient(proofBlobName(eventID)).GetProperties(ctx, nil)
	if bloberror.HasCode(err, bloberror.BlobNotFound, bloberror.ContainerNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("participation: proof: %w", err)
	}
	return true, nil
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
		if err := s.rdb.Set(ctx, s.proofLockKey(eventID), token, s.cfg.ProofBuildTimeout).Err(); err != nil {
			s.log.WarnContext(ctx, "proof build lock not taken", "eventId", eventID, "error", err)
		}
		return token
	}
	ok, err := s.rdb.SetNX(ctx, s.proofLockKey(eventID), token, s.cfg.ProofBuildTimeout).Result()
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
	if err := unlockScript.Run(ctx, s.rdb, []string{s.proofLockKey(eventID)}, token).Err(); err != nil && err != goredis.Nil {
		s.log.WarnContext(ctx, "proof build lock not released; it expires", "eventId", eventID, "error", err)
	}
}

var unlockScript = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)
