package participation

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/to"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob/blob"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/apperr"
	blobstore "github.com/eventmkt/backend/shared/blob"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/user"
)

// Algorithms of a draw.
const (
	AlgorithmRandom   = "RANDOM"   // every participant one chance
	AlgorithmWeighted = "WEIGHTED" // bonus entries as weights
)

// DrawRequest is the owner's draw.
type DrawRequest struct {
	WinnerCount          int
	ApplyStoreVisitBonus bool
	AlternateCount       *int
}

// Winner is a ranked participant (masked).
type Winner struct {
	Rank          int        `json:"rank"`
	ParticipantID string     `json:"participantId"`
	Name          string     `json:"name"`
	PhoneNumber   string     `json:"phoneNumber"`
	WonAt         *time.Time `json:"wonAt,omitempty"`
}

// ProofSummary is the part of the proof the draw answer carries.
type ProofSummary struct {
	EntriesHash      string `json:"entriesHash"`
	SeedCommitment   string `json:"seedCommitment"`
	Seed             string `json:"seed"`
	AlgorithmVersion string `json:"algorithmVersion"`
}

// Draw is the outcome of WinnerDraw.
type Draw struct {
	DrawID            int64        `json:"drawId"`
	EventID           uuid.UUID    `json:"eventId"`
	Algorithm         string       `json:"algorithm"`
	TotalParticipants int          `json:"totalParticipants"`
	WinnerCount       int          `json:"winnerCount"`
	Winners           []Winner     `json:"winners"`
	Alternates        []Winner     `json:"alternates"`
	Proof             ProofSummary `json:"proof"`
	DrawnAt           time.Time    `json:"drawnAt"`
}

// Replacement is the alternate who took a disqualified winner's rank.
type Replacement struct {
	Rank          int    `json:"rank"`
	ParticipantID string `json:"participantId"`
}

// Proof is the bundle anyone can verify with `handler verify-draw`: no
// personal data, only entry numbers and weights.
type Proof struct {
	EventID          uuid.UUID      `json:"eventId"`
	Algorithm        string         `json:"algorithm"`
	AlgorithmVersion string         `json:"algorithmVersion"`
	Seed             string         `json:"seed"`
	SeedCommitment   string         `json:"seedCommitment"`
	EntriesHash      string         `json:"entriesHash"`
	TotalEntries     int64          `json:"totalEntries"`
	WinnerCount      int            `json:"winnerCount"`
	AlternateCount   int            `json:"alternateCount"`
	Winners          []Replacement  `json:"winners"`    // as drawn
	Alternates       []Replacement  `json:"alternates"` // as drawn, in order
	Substitutions    []Substitution `json:"substitutions"`
	DrawnAt          time.Time      `json:"drawnAt"`
	Entries          []Entry        `json:"entries"`
}

// Substitution is one disqualification as the public proof shows it: the
// reason's category only; the owner's free text stays private
// (Disqualification).
type Substitution struct {
	Rank          int       `json:"rank"`
	Disqualified  string    `json:"disqualified"`
	Replacement   string    `json:"replacement"`
	Category      string    `json:"category"`
	SubstitutedAt time.Time `json:"substitutedAt"`
}

// DisqualifyCategories are the reasons a winner can be taken out, as the
// public proof and results show them.
var DisqualifyCategories = []string{"DUPLICATE_ENTRY", "INELIGIBLE", "UNREACHABLE", "DECLINED", "FRAUD", "OTHER"}

var errNotDrawn = apperr.New(apperr.NotFound, CodeNotDrawn, "winners have not been drawn for this event yet")

// Draw ranks the frozen entry list once and for all. It takes the event's
// lock exclusively (in-flight entries finish first, later ones are refused),
// streams (participantId, weight) in canonical order through the ranker
// (memory stays at the top-k), marks winners and alternates and writes the
// draw log in one transaction, then stores the proof in Blob.
func (s *Service) Draw(ctx context.Context, c user.Caller, eventID uuid.UUID, req DrawRequest) (Draw, error) {
	var v apperr.Validation
	v.Check(req.WinnerCount >= 1 && req.WinnerCount <= 1000, "winnerCount", "must be from 1 to 1000")
	alternates := s.cfg.DefaultAlternates
	if req.AlternateCount != nil {
		alternates = *req.AlternateCount
		v.Check(alternates >= 0 && alternates <= 100, "alternateCount", "must be from 0 to 100")
	}
	if err := v.Err(); err != nil {
		return Draw{}, err
	}
	seed, commitment, err := s.events.RevealSeed(ctx, c, eventID)
	if err != nil {
		return Draw{}, err
	}
	if Commitment(seed) != commitment {
		return Draw{}, fmt.Errorf("participation: the stored seed does not match its commitment for %s", eventID)
	}
	algorithm := AlgorithmRandom
	if req.ApplyStoreVisitBonus {
		algorithm = AlgorithmWeighted
	}
	now := s.now().UTC().Truncate(time.Microsecond) // as Postgres keeps it, so every page shows the same instant
	var d Draw
	err = s.db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, eventLock(eventID)); err != nil {
			return err
		}
		var exists, purged bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM participation.draw_logs WHERE event_id = $1),
			EXISTS (SELECT 1 FROM participation.purged_events WHERE event_id = $1)`, eventID).Scan(&exists, &purged); err != nil {
			return err
		}
		if exists {
			return apperr.New(apperr.Conflict, CodeAlreadyDrawn, "winners were already drawn for this event; a draw happens once")
		}
		if purged {
			return apperr.New(apperr.Conflict, CodePurged, "the event's personal data was erased after its retention period: winners can no longer be drawn")
		}
		res, err := Rank(ctx, tx, eventID, seed, algorithm, req.WinnerCount+alternates)
		if err != nil {
			return err
		}
		if res.Count < int64(req.WinnerCount) {
			return apperr.New(apperr.Invalid, CodeTooFew, fmt.Sprintf("%d participants cannot fill %d winners", res.Count, req.WinnerCount)).
				With("totalParticipants", res.Count)
		}
		var ids []string
		var winnerRanks, altRanks []*int32
		for i, e := range res.Ranked {
			ids = append(ids, e.ParticipantID)
			rank := int32(i + 1)
			if i < req.WinnerCount {
				winnerRanks, altRanks = append(winnerRanks, &rank), append(altRanks, nil)
			} else {
				alt := int32(i + 1 - req.WinnerCount)
				winnerRanks, altRanks = append(winnerRanks, nil), append(altRanks, &alt)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE participation.participants p SET is_winner = r.winner_rank IS NOT NULL, winner_rank = r.winner_rank,
			won_at = CASE WHEN r.winner_rank IS NOT NULL THEN $2::timestamptz END, alternate_rank = r.alt_rank, updated_at = $2
			FROM unnest($3::text[], $4::int[], $5::int[]) AS r(pid, winner_rank, alt_rank)
			WHERE p.event_id = $1 AND p.participant_id = r.pid`, eventID, now, ids, winnerRanks, altRanks); err != nil {
			return fmt.Errorf("participation: mark winners: %w", err)
		}
		err = tx.QueryRow(ctx, `INSERT INTO participation.draw_logs (event_id, total_participants, winner_count, apply_store_visit_bonus, algorithm,
			drawn_at, drawn_by, alternate_count, total_entries, entries_hash, seed, seed_commitment, algorithm_version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $6, $6) RETURNING id`,
			eventID, res.Count, req.WinnerCount, req.ApplyStoreVisitBonus, algorithm, now, c.UserID.String(), alternates, res.TotalWeight,
			res.EntriesHash, seed, commitment, AlgorithmVersion).Scan(&d.DrawID)
		if postgres.ConstraintName(err) == "uk_draw_event" {
			return apperr.New(apperr.Conflict, CodeAlreadyDrawn, "winners were already drawn for this event; a draw happens once")
		}
		if err != nil {
			return fmt.Errorf("participation: draw log: %w", err)
		}
		d.TotalParticipants = int(res.Count)
		d.Proof = ProofSummary{EntriesHash: res.EntriesHash, SeedCommitment: commitment, Seed: hex.EncodeToString(seed), AlgorithmVersion: AlgorithmVersion}
		return nil
	})
	if err != nil {
		return Draw{}, err
	}
	// The fast "closed" answer for late entries, expiring with the event's
	// other keys (past that, the dates refuse entries anyway).
	if snap, err := s.events.Snapshot(ctx, eventID); err == nil {
		if ttl := s.keyTTL(snap, now); ttl > 0 {
			if err := s.rdb.Set(ctx, s.closedKey(eventID), "1", ttl).Err(); err != nil {
				s.log.WarnContext(ctx, "entries-closed flag not cached; Postgres still refuses late entries", "error", err)
			}
		}
	}
	// The results page and the entry page's drawnAt read the draw log; drop
	// what they cached before it.
	s.refreshResults(ctx, eventID)
	s.events.RefreshPublic(ctx, eventID)
	d.EventID, d.Algorithm, d.WinnerCount, d.DrawnAt = eventID, algorithm, req.WinnerCount, now
	if d.Winners, d.Alternates, err = s.ranked(ctx, eventID); err != nil {
		return Draw{}, err
	}
	s.log.InfoContext(ctx, "winners drawn", "eventId", eventID, "algorithm", algorithm, "participants", d.TotalParticipants,
		"winners", req.WinnerCount, "alternates", len(d.Alternates), "entriesHash", d.Proof.EntriesHash)
	s.storeProofLater(ctx, eventID)
	return d, nil
}

// storeProofLater uploads the proof without holding up the answer (a large
// event's bundle is tens of megabytes). It takes the build lock over (a
// write changed the proof, so this build must run whoever holds it), and
// readers meanwhile get the old bundle, or PROOF_001 when there is none.
func (s *Service) storeProofLater(ctx context.Context, eventID uuid.UUID) {
	s.proofs.Add(1)
	go func() {
		defer s.proofs.Done()
		ctx := context.WithoutCancel(ctx)
		token := s.lockProof(ctx, eventID, true)
		defer s.unlockProof(ctx, eventID, token)
		if err := s.buildProof(ctx, eventID); err != nil {
			s.log.ErrorContext(ctx, "draw proof not stored yet; it is rebuilt on request", "eventId", eventID, "error", err)
		}
	}()
}

// WaitProofs waits for proof uploads in flight (shutdown, tests).
func (s *Service) WaitProofs() { s.proofs.Wait() }

// entryQuery streams the frozen list: everyone not disqualified before the
// draw, in byte order of the entry number.
const entryQuery = `SELECT participant_id, bonus_entries FROM participation.participants
	WHERE event_id = $1 AND (disqualified_at IS NULL OR disqualified_at >= $2)
	ORDER BY participant_id COLLATE "C"`

// Rank streams an event's frozen entry list through the ranker, keeping the
// best k: the heart of the draw, exported for the benchmark.
func Rank(ctx context.Context, q postgres.Querier, eventID uuid.UUID, seed []byte, algorithm string, k int) (DrawResult, error) {
	rows, err := q.Query(ctx, entryQuery, eventID, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return DrawResult{}, fmt.Errorf("participation: entries: %w", err)
	}
	defer rows.Close()
	r := NewRanker(seed, k)
	for rows.Next() {
		// Raw values: the id straight from the driver's buffer; bonus_entries
		// is a binary int4.
		raw := rows.RawValues()
		if len(raw) != 2 || len(raw[1]) != 4 {
			return DrawResult{}, fmt.Errorf("participation: unexpected entry row shape")
		}
		w := int(int32(binary.BigEndian.Uint32(raw[1])))
		if algorithm == AlgorithmRandom {
			w = 1
		}
		r.AddRaw(raw[0], w)
	}
	if err := rows.Err(); err != nil {
		return DrawResult{}, err
	}
	return r.Result()
}

// ranked returns the current winners and the alternates, masked.
func (s *Service) ranked(ctx context.Context, eventID uuid.UUID) ([]Winner, []Winner, error) {
	rows, err := s.db.Query(ctx, `SELECT participant_id, name, phone_number, is_winner, winner_rank, alternate_rank, won_at
		FROM participation.participants WHERE event_id = $1 AND (is_winner OR alternate_rank IS NOT NULL)
		ORDER BY is_winner DESC, winner_rank, alternate_rank`, eventID)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	winners, alts := []Winner{}, []Winner{}
	for rows.Next() {
		var pid string
		var name, phone *string
		var isWinner bool
		var wr, ar *int
		var wonAt *time.Time
		if err := rows.Scan(&pid, &name, &phone, &isWinner, &wr, &ar, &wonAt); err != nil {
			return nil, nil, err
		}
		w := Winner{ParticipantID: pid, Name: MaskName(name), PhoneNumber: MaskPhone(phone), WonAt: wonAt}
		if isWinner && wr != nil {
			w.Rank = *wr
			winners = append(winners, w)
		} else if ar != nil {
			w.Rank, w.WonAt = *ar, nil
			alts = append(alts, w)
		}
	}
	return winners, alts, rows.Err()
}

// Winners returns a page of the current winners by rank, each with the
// state of their notice (notify.go).
func (s *Service) Winners(ctx context.Context, c user.Caller, eventID uuid.UUID, page, size int) ([]ListedWinner, int, error) {
	if _, err := s.events.Owned(ctx, c, eventID); err != nil {
		return nil, 0, err
	}
	if _, err := s.drawLog(ctx, s.db, eventID); err != nil {
		return nil, 0, err
	}
	winners, _, err := s.ranked(ctx, eventID)
	if err != nil {
		return nil, 0, err
	}
	total := len(winners)
	from, to := min(page*size, total), min(page*size+size, total)
	ids := make([]string, 0, to-from)
	for _, w := range winners[from:to] {
		ids = append(ids, w.ParticipantID)
	}
	notices, err := s.notifications(ctx, eventID, ids)
	if err != nil {
		return nil, 0, err
	}
	out := make([]ListedWinner, 0, len(ids))
	for _, w := range winners[from:to] {
		out = append(out, ListedWinner{Winner: w, Notification: notices[w.ParticipantID]})
	}
	return out, total, nil
}

type drawLog struct {
	Algorithm        string
	WinnerCount      int
	AlternateCount   int
	TotalEntries     int64
	EntriesHash      string
	Seed             []byte
	Commitment       string
	AlgorithmVersion string
	DrawnAt          time.Time
}

func (s *Service) drawLog(ctx context.Context, q postgres.Querier, eventID uuid.UUID) (drawLog, error) {
	var d drawLog
	err := q.QueryRow(ctx, `SELECT algorithm, winner_count, alternate_count, total_participants, entries_hash, seed, seed_commitment, algorithm_version, drawn_at
		FROM participation.draw_logs WHERE event_id = $1`, eventID).
		Scan(&d.Algorithm, &d.WinnerCount, &d.AlternateCount, &d.TotalEntries, &d.EntriesHash, &d.Seed, &d.Commitment, &d.AlgorithmVersion, &d.DrawnAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, errNotDrawn
	}
	return d, err
}

// Disqualify takes a winner out, records why, and promotes the next
// alternate to the freed rank. Nothing is drawn again.
func (s *Service) Disqualify(ctx context.Context, c user.Caller, eventID uuid.UUID, participantID, category, reason string) (Replacement, error) {
	if _, err := s.events.Owned(ctx, c, eventID); err != nil {
		return Replacement{}, err
	}
	var v apperr.Validation
	v.Check(slices.Contains(DisqualifyCategories, category), "category", "must be one of %s", strings.Join(DisqualifyCategories, ", "))
	v.Check(len([]rune(reason)) >= 1 && len([]rune(reason)) <= 500, "reason", "a reason of 1 to 500 characters is required")
	if err := v.Err(); err != nil {
		return Replacement{}, err
	}
	now := s.now().UTC()
	var rep Replacement
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, eventLock(eventID)); err != nil {
			return err
		}
		if _, err := s.drawLog(ctx, tx, eventID); err != nil {
			return err
		}
		var rank *int
		var isWinner bool
		err := tx.QueryRow(ctx, `SELECT is_winner, winner_rank FROM participation.participants WHERE event_id = $1 AND participant_id = $2`,
			eventID, participantID).Scan(&isWinner, &rank)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.NotFound, CodeNotFound, "no such participant in this event")
		}
		if err != nil {
			return err
		}
		if !isWinner || rank == nil {
			return apperr.New(apperr.Conflict, CodeNotWinner, "only a current winner can be disqualified")
		}
		var next string
		err = tx.QueryRow(ctx, `SELECT participant_id FROM participation.participants WHERE event_id = $1 AND alternate_rank IS NOT NULL
			AND NOT is_winner AND disqualified_at IS NULL ORDER BY alternate_rank LIMIT 1`, eventID).Scan(&next)
		if errors.Is(err, pgx.ErrNoRows) {
			return apperr.New(apperr.Conflict, CodeNoAlternate, "no alternate is left to take this rank")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE participation.participants SET is_winner = false, disqualified_at = $3, disqualify_reason = $4,
			disqualify_category = $5, updated_at = $3
			WHERE event_id = $1 AND participant_id = $2`, eventID, participantID, now, reason, category); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE participation.participants SET is_winner = true, winner_rank = $3, won_at = $4, updated_at = $4
			WHERE event_id = $1 AND participant_id = $2`, eventID, next, *rank, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO participation.draw_substitutions (event_id, winner_rank, disqualified_id, replacement_id, reason, category,
			substituted_at, substituted_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, eventID, *rank, participantID, next, reason, category, now, c.UserID.String())
		rep = Replacement{Rank: *rank, ParticipantID: next}
		return err
	})
	if err != nil {
		return Replacement{}, err
	}
	s.log.InfoContext(ctx, "winner disqualified; alternate promoted", "eventId", eventID, "rank", rep.Rank, "category", category,
		"disqualified", participantID, "replacement", rep.ParticipantID)
	s.refreshResults(ctx, eventID)
	s.storeProofLater(ctx, eventID)
	return rep, nil
}

func proofBlobName(eventID uuid.UUID) string { return eventID.String() + ".json" }

// WriteProof writes the event's proof bundle as JSON to w, entries streamed
// from Postgres.
func (s *Service) WriteProof(ctx context.Context, eventID uuid.UUID, w io.Writer) error {
	d, err := s.drawLog(ctx, s.db, eventID)
	if err != nil {
		return err
	}
	p := Proof{EventID: eventID, Algorithm: d.Algorithm, AlgorithmVersion: d.AlgorithmVersion, Seed: hex.EncodeToString(d.Seed),
		SeedCommitment: d.Commitment, EntriesHash: d.EntriesHash, TotalEntries: d.TotalEntries, WinnerCount: d.WinnerCount,
		AlternateCount: d.AlternateCount, DrawnAt: d.DrawnAt, Winners: []Replacement{}, Alternates: []Replacement{}, Substitutions: []Substitution{}}
	// The draw's own ranking: winners (ranked before any substitution) and alternates.
	rows, err := s.db.Query(ctx, `SELECT participant_id, coalesce(winner_rank, 0), coalesce(alternate_rank, 0) FROM participation.participants
		WHERE event_id = $1 AND (alternate_rank IS NOT NULL OR winner_rank IS NOT NULL) ORDER BY alternate_rank NULLS FIRST, winner_rank`, eventID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var pid string
		var wr, ar int
		if err := rows.Scan(&pid, &wr, &ar); err != nil {
			rows.Close()
			return err
		}
		if ar > 0 {
			p.Alternates = append(p.Alternates, Replacement{Rank: ar, ParticipantID: pid})
		} else if wr > 0 { // a drawn winner, disqualified or not
			p.Winners = append(p.Winners, Replacement{Rank: wr, ParticipantID: pid})
		}
	}
	rows.Close()
	if p.Substitutions, err = s.substitutions(ctx, eventID); err != nil {
		return err
	}
	sortByRank(p.Winners)
	// Everything but the entries, then the entries streamed.
	head, _ := json.Marshal(p)
	head = head[:len(head)-len(`"entries":null}`)]
	if _, err := w.Write(head); err != nil {
		return err
	}
	if _, err := io.WriteString(w, `"entries":[`); err != nil {
		return err
	}
	erows, err := s.db.Query(ctx, entryQuery, eventID, d.DrawnAt)
	if err != nil {
		return err
	}
	defer erows.Close()
	first := true
	var id string
	var weight int
	for erows.Next() {
		if err := erows.Scan(&id, &weight); err != nil {
			return err
		}
		if d.Algorithm == AlgorithmRandom {
			weight = 1
		}
		b, _ := json.Marshal(Entry{ParticipantID: id, Weight: weight})
		if !first {
			if _, err := io.WriteString(w, ","); err != nil {
				return err
			}
		}
		first = false
		if _, err := w.Write(b); err != nil {
			return err
		}
	}
	if err := erows.Err(); err != nil {
		return err
	}
	_, err = io.WriteString(w, "]}\n")
	return err
}

func sortByRank(rs []Replacement) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].Rank < rs[j-1].Rank; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}

func (s *Service) substitutions(ctx context.Context, eventID uuid.UUID) ([]Substitution, error) {
	rows, err := s.db.Query(ctx, `SELECT winner_rank, disqualified_id, coalesce(replacement_id, ''), category, substituted_at
		FROM participation.draw_substitutions WHERE event_id = $1 ORDER BY id`, eventID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (Substitution, error) {
		var x Substitution
		err := r.Scan(&x.Rank, &x.Disqualified, &x.Replacement, &x.Category, &x.SubstitutedAt)
		return x, err
	})
}

// storeProof writes the proof bundle to Blob, streaming.
func (s *Service) storeProof(ctx context.Context, eventID uuid.UUID) error {
	if err := blobstore.EnsureContainer(ctx, s.blobs, s.cfg.ProofContainer, false); err != nil {
		return err
	}
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(s.WriteProof(ctx, eventID, pw)) }()
	_, err := s.blobs.UploadStream(ctx, s.cfg.ProofContainer, proofBlobName(eventID), pr, &azblob.UploadStreamOptions{
		HTTPHeaders: &blob.HTTPHeaders{BlobContentType: to.Ptr("application/json"), BlobCacheControl: to.Ptr("no-cache")},
	})
	pr.CloseWithError(err)
	return err
}

// Purge erases the personal data of events that ended long enough ago:
// names, phones and emails of non-winners, every entry's network, and the
// free text of disqualifications. A drawn event is purged PurgeAfter after
// its end; an event never drawn, whose owner may still draw, only after the
// longer of PurgeAfter and UndrawnGrace. Each event is purged in its own
// transaction under the event's lock, so a draw either commits first (and
// the event counts as drawn) or finds the event purged (PART_013). Counts
// and proofs hold no personal data and stay; the event's CSV exports,
// which do, are deleted. It returns the participants erased.
func (s *Service) Purge(ctx context.Context) (int64, error) {
	now := s.now()
	due, err := s.events.EndedBefore(ctx, now.Add(-s.cfg.PurgeAfter))
	if err != nil || len(due) == 0 {
		return 0, err
	}
	late, err := s.events.EndedBefore(ctx, now.Add(-max(s.cfg.PurgeAfter, s.cfg.UndrawnGrace)))
	if err != nil {
		return 0, err
	}
	pastGrace := make(map[uuid.UUID]bool, len(late))
	for _, id := range late {
		pastGrace[id] = true
	}
	rows, err := s.db.Query(ctx, `SELECT e FROM unnest($1::uuid[]) e WHERE NOT EXISTS (SELECT 1 FROM participation.purged_events p WHERE p.event_id = e)`, due)
	if err != nil {
		return 0, fmt.Errorf("participation: purge: %w", err)
	}
	todo, err := pgx.CollectRows(rows, pgx.RowTo[uuid.UUID])
	if err != nil {
		return 0, fmt.Errorf("participation: purge: %w", err)
	}
	var total int64
	for _, id := range todo {
		n, err := s.purgeEvent(ctx, id, pastGrace[id], now)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// purgeEvent purges one event unless it was never drawn and is still
// within the grace period.
func (s *Service) purgeEvent(ctx context.Context, eventID uuid.UUID, pastGrace bool, now time.Time) (int64, error) {
	var n int64
	var drawn, purged, resubmit bool
	err := s.db.InTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, eventLock(eventID)); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM participation.draw_logs WHERE event_id = $1)`, eventID).Scan(&drawn); err != nil {
			return err
		}
		if !drawn && !pastGrace {
			return nil // the owner may still draw
		}
		tag, err := tx.Exec(ctx, `UPDATE participation.participants SET name = NULL, phone_number = NULL, email = NULL, client_network = NULL,
			disqualify_reason = NULL, purged_at = $2, updated_at = $2
			WHERE event_id = $1 AND NOT is_winner AND purged_at IS NULL`, eventID, now)
		if err != nil {
			return err
		}
		n = tag.RowsAffected()
		if _, err := tx.Exec(ctx, `UPDATE participation.participants SET client_network = NULL, disqualify_reason = NULL, updated_at = $2
			WHERE event_id = $1 AND is_winner AND (client_network IS NOT NULL OR disqualify_reason IS NOT NULL)`, eventID, now); err != nil {
			return err
		}
		tag, err = tx.Exec(ctx, `UPDATE participation.draw_substitutions SET reason = NULL WHERE event_id = $1 AND reason IS NOT NULL`, eventID)
		if err != nil {
			return err
		}
		resubmit = tag.RowsAffected() > 0
		// Notices hold no personal data (no phone, no name, errors
		// redacted); NHN's request id still points at the message NHN keeps
		// with the number, so it goes for anyone who is no longer a winner.
		if _, err := tx.Exec(ctx, `UPDATE participation.winner_notifications n SET request_id = NULL, error = NULL, updated_at = $2
			FROM participation.participants p
			WHERE n.event_id = $1 AND p.event_id = n.event_id AND p.participant_id = n.participant_id AND NOT p.is_winner
				AND (n.request_id IS NOT NULL OR n.error IS NOT NULL)`, eventID, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO participation.purged_events (event_id, purged_at, drawn) VALUES ($1, $2, $3)`, eventID, now, drawn)
		purged = true
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("participation: purge %s: %w", eventID, err)
	}
	if purged {
		s.log.InfoContext(ctx, "personal data purged", "eventId", eventID, "drawn", drawn, "participants", n)
		s.dropExports(ctx, eventID, "") // the files hold what was just erased
	}
	if resubmit {
		// A proof stored before reasons were categories may hold the free
		// text; store it again from what is left.
		s.storeProofLater(ctx, eventID)
	}
	return n, nil
}

// Disqualification is one disqualification as the owner sees it, with the
// free text the public proof leaves out (null once purged).
type Disqualification struct {
	Rank           int       `json:"rank"`
	ParticipantID  string    `json:"participantId"`
	Name           string    `json:"name"`        // masked
	PhoneNumber    string    `json:"phoneNumber"` // masked
	Category       string    `json:"category"`
	Reason         *string   `json:"reason"`
	ReplacedBy     string    `json:"replacedBy"`
	DisqualifiedAt time.Time `json:"disqualifiedAt"`
}

// Disqualifications lists the event's disqualifications in order, for the
// owner's winners list; the caller has been checked (Winners).
func (s *Service) Disqualifications(ctx context.Context, eventID uuid.UUID) ([]Disqualification, error) {
	rows, err := s.db.Query(ctx, `SELECT s.winner_rank, s.disqualified_id, p.name, p.phone_number, s.category, s.reason,
		coalesce(s.replacement_id, ''), s.substituted_at
		FROM participation.draw_substitutions s
		LEFT JOIN participation.participants p ON p.event_id = s.event_id AND p.participant_id = s.disqualified_id
		WHERE s.event_id = $1 ORDER BY s.id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("participation: disqualifications: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Disqualification, error) {
		var d Disqualification
		var name, phone *string
		err := r.Scan(&d.Rank, &d.ParticipantID, &name, &phone, &d.Category, &d.Reason, &d.ReplacedBy, &d.DisqualifiedAt)
		d.Name, d.PhoneNumber, d.DisqualifiedAt = MaskName(name), MaskPhone(phone), d.DisqualifiedAt.UTC()
		return d, err
	})
	if out == nil {
		out = []Disqualification{}
	}
	return out, err
}
