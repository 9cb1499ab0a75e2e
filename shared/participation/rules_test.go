package participation_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/testenv"
	"github.com/eventmkt/backend/shared/testenv/stack"
	"github.com/eventmkt/backend/shared/user"
)

// The participation domain's rules, called directly with its own types:
// what each call answers (a value, or an error's apperr kind and code) for
// each case.

var (
	classVisitCode = testenv.Class{Kind: apperr.Invalid, Code: participation.CodeVisitCode}
	classDuplicate = testenv.Class{Kind: apperr.Conflict, Code: participation.CodeDuplicate}
	classPeriod    = testenv.Class{Kind: apperr.Invalid, Code: participation.CodeOutOfPeriod}
	classClosed    = testenv.Class{Kind: apperr.Invalid, Code: participation.CodeClosed}
	eventNotFound  = testenv.Class{Kind: apperr.NotFound, Code: event.CodeNotFound}
	eventForbidden = testenv.Class{Kind: apperr.Forbidden, Code: event.CodeForbidden}
)

// entry is an entry every rule accepts.
func entry(name, phone string) participation.Submission {
	return participation.Submission{Name: name, PhoneNumber: phone, AgreePrivacy: true, Channel: "MOBILE", Source: "INSTAGRAM"}
}

func mustSubmit(t *testing.T, s *stack.Stack, id uuid.UUID, sub participation.Submission) participation.Receipt {
	t.Helper()
	r, err := s.Parts.Submit(context.Background(), id, sub)
	if err != nil {
		t.Fatalf("submit %s: %v", sub.PhoneNumber, err)
	}
	return r
}

func visitCode(t *testing.T, s *stack.Stack, c user.Caller, id uuid.UUID) string {
	t.Helper()
	v, err := s.Events.VisitCode(context.Background(), c, id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Code
}

func rows(t *testing.T, s *stack.Stack, id uuid.UUID) int {
	t.Helper()
	var n int
	if err := s.DB.QueryRow(context.Background(), `SELECT count(*) FROM participation.participants WHERE event_id = $1`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// Every field of an entry is checked and each refusal names its fields; a
// claimed store visit needs the day's code; nothing refused is stored.
func TestSubmitValidation(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	c := s.Owner(t, "val@example.com")
	id := s.Live(t, c)
	code := visitCode(t, s, c, id)
	wrongCode := "000000"
	if code == wrongCode {
		wrongCode = "000001"
	}
	tests := []struct {
		name   string
		change func(*participation.Submission)
		want   testenv.Class
		fields []string
	}{
		{"blank name", func(e *participation.Submission) { e.Name = "  " }, testenv.Invalid, []string{"name"}},
		{"name of 51 characters", func(e *participation.Submission) { e.Name = strings.Repeat("가", 51) }, testenv.Invalid, []string{"name"}},
		{"landline phone", func(e *participation.Submission) { e.PhoneNumber = "02-123-4567" }, testenv.Invalid, []string{"phoneNumber"}},
		{"no phone", func(e *participation.Submission) { e.PhoneNumber = "" }, testenv.Invalid, []string{"phoneNumber"}},
		{"not an email", func(e *participation.Submission) { e.Email = "nope" }, testenv.Invalid, []string{"email"}},
		{"email of 101 characters", func(e *participation.Submission) { e.Email = strings.Repeat("a", 89) + "@example.com" }, testenv.Invalid, []string{"email"}},
		{"no privacy consent", func(e *participation.Submission) { e.AgreePrivacy = false }, testenv.Invalid, []string{"agreePrivacy"}},
		{"unknown channel", func(e *participation.Submission) { e.Channel = "FAX" }, testenv.Invalid, []string{"channel"}},
		{"unknown source", func(e *participation.Submission) { e.Source = "TIKTOK" }, testenv.Invalid, []string{"source"}},
		{"everything wrong at once", func(e *participation.Submission) {
			*e = participation.Submission{Email: "x", Channel: "FAX", Source: "TIKTOK"}
		}, testenv.Invalid, []string{"name", "phoneNumber", "email", "agreePrivacy", "channel", "source"}},
		{"a store visit without a code", func(e *participation.Submission) { e.StoreVisited = true }, classVisitCode, []string{"visitCode"}},
		{"a code of five digits", func(e *participation.Submission) { e.VisitCode = "12345" }, classVisitCode, []string{"visitCode"}},
		{"a code with letters", func(e *participation.Submission) { e.VisitCode = "12a456" }, classVisitCode, []string{"visitCode"}},
		{"a code that is not today's", func(e *participation.Submission) { e.VisitCode = wrongCode }, classVisitCode, []string{"visitCode"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			sub := entry("박지성", fmt.Sprintf("010-5555-%04d", i))
			tt.change(&sub)
			_, err := s.Parts.Submit(context.Background(), id, sub)
			testenv.WantErr(t, "submit", err, tt.want, tt.fields...)
		})
	}
	t.Cleanup(func() {
		if n := rows(t, s, id); n != 0 {
			t.Errorf("refused entries stored %d rows", n)
		}
	})
}

// One entry per phone, whatever way the number is written; the entry is
// stored with the number normalised.
func TestSubmitOnePerPhone(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "dup@example.com")
	id := s.Live(t, c)
	tests := []struct {
		phone string
		want  testenv.Class
	}{
		{"010-1234-5678", testenv.Class{}},
		{"01012345678", classDuplicate},
		{"+82 10 1234 5678", classDuplicate},
		{"+82 010-1234-5678", classDuplicate},
		{"(010) 1234.5678", classDuplicate},
		{"821012345678", classDuplicate},
		{"010-1234-5679", testenv.Class{}},
	}
	for _, tt := range tests {
		_, err := s.Parts.Submit(ctx, id, entry("김민수", tt.phone))
		if got := testenv.ClassOf(err); got != tt.want {
			t.Errorf("%s: got %v (%v), want %v", tt.phone, got, err, tt.want)
		}
	}
	var phones []string
	r, err := s.DB.Query(ctx, `SELECT phone_number FROM participation.participants WHERE event_id = $1 ORDER BY phone_number`, id)
	if err != nil {
		t.Fatal(err)
	}
	for r.Next() {
		var p string
		if err := r.Scan(&p); err != nil {
			t.Fatal(err)
		}
		phones = append(phones, p)
	}
	if want := []string{"01012345678", "01012345679"}; !reflect.DeepEqual(phones, want) {
		t.Errorf("stored phones %q, want %q", phones, want)
	}
}

// An entry with the day's store visit code counts three times (two bonus
// entries), without it once; the receipt and the owner's list agree.
func TestSubmitStoreVisitBonus(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "bonus@example.com")
	id := s.Live(t, c)
	code := visitCode(t, s, c, id)
	tests := []struct {
		name, phone, code string
		bonus             int
	}{
		{"with today's code", "010-2000-0001", code, 3},
		{"with the code and spaces around it", "010-2000-0002", " " + code + " ", 3},
		{"without a visit", "010-2000-0003", "", 1},
	}
	for _, tt := range tests {
		sub := entry("참가자", tt.phone)
		sub.VisitCode = tt.code
		r, err := s.Parts.Submit(ctx, id, sub)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		want := participation.Receipt{ParticipantID: r.ParticipantID, EventID: id, BonusEntries: tt.bonus, ParticipatedAt: s.Clock.Now()}
		if !reflect.DeepEqual(r, want) || !strings.HasPrefix(r.ParticipantID, "20261126-") {
			t.Errorf("%s: receipt %+v, want %+v", tt.name, r, want)
		}
		p, err := s.Parts.Get(ctx, c, id, r.ParticipantID)
		if err != nil || p.BonusEntries != tt.bonus || p.StoreVisited != (tt.bonus == 3) {
			t.Errorf("%s: stored %+v %v", tt.name, p, err)
		}
	}
}

// Entries are taken only while the event is live: from the first to the
// last day in its time zone, before it ends and before the draw; an event
// the public cannot see is EVENT_001.
func TestSubmitWhenOpen(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "open@example.com")
	live := s.Published(t, c) // 2026-11-25 to 2026-12-10 in Seoul
	draft := s.Ready(t, c)
	ended := s.Published(t, c)
	if _, err := s.Events.End(ctx, c, ended); err != nil {
		t.Fatal(err)
	}
	drawn := s.Live(t, c)
	mustSubmit(t, s, drawn, entry("당첨", "010-3000-9999"))
	if _, err := s.Parts.Draw(ctx, c, drawn, participation.DrawRequest{WinnerCount: 1}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		id   uuid.UUID
		at   time.Time
		want testenv.Class
	}{
		{"the day before the start in Seoul (23:59)", live, time.Date(2026, 11, 24, 14, 59, 0, 0, time.UTC), classPeriod},
		{"the first day in Seoul (00:00), still the day before in UTC", live, time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC), testenv.Class{}},
		{"the last day in Seoul (23:59)", live, time.Date(2026, 12, 10, 14, 59, 0, 0, time.UTC), testenv.Class{}},
		{"the day after the end in Seoul (00:00)", live, time.Date(2026, 12, 10, 15, 0, 0, 0, time.UTC), classPeriod},
		{"an ended event", ended, time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC), classClosed},
		{"a drawn event", drawn, time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC), classClosed},
		{"a draft", draft, time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC), eventNotFound},
		{"no such event", uuid.New(), time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC), eventNotFound},
	}
	for i, tt := range tests {
		s.Clock.Set(tt.at)
		_, err := s.Parts.Submit(ctx, tt.id, entry("참가자", fmt.Sprintf("010-3000-%04d", i)))
		if got := testenv.ClassOf(err); got != tt.want {
			t.Errorf("%s: got %v (%v), want %v", tt.name, got, err, tt.want)
		}
	}
	if n := rows(t, s, live); n != 2 {
		t.Errorf("%d entries stored on the live event, want 2", n)
	}
}

// The draw's requests are checked before anything is read; it needs the
// owner, a published event and enough participants.
func TestDrawRefusals(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "dref@example.com")
	other := s.Owner(t, "dref2@example.com")
	draft := s.Ready(t, c)
	id := s.Live(t, c)
	for i := range 3 {
		mustSubmit(t, s, id, entry("참가자", fmt.Sprintf("010-4000-%04d", i)))
	}
	tests := []struct {
		name   string
		caller user.Caller
		id     uuid.UUID
		req    participation.DrawRequest
		want   testenv.Class
		fields []string
	}{
		{"no winners", c, id, participation.DrawRequest{WinnerCount: 0}, testenv.Invalid, []string{"winnerCount"}},
		{"1001 winners", c, id, participation.DrawRequest{WinnerCount: 1001}, testenv.Invalid, []string{"winnerCount"}},
		{"negative alternates", c, id, participation.DrawRequest{WinnerCount: 1, AlternateCount: ptr(-1)}, testenv.Invalid, []string{"alternateCount"}},
		{"101 alternates", c, id, participation.DrawRequest{WinnerCount: 1, AlternateCount: ptr(101)}, testenv.Invalid, []string{"alternateCount"}},
		{"more winners than participants", c, id, participation.DrawRequest{WinnerCount: 4}, testenv.Class{Kind: apperr.Invalid, Code: participation.CodeTooFew}, nil},
		{"another owner", other, id, participation.DrawRequest{WinnerCount: 1}, eventForbidden, nil},
		{"a draft", c, draft, participation.DrawRequest{WinnerCount: 1}, testenv.Class{Kind: apperr.Conflict, Code: event.CodeWrongState}, nil},
		{"no such event", c, uuid.New(), participation.DrawRequest{WinnerCount: 1}, eventNotFound, nil},
	}
	for _, tt := range tests {
		_, err := s.Parts.Draw(ctx, tt.caller, tt.id, tt.req)
		testenv.WantErr(t, tt.name, err, tt.want, tt.fields...)
	}
	if got := apperr.As(func() error {
		_, err := s.Parts.Draw(ctx, c, id, participation.DrawRequest{WinnerCount: 4})
		return err
	}()).Extra["totalParticipants"]; got != int64(3) {
		t.Errorf("too few: totalParticipants %v, want 3", got)
	}
	notDrawn := testenv.Class{Kind: apperr.NotFound, Code: participation.CodeNotDrawn}
	if _, _, err := s.Parts.Winners(ctx, c, id, 0, 20); testenv.ClassOf(err) != notDrawn {
		t.Errorf("winners before the draw: %v, want %v", err, notDrawn)
	}
}

func ptr[T any](v T) *T { return &v }

// How many winners and alternates a draw makes: the winners asked for,
// and the alternates asked for (DefaultAlternates when not said) as far as
// participants are left; RANDOM without the store-visit bonus, WEIGHTED
// with it.
func TestDrawCounts(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "counts@example.com")
	tests := []struct {
		name                string
		entries             int
		req                 participation.DrawRequest
		algorithm           string
		winners, alternates int
	}{
		{"default alternates", 6, participation.DrawRequest{WinnerCount: 2}, participation.AlgorithmRandom, 2, 3},
		{"alternates as far as participants are left", 6, participation.DrawRequest{WinnerCount: 4}, participation.AlgorithmRandom, 4, 2},
		{"everyone wins", 3, participation.DrawRequest{WinnerCount: 3, AlternateCount: ptr(2)}, participation.AlgorithmRandom, 3, 0},
		{"no alternates", 6, participation.DrawRequest{WinnerCount: 1, AlternateCount: ptr(0), ApplyStoreVisitBonus: true}, participation.AlgorithmWeighted, 1, 0},
	}
	for _, tt := range tests {
		id := s.Live(t, c)
		for i := range tt.entries {
			mustSubmit(t, s, id, entry("참가자", fmt.Sprintf("010-4100-%04d", i)))
		}
		d, err := s.Parts.Draw(ctx, c, id, tt.req)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if d.Algorithm != tt.algorithm || d.TotalParticipants != tt.entries || d.WinnerCount != tt.req.WinnerCount ||
			len(d.Winners) != tt.winners || len(d.Alternates) != tt.alternates {
			t.Errorf("%s: %s of %d, %d winners and %d alternates; want %s of %d, %d and %d", tt.name, d.Algorithm, d.TotalParticipants,
				len(d.Winners), len(d.Alternates), tt.algorithm, tt.entries, tt.winners, tt.alternates)
		}
		for i, w := range d.Winners {
			if w.Rank != i+1 || w.WonAt == nil || !w.WonAt.Equal(d.DrawnAt) {
				t.Errorf("%s: winner %d: %+v", tt.name, i+1, w)
			}
		}
		for i, a := range d.Alternates {
			if a.Rank != i+1 || a.WonAt != nil {
				t.Errorf("%s: alternate %d: %+v", tt.name, i+1, a)
			}
		}
	}
}

// The draw happens once; its answer matches the event's commitment, its
// proof verifies with Verify (and a tampered one does not), the public
// page shows it, and entries are closed after it. Disqualifying a winner
// promotes the alternates in order, and the proof still verifies.
func TestDrawAndProof(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "draw@example.com")
	id := s.Live(t, c)
	code := visitCode(t, s, c, id)
	weights := map[string]int{}
	for i := range 12 {
		sub := entry(fmt.Sprintf("참가자%02d", i), fmt.Sprintf("010-6000-%04d", i))
		if i%3 == 0 {
			sub.VisitCode = code
		}
		r := mustSubmit(t, s, id, sub)
		weights[r.ParticipantID] = r.BonusEntries
	}
	d, err := s.Parts.Draw(ctx, c, id, participation.DrawRequest{WinnerCount: 3, ApplyStoreVisitBonus: true, AlternateCount: ptr(2)})
	if err != nil {
		t.Fatal(err)
	}
	pub, err := s.Events.Snapshot(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := hex.DecodeString(d.Proof.Seed)
	if d.Proof.SeedCommitment != pub.DrawCommitment || participation.Commitment(seed) != pub.DrawCommitment ||
		d.Proof.AlgorithmVersion != participation.AlgorithmVersion || d.Algorithm != participation.AlgorithmWeighted {
		t.Errorf("draw %+v against the commitment %s", d.Proof, pub.DrawCommitment)
	}
	if pub.DrawnAt == nil || !pub.DrawnAt.Equal(d.DrawnAt) || pub.WinnerCount != 3 {
		t.Errorf("public page after the draw: drawnAt %v, %d winners", pub.DrawnAt, pub.WinnerCount)
	}
	for _, w := range append(append([]participation.Winner{}, d.Winners...), d.Alternates...) {
		if !strings.Contains(w.Name, "*") || !strings.HasPrefix(w.PhoneNumber, "010-****-") {
			t.Errorf("unmasked in the draw's answer: %+v", w)
		}
	}
	again := []struct {
		name string
		do   func() error
		want testenv.Class
	}{
		{"a second draw", func() error {
			_, err := s.Parts.Draw(ctx, c, id, participation.DrawRequest{WinnerCount: 3})
			return err
		}, testenv.Class{Kind: apperr.Conflict, Code: participation.CodeAlreadyDrawn}},
		{"an entry after the draw", func() error { _, err := s.Parts.Submit(ctx, id, entry("늦은사람", "010-6000-9999")); return err }, classClosed},
	}
	for _, tt := range again {
		if got := testenv.ClassOf(tt.do()); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}

	proof := readProof(t, s, id)
	if err := participation.Verify(proof); err != nil {
		t.Fatalf("the proof does not verify: %v", err)
	}
	gotWeights := map[string]int{}
	for _, e := range proof.Entries {
		gotWeights[e.ParticipantID] = e.Weight
	}
	var drawn []string
	for _, w := range proof.Winners {
		drawn = append(drawn, w.ParticipantID)
	}
	var answered []string
	for _, w := range d.Winners {
		answered = append(answered, w.ParticipantID)
	}
	if !reflect.DeepEqual(gotWeights, weights) || !reflect.DeepEqual(drawn, answered) || proof.EntriesHash != d.Proof.EntriesHash {
		t.Errorf("proof entries %v winners %q, want %v and %q", gotWeights, drawn, weights, answered)
	}
	for _, tamper := range []struct {
		name   string
		change func(p *participation.Proof)
	}{
		{"a weight", func(p *participation.Proof) { p.Entries[0].Weight = 4 - p.Entries[0].Weight }},
		{"the seed", func(p *participation.Proof) { p.Seed = strings.Repeat("00", 32) }},
		{"a winner", func(p *participation.Proof) { p.Winners[0].ParticipantID = p.Alternates[0].ParticipantID }},
		{"an entry dropped", func(p *participation.Proof) { p.Entries = p.Entries[1:] }},
	} {
		p := readProof(t, s, id)
		tamper.change(&p)
		if participation.Verify(p) == nil {
			t.Errorf("a proof with %s changed verifies", tamper.name)
		}
	}

	// Disqualifications: the alternates in order, then none is left.
	w1, w2 := d.Winners[0].ParticipantID, d.Winners[1].ParticipantID
	alt1, alt2 := d.Alternates[0].ParticipantID, d.Alternates[1].ParticipantID
	steps := []struct {
		name, pid, category, reason string
		want                        testenv.Class
		fields                      []string
		replacement                 participation.Replacement
	}{
		{"an unknown category", w2, "BORED", "x", testenv.Invalid, []string{"category"}, participation.Replacement{}},
		{"no reason", w2, "OTHER", "", testenv.Invalid, []string{"reason"}, participation.Replacement{}},
		{"winner 2", w2, "DUPLICATE_ENTRY", "중복 계정", testenv.Class{}, nil, participation.Replacement{Rank: 2, ParticipantID: alt1}},
		{"winner 2 again", w2, "OTHER", "again", testenv.Class{Kind: apperr.Conflict, Code: participation.CodeNotWinner}, nil, participation.Replacement{}},
		{"no such participant", "20261126-999999", "OTHER", "x", testenv.Class{Kind: apperr.NotFound, Code: participation.CodeNotFound}, nil, participation.Replacement{}},
		{"winner 1", w1, "UNREACHABLE", "연락 불가", testenv.Class{}, nil, participation.Replacement{Rank: 1, ParticipantID: alt2}},
		{"the promoted alternate, none left", alt1, "OTHER", "x", testenv.Class{Kind: apperr.Conflict, Code: participation.CodeNoAlternate}, nil, participation.Replacement{}},
	}
	for _, st := range steps {
		rep, err := s.Parts.Disqualify(ctx, c, id, st.pid, st.category, st.reason)
		if testenv.WantErr(t, st.name, err, st.want, st.fields...) && rep != st.replacement {
			t.Errorf("%s: replaced by %+v, want %+v", st.name, rep, st.replacement)
		}
	}
	winners, total, err := s.Parts.Winners(ctx, c, id, 0, 20)
	if err != nil {
		t.Fatal(err)
	}
	var ranks []string
	for _, w := range winners {
		ranks = append(ranks, fmt.Sprintf("%d:%s", w.Rank, w.ParticipantID))
	}
	if want := []string{"1:" + alt2, "2:" + alt1, "3:" + d.Winners[2].ParticipantID}; total != 3 || !reflect.DeepEqual(ranks, want) {
		t.Errorf("winners after the substitutions %q of %d, want %q", ranks, total, want)
	}
	proof = readProof(t, s, id)
	if err := participation.Verify(proof); err != nil || len(proof.Substitutions) != 2 {
		t.Errorf("the proof after the substitutions: %d substitutions, %v", len(proof.Substitutions), err)
	}
	s.Parts.WaitProofs()
	stored, err := s.Parts.OpenProof(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	defer stored.Close()
	var p participation.Proof
	if err := json.NewDecoder(stored).Decode(&p); err != nil || !reflect.DeepEqual(p, proof) {
		t.Errorf("the stored proof differs from the written one (%v)", err)
	}
}

// readProof writes the event's proof bundle and reads it back.
func readProof(t *testing.T, s *stack.Stack, id uuid.UUID) participation.Proof {
	t.Helper()
	var buf bytes.Buffer
	if err := s.Parts.WriteProof(context.Background(), id, &buf); err != nil {
		t.Fatal(err)
	}
	var p participation.Proof
	if err := json.Unmarshal(buf.Bytes(), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// The owner's list shows entries masked, newest first, narrowed by the
// filters; a search can never unmask (only a full number, the last four
// digits, an entry number or a name prefix); the export holds every entry
// in entry-number order, unmasked only for winners.
func TestListAndExport(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "lst@example.com")
	other := s.Owner(t, "lst2@example.com")
	id := s.Live(t, c)
	code := visitCode(t, s, c, id)
	names := []string{"김민수", "이영희", "박지성", "최", "남궁민수"}
	var receipts []participation.Receipt
	for i, n := range names {
		sub := entry(n, fmt.Sprintf("010-5000-%04d", i))
		sub.AgreeMarketing = i == 1
		if i%2 == 0 {
			sub.VisitCode = code
		}
		if i == 3 {
			sub.Channel, sub.Email = "INSTORE", "choi@example.com"
		}
		receipts = append(receipts, mustSubmit(t, s, id, sub))
		s.Clock.Advance(time.Second)
	}
	// want is entry i as the owner's list shows it.
	want := func(i int) participation.Participant {
		masked := []string{"김*수", "이*희", "박*성", "*", "남**수"}[i]
		p := participation.Participant{ParticipantID: receipts[i].ParticipantID, EventID: id, Name: masked,
			PhoneNumber: fmt.Sprintf("010-****-%04d", i), Channel: "MOBILE", Source: "INSTAGRAM", StoreVisited: i%2 == 0,
			BonusEntries: participation.BonusEntries(i%2 == 0), AgreeMarketing: i == 1, AgreePrivacy: true, Flags: []string{}}
		if i == 3 {
			p.Channel, p.Email = "INSTORE", "c***@example.com"
		}
		return p
	}
	yes := true
	tests := []struct {
		name   string
		filter participation.ListFilter
		want   []int // entries, by index, in order
		total  int
		fields []string
	}{
		{"all, newest first", participation.ListFilter{Size: 20}, []int{4, 3, 2, 1, 0}, 5, nil},
		{"the second page of two", participation.ListFilter{Page: 1, Size: 2}, []int{2, 1}, 5, nil},
		{"store visits", participation.ListFilter{StoreVisited: &yes, Size: 20}, []int{4, 2, 0}, 3, nil},
		{"in store", participation.ListFilter{Channel: "INSTORE", Size: 20}, []int{3}, 1, nil},
		{"winners (none yet)", participation.ListFilter{IsWinner: &yes, Size: 20}, nil, 0, nil},
		{"a name prefix", participation.ListFilter{Search: "이영", Size: 20}, []int{1}, 1, nil},
		{"the middle of a name", participation.ListFilter{Search: "영희", Size: 20}, nil, 0, nil},
		{"the last four digits", participation.ListFilter{Search: "0002", Size: 20}, []int{2}, 1, nil},
		{"the full number in another format", participation.ListFilter{Search: "+82 10 5000 0002", Size: 20}, []int{2}, 1, nil},
		{"an entry number", participation.ListFilter{Search: receipts[3].ParticipantID, Size: 20}, []int{3}, 1, nil},
		{"a part of a number", participation.ListFilter{Search: "010-5000", Size: 20}, nil, 0, []string{"search"}},
		{"one character of a name", participation.ListFilter{Search: "김", Size: 20}, nil, 0, []string{"search"}},
		{"an unknown channel", participation.ListFilter{Channel: "FAX", Size: 20}, nil, 0, []string{"channel"}},
	}
	for _, tt := range tests {
		got, total, err := s.Parts.List(ctx, c, id, tt.filter)
		if !testenv.WantErr(t, tt.name, err, testenv.InvalidIf(tt.fields), tt.fields...) || err != nil {
			continue
		}
		wantList := []participation.Participant{}
		for _, i := range tt.want {
			wantList = append(wantList, want(i))
		}
		for i := range got {
			got[i].ParticipatedAt = got[i].ParticipatedAt.UTC()
		}
		for i, w := range tt.want {
			wantList[i].ParticipatedAt = receipts[w].ParticipatedAt.UTC()
		}
		if total != tt.total || !reflect.DeepEqual(got, wantList) {
			t.Errorf("%s: %d of\n got %+v\nwant %+v", tt.name, total, got, wantList)
		}
	}
	for _, tt := range []struct {
		name string
		err  error
		want testenv.Class
	}{
		{"List by another owner", func() error {
			_, _, err := s.Parts.List(ctx, other, id, participation.ListFilter{Size: 20})
			return err
		}(), eventForbidden},
		{"Get by another owner", func() error { _, err := s.Parts.Get(ctx, other, id, receipts[0].ParticipantID); return err }(), eventForbidden},
		{"Get of no such entry", func() error { _, err := s.Parts.Get(ctx, c, id, "nope"); return err }(),
			testenv.Class{Kind: apperr.NotFound, Code: participation.CodeNotFound}},
		{"ExportLink by another owner", func() error { _, err := s.Parts.ExportLink(ctx, other, id); return err }(), eventForbidden},
	} {
		if got := testenv.ClassOf(tt.err); got != tt.want {
			t.Errorf("%s: got %v (%v), want %v", tt.name, got, tt.err, tt.want)
		}
	}

	// The export, before and after the draw (one winner: unmasked then).
	row := func(i int, winner bool) []string {
		p := want(i)
		yn := map[bool]string{true: "Y", false: "N"}
		name, phone, email, rank := p.Name, p.PhoneNumber, p.Email, ""
		if winner {
			name, phone, rank = names[i], fmt.Sprintf("0105000%04d", i), "1"
			if i == 3 {
				email = "choi@example.com"
			}
		}
		return []string{p.ParticipantID, name, phone, email, p.Channel, p.Source, yn[p.StoreVisited], fmt.Sprint(p.BonusEntries),
			yn[p.AgreeMarketing], yn[winner], rank, receipts[i].ParticipatedAt.UTC().Format(time.RFC3339)}
	}
	header := []string{"참여번호", "이름", "전화번호", "이메일", "참여채널", "유입경로", "매장방문", "응모권", "마케팅동의", "당첨", "당첨순위", "참여일시"}
	wantCSV := [][]string{header, row(0, false), row(1, false), row(2, false), row(3, false), row(4, false)}
	if got := exportCSV(t, s, c, id); !reflect.DeepEqual(got, wantCSV) {
		t.Errorf("export\n got %q\nwant %q", got, wantCSV)
	}
	d, err := s.Parts.Draw(ctx, c, id, participation.DrawRequest{WinnerCount: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range wantCSV[1:] {
		if receipts[i].ParticipantID == d.Winners[0].ParticipantID {
			wantCSV[i+1] = row(i, true)
		}
	}
	if got := exportCSV(t, s, c, id); !reflect.DeepEqual(got, wantCSV) {
		t.Errorf("export after the draw\n got %q\nwant %q", got, wantCSV)
	}
}

// exportCSV follows the owner's export link and reads the CSV (UTF-8 with
// a byte order mark).
func exportCSV(t *testing.T, s *stack.Stack, c user.Caller, id uuid.UUID) [][]string {
	t.Helper()
	link, err := s.Parts.ExportLink(context.Background(), c, id)
	if err != nil {
		t.Fatal(err)
	}
	status, _, body := testenv.FetchLink(t, "GET", link.URL, "")
	if status != 200 || !strings.HasPrefix(body, "\uFEFF") {
		t.Fatalf("export link: %d %q", status, body)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return records
}
