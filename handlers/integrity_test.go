package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/participation"
)

// Search cannot un-mask: the list shows 010-****-5678 and 김*수, so only
// the full number, its last four digits, an entry number or a name prefix
// of two or more characters are searchable.
func TestParticipantSearchCannotUnmask(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "search@example.com", "010-2100-0001")
	for i, n := range []string{"김민수", "이영희", "이영수", "O'Brien_%"} {
		if rec, _ := submit(t, f, id, entry(n, fmt.Sprintf("010-7%03d-%04d", i, 1234+i), false)); rec.Code != 201 {
			t.Fatalf("entry %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	search := func(q string) (int, []any) {
		t.Helper()
		rec, out := call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants?search="+url.QueryEscape(q), acct.access, nil)
		if rec.Code != 200 {
			return rec.Code, nil
		}
		return rec.Code, out["content"].([]any)
	}
	for q, want := range map[string]int{
		"010-7001-1235":    1, // the full number, in any format
		"01070011235":      1,
		"+82 10 7001 1235": 1,
		"(010) 7001.1235":  1,
		"1235":             1, // exactly the last four digits
		"9999":             0,
		"이영":               2, // a name prefix
		"이영희":              1,
		"영희":               0, // not a prefix: no match, nothing revealed
		"O'":               1,
		"O'Brien_%":        1, // LIKE wildcards are literal
		"O'B%":             0,
		"20261126-000002":  1, // an entry number
	} {
		code, got := search(q)
		if code != 200 || len(got) != want {
			t.Errorf("search %q: %d, %d rows, want %d", q, code, len(got), want)
		}
	}
	for _, q := range []string{"7001", "7001-1235", "70011235", "0107001", "123", "12345", "김", "%", "0", "010-7001-123"} {
		rec, _ := call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants?search="+url.QueryEscape(q), acct.access, nil)
		if q == "7001" { // four digits are always read as the last four: no such number, no row
			if code, got := search(q); code != 200 || len(got) != 0 {
				t.Errorf("search %q: %d %v", q, code, got)
			}
			continue
		}
		wantProblem(t, rec, 400, apperr.CodeValidation)
		var p struct {
			Errors []apperr.FieldError `json:"errors"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || len(p.Errors) != 1 || p.Errors[0].Field != "search" {
			t.Errorf("search %q: the problem does not name the parameter: %s", q, rec.Body)
		}
	}
}

// Stuffing is visible before the draw: a network with many entries and a
// minute with many entries are flagged, and so is each entry in them.
func TestAnomalyFlags(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "flags@example.com", "010-2100-0002")
	other := register(t, f, "flags2@example.com", "010-2100-0003")
	n := 0
	enter := func(ip string) string {
		t.Helper()
		n++
		rec, out := submit(t, f, id, entry("참가자", fmt.Sprintf("010-8%03d-%04d", n/10000, n%10000), false), "X-Forwarded-For", ip)
		if rec.Code != 201 {
			t.Fatalf("entry from %s: %d %s", ip, rec.Code, rec.Body)
		}
		return out["participantId"].(string)
	}
	stuffed := map[string]bool{}
	for i := range 6 { // six addresses of one /24, a minute apart
		stuffed[enter(fmt.Sprintf("203.0.113.%d", 10+i))] = true
		f.clock.Advance(time.Minute)
	}
	f.clock.Advance(time.Minute)
	burstMinute := f.clock.Now().UTC().Truncate(time.Minute)
	burst := map[string]bool{}
	for i := range 20 { // twenty networks within one minute
		burst[enter(fmt.Sprintf("2001:db8:%x:1::5", i))] = true
	}
	f.clock.Advance(2 * time.Minute)
	quiet := enter("2001:db8:ffff:2::1")
	enter("2001:db8:ffff:2::2") // the same /64: two entries, under the threshold

	rec, out := call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants?size=100", acct.access, nil)
	if rec.Code != 200 {
		t.Fatalf("list: %d %s", rec.Code, rec.Body)
	}
	var page struct {
		Content   []participation.Participant `json:"content"`
		Anomalies participation.Anomalies     `json:"anomalies"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	a := page.Anomalies
	if a.NetworkThreshold != participation.DefaultFlagNetworkEntries || a.BurstThreshold != participation.DefaultFlagBurstPerMinute ||
		a.FlaggedNetworks != 1 || len(a.Networks) != 1 || a.Networks[0].Network != "203.0.113.0/24" || a.Networks[0].Entries != 6 ||
		!(a.Networks[0].LastAt.Sub(a.Networks[0].FirstAt).Round(time.Second) == 5*time.Minute) {
		t.Errorf("networks: %+v", a)
	}
	if a.FlaggedMinutes != 1 || len(a.Bursts) != 1 || !a.Bursts[0].Minute.Equal(burstMinute) || a.Bursts[0].Entries != 20 {
		t.Errorf("bursts: %+v (want the minute %s)", a.Bursts, burstMinute)
	}
	if len(page.Content) != 28 {
		t.Fatalf("%d participants", len(page.Content))
	}
	for _, p := range page.Content {
		want := []string{}
		switch {
		case stuffed[p.ParticipantID]:
			want = []string{participation.FlagSharedNetwork}
		case burst[p.ParticipantID]:
			want = []string{participation.FlagBurst}
		}
		if fmt.Sprint(p.Flags) != fmt.Sprint(want) {
			t.Errorf("%s: flags %v, want %v", p.ParticipantID, p.Flags, want)
		}
	}
	// One participant carries the same flags; filters do not change the event's anomalies.
	if rec, p := call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants/"+quiet, acct.access, nil); rec.Code != 200 || fmt.Sprint(p["flags"]) != "[]" {
		t.Errorf("get: %d %v", rec.Code, p)
	}
	_, filtered := call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants?channel=INSTORE", acct.access, nil)
	if filtered["totalElements"] != float64(0) || filtered["anomalies"].(map[string]any)["flaggedNetworks"] != float64(1) {
		t.Errorf("filtered: %v", filtered)
	}
	// The network is stored as its prefix, and shown to nobody but the owner.
	var v6 string
	_ = f.db.QueryRow(context.Background(), `SELECT client_network FROM participation.participants WHERE event_id = $1 AND participant_id = $2`, id, quiet).Scan(&v6)
	if v6 != "2001:db8:ffff:2::/64" {
		t.Errorf("stored network %q", v6)
	}
	rec, _ = call(t, f.srv, "GET", "/api/v1/events/"+id+"/participants", other.access, nil)
	wantProblem(t, rec, 403, "EVENT_003")
	for _, path := range []string{"/api/v1/public/events/" + id, "/api/v1/public/events/" + id + "/results"} {
		if rec, _ := call(t, f.srv, "GET", path, "", nil); strings.Contains(rec.Body.String(), "203.0.113") {
			t.Errorf("%s shows a network", path)
		}
	}
	_, _ = out, quiet
}

// A disqualification's category is public (proof, results); its free text
// is the owner's alone and is purged with the personal data.
func TestDisqualificationCategory(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "dqcat@example.com", "010-2100-0004")
	for i := range 8 {
		if rec, _ := submit(t, f, id, entry("참가자", fmt.Sprintf("010-6300-%04d", i), false), "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i)); rec.Code != 201 {
			t.Fatalf("entry %d: %d %s", i, rec.Code, rec.Body)
		}
	}
	rec, d := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": 2, "alternateCount": 2})
	winners, _ := d["winners"].([]any)
	if rec.Code != 201 || len(winners) != 2 {
		t.Fatalf("draw: %d %s", rec.Code, rec.Body)
	}
	w1 := winners[0].(map[string]any)["participantId"].(string)
	path := "/api/v1/events/" + id + "/winners/" + w1 + "/disqualify"
	for _, body := range []map[string]string{{"reason": "같은 사람"}, {"category": "SPAM", "reason": "같은 사람"}, {"category": "fraud", "reason": "같은 사람"}} {
		rec, _ := call(t, f.srv, "POST", path, acct.access, body)
		wantProblem(t, rec, 400, apperr.CodeValidation)
		if !strings.Contains(rec.Body.String(), `"field":"category"`) {
			t.Errorf("%v: %s", body, rec.Body)
		}
	}
	const secret = "같은 사람이 번호 두 개로 응모함 (매장 CCTV 확인)"
	rec, out := call(t, f.srv, "POST", path, acct.access, map[string]string{"category": "FRAUD", "reason": secret})
	if rec.Code != 200 {
		t.Fatalf("disqualify: %d %s", rec.Code, rec.Body)
	}
	alt := out["replacedBy"].(map[string]any)["participantId"].(string)

	// The proof: the category, never the text.
	f.parts.WaitProofs()
	prec, _ := call(t, f.srv, "GET", "/api/v1/public/events/"+id+"/draw-proof", "", nil)
	if strings.Contains(prec.Body.String(), secret) || strings.Contains(prec.Body.String(), `"reason"`) {
		t.Errorf("the proof shows the free text: %.300s", prec.Body)
	}
	p := fetchProof(t, f, id)
	if len(p.Substitutions) != 1 || p.Substitutions[0].Category != "FRAUD" || participation.Verify(p) != nil {
		t.Errorf("proof substitutions: %+v", p.Substitutions)
	}
	// The results: the substitute's line names the category only.
	rrec, res := call(t, f.srv, "GET", "/api/v1/public/events/"+id+"/results", "", nil)
	if strings.Contains(rrec.Body.String(), secret) {
		t.Error("the results show the free text")
	}
	for _, w := range res["winners"].([]any) {
		w := w.(map[string]any)
		want := any(nil) // absent
		if w["rank"] == float64(1) {
			want = "FRAUD"
		}
		if w["substituteCategory"] != want || (w["substitute"] == true) != (want != nil) {
			t.Errorf("results winner %v", w)
		}
	}
	// The owner's winners list keeps the text.
	_, list := call(t, f.srv, "GET", "/api/v1/events/"+id+"/winners", acct.access, nil)
	dq := list["disqualified"].([]any)
	if len(dq) != 1 || dq[0].(map[string]any)["reason"] != secret || dq[0].(map[string]any)["category"] != "FRAUD" ||
		dq[0].(map[string]any)["participantId"] != w1 || dq[0].(map[string]any)["replacedBy"] != alt || dq[0].(map[string]any)["rank"] != float64(1) {
		t.Errorf("owner's disqualifications: %v", dq)
	}

	// The purge erases the text and every network; the category and the proof stay.
	call(t, f.srv, "POST", "/api/v1/events/"+id+"/end", acct.access, nil)
	f.clock.Advance(31 * 24 * time.Hour)
	fireTimer(t, f, "PrivacyPurge")
	var reasons, networks int
	_ = f.db.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM participation.draw_substitutions WHERE event_id = $1 AND reason IS NOT NULL)
		+ (SELECT count(*) FROM participation.participants WHERE event_id = $1 AND disqualify_reason IS NOT NULL),
		(SELECT count(*) FROM participation.participants WHERE event_id = $1 AND client_network IS NOT NULL)`, id).Scan(&reasons, &networks)
	if reasons != 0 || networks != 0 {
		t.Errorf("after the purge: %d reasons, %d networks left", reasons, networks)
	}
	_, fresh := login(t, f, "dqcat@example.com", goodPassword) // the first token expired while the clock moved
	_, list = call(t, f.srv, "GET", "/api/v1/events/"+id+"/winners", fresh["accessToken"].(string), nil)
	if dq := list["disqualified"].([]any); len(dq) != 1 || dq[0].(map[string]any)["reason"] != nil || dq[0].(map[string]any)["category"] != "FRAUD" {
		t.Errorf("owner's disqualifications after the purge: %v", dq)
	}
	f.srv.app.Participation.WaitProofs()
	if p := fetchProof(t, f, id); participation.Verify(p) != nil || len(p.Substitutions) != 1 || p.Substitutions[0].Category != "FRAUD" {
		t.Errorf("proof after the purge: %+v", p.Substitutions)
	}
}

// The purge never runs before a draw that can still happen: an event never
// drawn keeps its data for the grace period after its end (here longer
// than the retention), and once purged it cannot be drawn (PART_013).
func TestPurgeWaitsForUndrawnEvents(t *testing.T) {
	t.Parallel()
	// Retention 7 days, grace 30.
	f := newServerOpts(t, fixtureOpts{settings: func(c *config.Config) { c.PrivacyRetention, c.UndrawnGrace = 7*24*time.Hour, 30*24*time.Hour }})
	undrawnAcct := register(t, f, "graceu@example.com", "010-2100-0006")
	undrawn := publishedEvent(t, f, undrawnAcct)
	drawnAcct, drawn := liveEvent(t, f, "graced@example.com", "010-2100-0005")
	_, out := login(t, f, "graceu@example.com", goodPassword) // the first token expired while the clock moved
	undrawnAcct.access = out["accessToken"].(string)
	for i := range 3 {
		submit(t, f, drawn, entry("참가자", fmt.Sprintf("010-6400-%04d", i), false), "X-Forwarded-For", "203.0.113.9")
		submit(t, f, undrawn, entry("참가자", fmt.Sprintf("010-6500-%04d", i), false), "X-Forwarded-For", "203.0.113.9")
	}
	if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+drawn+"/draw-winners", drawnAcct.access, map[string]any{"winnerCount": 1, "alternateCount": 0}); rec.Code != 201 {
		t.Fatalf("draw: %d %s", rec.Code, rec.Body)
	}
	for _, e := range []struct{ id, token string }{{drawn, drawnAcct.access}, {undrawn, undrawnAcct.access}} {
		if rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+e.id+"/end", e.token, nil); rec.Code != 200 {
			t.Fatalf("end: %d %s", rec.Code, rec.Body)
		}
	}
	personal := func(id string) int {
		var n int
		_ = f.db.QueryRow(context.Background(), `SELECT count(*) FROM participation.participants WHERE event_id = $1
			AND (phone_number IS NOT NULL OR client_network IS NOT NULL)`, id).Scan(&n)
		return n
	}
	purge := func(want int64) {
		t.Helper()
		if n, err := f.parts.Purge(context.Background()); err != nil || n != want {
			t.Fatalf("purge at %s: %d erased (%v), want %d", f.clock.Now().Format(time.DateOnly), n, err, want)
		}
	}
	f.clock.Advance(8 * 24 * time.Hour)
	purge(2) // the drawn event's two non-winners
	if personal(drawn) != 1 || personal(undrawn) != 3 {
		t.Errorf("day 8: drawn keeps %d, undrawn %d (want 1 winner, 3)", personal(drawn), personal(undrawn))
	}
	f.clock.Advance(21 * 24 * time.Hour) // day 29: still within the grace
	purge(0)
	if personal(undrawn) != 3 {
		t.Errorf("day 29: the undrawn event lost its data")
	}
	// The owner can still draw inside the grace; here they do not, and the grace ends.
	f.clock.Advance(2 * 24 * time.Hour)
	purge(3)
	if personal(undrawn) != 0 {
		t.Errorf("day 31: %d entries keep personal data", personal(undrawn))
	}
	purge(0) // once purged, an event is not visited again
	_, out = login(t, f, "graceu@example.com", goodPassword)
	rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+undrawn+"/draw-winners", out["accessToken"].(string), map[string]any{"winnerCount": 1})
	wantProblem(t, rec, 409, participation.CodePurged)
	var logs int
	_ = f.db.QueryRow(context.Background(), `SELECT count(*) FROM participation.draw_logs WHERE event_id = $1`, undrawn).Scan(&logs)
	if logs != 0 {
		t.Error("a draw log was written for a purged event")
	}
}

// With the settings' defaults (retention and grace both 30 days) the timer
// skips an undrawn event inside the grace and purges it after.
func TestPrivacyPurgeUndrawnDefaults(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "graced2@example.com", "010-2100-0007")
	for i := range 2 {
		submit(t, f, id, entry("참가자", fmt.Sprintf("010-6600-%04d", i), false))
	}
	call(t, f.srv, "POST", "/api/v1/events/"+id+"/end", acct.access, nil)
	f.clock.Advance(29 * 24 * time.Hour)
	if out := fireTimer(t, f, "PrivacyPurge"); !strings.Contains(out, "erased for 0") {
		t.Errorf("inside the grace: %s", out)
	}
	f.clock.Advance(2 * 24 * time.Hour)
	if out := fireTimer(t, f, "PrivacyPurge"); !strings.Contains(out, "erased for 2") {
		t.Errorf("after the grace: %s", out)
	}
	_, out := login(t, f, "graced2@example.com", goodPassword)
	rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", out["accessToken"].(string), map[string]any{"winnerCount": 1})
	wantProblem(t, rec, 409, participation.CodePurged)
}
