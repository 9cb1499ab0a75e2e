package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/testenv"
)

func fetchProof(t *testing.T, f fixture, id string) participation.Proof {
	t.Helper()
	f.parts.WaitProofs() // the draw's upload: until it lands, readers get PROOF_001
	rec, _ := call(t, f.srv, "GET", "/api/v1/public/events/"+id+"/draw-proof", "", nil)
	if rec.Code != 200 {
		t.Fatalf("proof: %d %s", rec.Code, rec.Body)
	}
	var p participation.Proof
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDrawFlow(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "draw@example.com", "010-3000-0001")
	code := visitCodeToday(t, f, acct, id)
	for i := range 12 {
		body := entry(fmt.Sprintf("참가자%02d", i), fmt.Sprintf("010-6000-%04d", i), false)
		if i%3 == 0 {
			body["visitCode"] = code
		}
		if rec, _ := submit(t, f, id, body); rec.Code != 201 {
			t.Fatalf("entry %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	rec, _ := call(t, f.srv, "GET", "/api/v1/events/"+id+"/winners", acct.access, nil)
	wantProblem(t, rec, 404, participation.CodeNotDrawn)
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 0})
	wantProblem(t, rec, 400, apperr.CodeValidation)
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 13})
	wantProblem(t, rec, 400, participation.CodeTooFew)

	rec, d := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 3, "applyStoreVisitBonus": true, "alternateCount": 2})
	if rec.Code != 201 {
		t.Fatalf("draw: %d %s", rec.Code, rec.Body)
	}
	winners, alternates := d["winners"].([]any), d["alternates"].([]any)
	proof := d["proof"].(map[string]any)
	_, pub := call(t, f.srv, "GET", "/api/v1/public/events/"+id, "", nil)
	if d["algorithm"] != "WEIGHTED" || d["totalParticipants"] != float64(12) || len(winners) != 3 || len(alternates) != 2 ||
		proof["seedCommitment"] != pub["drawCommitment"] || len(proof["seed"].(string)) != 64 || proof["algorithmVersion"] != participation.AlgorithmVersion {
		t.Fatalf("draw: %v", d)
	}
	w1 := winners[0].(map[string]any)
	if w1["rank"] != float64(1) || !strings.Contains(w1["phoneNumber"].(string), "****") || !strings.Contains(w1["name"].(string), "*") {
		t.Errorf("winner 1: %v", w1)
	}
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 3})
	wantProblem(t, rec, 409, participation.CodeAlreadyDrawn)
	rec, _ = submit(t, f, id, entry("늦은사람", "010-6000-9999", false))
	wantProblem(t, rec, 400, participation.CodeClosed)

	// Anyone can verify the published bundle; a tampered one fails.
	p := fetchProof(t, f, id)
	if err := participation.Verify(p); err != nil {
		t.Fatalf("proof does not verify: %v", err)
	}
	if len(p.Entries) != 12 || len(p.Winners) != 3 || p.Winners[0].ParticipantID != w1["participantId"] || strings.Contains(fmt.Sprint(p), "6000-") {
		t.Errorf("proof: %d entries, winners %v", len(p.Entries), p.Winners)
	}
	tampered := p
	tampered.Entries = append([]participation.Entry(nil), p.Entries...)
	tampered.Entries[4].Weight = 3 - tampered.Entries[4].Weight + 1 // 1 <-> 3
	if err := participation.Verify(tampered); err == nil {
		t.Error("a bundle with a changed weight verified")
	}

	// Disqualify: alternates 1 then 2 take the freed ranks; then none is left.
	alt1, alt2 := alternates[0].(map[string]any)["participantId"], alternates[1].(map[string]any)["participantId"]
	w2 := winners[1].(map[string]any)["participantId"].(string)
	rec, out := call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/"+w2+"/disqualify", acct.access, map[string]string{"category": "DUPLICATE_ENTRY", "reason": "중복 계정"})
	if rec.Code != 200 || out["replacedBy"].(map[string]any)["rank"] != float64(2) || out["replacedBy"].(map[string]any)["participantId"] != alt1 {
		t.Fatalf("first disqualification: %d %v", rec.Code, out)
	}
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/"+w2+"/disqualify", acct.access, map[string]string{"category": "OTHER", "reason": "again"})
	wantProblem(t, rec, 409, participation.CodeNotWinner)
	rec, out = call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/"+w1["participantId"].(string)+"/disqualify", acct.access, map[string]string{"category": "UNREACHABLE", "reason": "연락 불가"})
	if rec.Code != 200 || out["replacedBy"].(map[string]any)["participantId"] != alt2 || out["replacedBy"].(map[string]any)["rank"] != float64(1) {
		t.Fatalf("second disqualification: %d %v", rec.Code, out)
	}
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/"+alt1.(string)+"/disqualify", acct.access, map[string]string{"category": "OTHER", "reason": "x"})
	wantProblem(t, rec, 409, participation.CodeNoAlternate)
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/"+alt1.(string)+"/disqualify", acct.access, map[string]string{"category": "OTHER", "reason": ""})
	wantProblem(t, rec, 400, apperr.CodeValidation)

	_, list := call(t, f.srv, "GET", "/api/v1/events/"+id+"/winners", acct.access, nil)
	ranks := map[float64]any{}
	for _, w := range list["content"].([]any) {
		ranks[w.(map[string]any)["rank"].(float64)] = w.(map[string]any)["participantId"]
	}
	if list["totalElements"] != float64(3) || ranks[1] != alt2 || ranks[2] != alt1 || ranks[3] != winners[2].(map[string]any)["participantId"] {
		t.Errorf("winners after substitutions: %v", list)
	}
	p = fetchProof(t, f, id)
	if len(p.Substitutions) != 2 || participation.Verify(p) != nil {
		t.Fatalf("proof after substitutions: %+v / %v", p.Substitutions, participation.Verify(p))
	}
	p.Substitutions[1].Replacement = p.Substitutions[0].Replacement
	if participation.Verify(p) == nil {
		t.Error("a bundle with a wrong substitution verified")
	}
}

// Ten draws at once: exactly one happens.
func TestConcurrentDraws(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "conc@example.com", "010-3000-0002")
	for i := range 5 {
		submit(t, f, id, entry("참가", fmt.Sprintf("010-6100-%04d", i), false))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 2})
			mu.Lock()
			codes[rec.Code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[201] != 1 || codes[409] != 9 {
		t.Errorf("statuses %v, want one 201 and nine 409", codes)
	}
	var winners int
	_ = f.db.QueryRow(context.Background(), "SELECT count(*) FROM participation.participants WHERE event_id = $1 AND is_winner", id).Scan(&winners)
	if winners != 2 {
		t.Errorf("%d winners marked, want 2", winners)
	}
}

func TestDrawRefusals(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct := register(t, f, "dref@example.com", "010-3000-0003")
	other := register(t, f, "dref2@example.com", "010-3000-0004")
	_, ev := call(t, f.srv, "POST", "/api/v1/events/objectives", acct.access, map[string]string{"objective": "REVISIT"})
	draft := ev["eventId"].(string)
	rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+draft+"/draw-winners", acct.access, map[string]any{"winnerCount": 1})
	wantProblem(t, rec, 409, event.CodeWrongState)
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/"+draft+"/draw-winners", other.access, map[string]any{"winnerCount": 1})
	wantProblem(t, rec, 403, event.CodeForbidden)
	rec, _ = call(t, f.srv, "GET", "/api/v1/public/events/"+draft+"/draw-proof", "", nil)
	wantProblem(t, rec, 404, participation.CodeNotDrawn)
}

// PrivacyPurge erases non-winners' personal data 30 days after the end.
func TestPrivacyPurge(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "purge@example.com", "010-3000-0005")
	for i := range 4 {
		submit(t, f, id, entry("참가자", fmt.Sprintf("010-6200-%04d", i), false))
	}
	call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 1, "alternateCount": 0})
	call(t, f.srv, "POST", "/api/v1/events/"+id+"/end", acct.access, nil)
	tick := func() string { return fireTimer(t, f, "PrivacyPurge") }
	if out := tick(); !strings.Contains(out, "erased for 0") {
		t.Errorf("too early: %s", out)
	}
	exported := exportLink(t, f, id, acct.access) // a file in Blob with the names
	f.clock.Advance(31 * 24 * time.Hour)
	if out := tick(); !strings.Contains(out, "erased for 3") {
		t.Errorf("purge: %s", out)
	}
	// The purge deletes the event's export files: they hold what it erased.
	if names := exportBlobs(t, f, id); len(names) != 0 {
		t.Errorf("export files after the purge: %v", names)
	}
	if status, _, _ := testenv.FetchLink(t, "GET", exported.URL, ""); status != http.StatusNotFound {
		t.Errorf("the export's link after the purge: %d, want 404", status)
	}
	var kept, erased, total int
	_ = f.db.QueryRow(context.Background(), `SELECT count(*) FILTER (WHERE phone_number IS NOT NULL AND is_winner),
		count(*) FILTER (WHERE phone_number IS NULL AND name IS NULL AND purged_at IS NOT NULL), count(*)
		FROM participation.participants WHERE event_id = $1`, id).Scan(&kept, &erased, &total)
	if kept != 1 || erased != 3 || total != 4 {
		t.Errorf("winners kept %d, erased %d, rows %d", kept, erased, total)
	}
	if out := tick(); !strings.Contains(out, "erased for 0") {
		t.Errorf("second purge: %s", out)
	}
	if p := fetchProof(t, f, id); participation.Verify(p) != nil {
		t.Error("the proof no longer verifies after the purge")
	}
}

// A draw while entries are being group-committed: the drawn list is exactly
// the entries committed (every 201 is in it, every entry after it is
// PART_005, no row outside it).
func TestDrawDuringGroupCommit(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "gcdraw@example.com", "010-3000-0009")
	for i := range 3 {
		submit(t, f, id, entry("먼저", fmt.Sprintf("010-6200-%04d", i), false))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[int]int{}
	for i := range 80 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, _ := submit(t, f, id, entry("동시", fmt.Sprintf("010-6300-%04d", i), false))
			mu.Lock()
			codes[rec.Code]++
			mu.Unlock()
		}()
		if i == 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if rec, out := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 2}); rec.Code != 201 {
					t.Errorf("draw: %d %v", rec.Code, out)
				}
			}()
		}
	}
	wg.Wait()
	var rows, drawn int
	_ = f.db.QueryRow(context.Background(), "SELECT count(*) FROM participation.participants WHERE event_id = $1", id).Scan(&rows)
	_ = f.db.QueryRow(context.Background(), "SELECT total_participants FROM participation.draw_logs WHERE event_id = $1", id).Scan(&drawn)
	if rows != drawn || codes[201]+3 != rows || codes[201]+codes[400] != 80 {
		t.Errorf("rows %d, drawn list %d, statuses %v; want rows = drawn = 3 + the 201s, the rest 400 %s", rows, drawn, codes, participation.CodeClosed)
	}
}
