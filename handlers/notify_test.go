package handlers

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/tools/channelsim"
)

// drawnForNotice is a live event with n entries (phones 010-7<k>00-00ii),
// drawn with the given winners and alternates. It returns the phone of each
// participant id.
func drawnForNotice(t *testing.T, f fixture, k, n, winners, alternates int) (account, string, map[string]string) {
	t.Helper()
	acct, id := liveEvent(t, f, fmt.Sprintf("notice%d@example.com", k), fmt.Sprintf("010-3%03d-0001", k))
	phones := map[string]string{}
	for i := range n {
		ph := fmt.Sprintf("0107%d00%04d", k, i)
		rec, out := submit(t, f, id, entry(fmt.Sprintf("당첨후보%02d", i), ph, false))
		if rec.Code != 201 {
			t.Fatalf("entry %d: %d %s", i, rec.Code, rec.Body)
		}
		phones[out["participantId"].(string)] = ph
	}
	rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/draw-winners", acct.access, map[string]any{"winnerCount": winners, "alternateCount": alternates})
	if rec.Code != 201 {
		t.Fatalf("draw: %d %s", rec.Code, rec.Body)
	}
	return acct, id, phones
}

// listedWinners is WinnerList's content by participant id.
func listedWinners(t *testing.T, f fixture, acct account, id string) map[string]participation.ListedWinner {
	t.Helper()
	rec, _ := call(t, f.srv, "GET", "/api/v1/events/"+id+"/winners", acct.access, nil)
	if rec.Code != 200 {
		t.Fatalf("winners: %d %s", rec.Code, rec.Body)
	}
	var page struct {
		Content []participation.ListedWinner `json:"content"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
		t.Fatal(err)
	}
	out := map[string]participation.ListedWinner{}
	for _, w := range page.Content {
		out[w.ParticipantID] = w
	}
	return out
}

func notify(t *testing.T, f fixture, acct account, id string, body any) int {
	t.Helper()
	rec, out := call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/notify", acct.access, body)
	if rec.Code != 202 {
		t.Fatalf("notify: %d %s", rec.Code, rec.Body)
	}
	return int(out["queued"].(float64))
}

// runNotices delivers every winner-notify message, retries included, until
// none is left.
func runNotices(t *testing.T, f fixture, q *distJobs) {
	t.Helper()
	for range 20 {
		jobs := q.next(t)
		if len(jobs) == 0 {
			return
		}
		for _, e := range jobs {
			if rec := deliver(t, f, "WinnerNotify", e, 1); rec.Code != 200 {
				t.Fatalf("WinnerNotify %s: %d %s", e.ID, rec.Code, rec.Body)
			}
		}
	}
	t.Fatal("notices keep coming")
}

// sent counts the messages the simulator accepted for a number (an
// AlimTalk, or an SMS).
func sent(f fixture, phone string) []channelsim.Message {
	var out []channelsim.Message
	for _, m := range f.sim.Messages(phone) {
		if m.Status == "SENT" {
			out = append(out, m)
		}
	}
	return out
}

// Ten concurrent notify requests and every message delivered twice (one of
// them concurrently): exactly one message per winner, none to anyone else,
// the status on WinnerList, one SUCCESS per winner in the attempt log.
func TestWinnerNotifyOncePerWinner(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id, phones := drawnForNotice(t, f, 1, 8, 3, 2)
	before := listedWinners(t, f, acct, id)
	for _, w := range before {
		if w.Notification.Status != participation.NoticeNotSent || w.Notification.Attempts != 0 || w.Notification.UpdatedAt != nil {
			t.Errorf("before any notice: %+v", w.Notification)
		}
	}

	var wg sync.WaitGroup
	queued := make([]int, 10)
	for i := range queued {
		wg.Add(1)
		go func() {
			defer wg.Done()
			queued[i] = notify(t, f, acct, id, nil)
		}()
	}
	wg.Wait()
	total := 0
	for _, n := range queued {
		total += n
	}
	if total != 3 {
		t.Fatalf("ten requests queued %v notices, want 3 in all", queued)
	}
	for _, w := range listedWinners(t, f, acct, id) {
		if w.Notification.Status != participation.NoticeQueued {
			t.Errorf("after the request: %+v", w.Notification)
		}
	}
	msgs := newQueueJobs(f, queue.WinnerNotify).next(t)
	if len(msgs) != 3 {
		t.Fatalf("%d winner-notify messages, want 3", len(msgs))
	}
	// Each delivered twice at once, then once more.
	for _, e := range msgs {
		var wg sync.WaitGroup
		for range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				deliver(t, f, "WinnerNotify", e, 1) // one of the two may be asked to come back (the other is sending)
			}()
		}
		wg.Wait()
		if rec := deliver(t, f, "WinnerNotify", e, 2); rec.Code != 200 {
			t.Fatalf("redelivery: %d %s", rec.Code, rec.Body)
		}
	}
	after := listedWinners(t, f, acct, id)
	for pid, ph := range phones {
		got := sent(f, ph)
		if _, winner := after[pid]; !winner {
			if len(f.sim.Messages(ph)) != 0 {
				t.Errorf("non-winner %s got %v", pid, f.sim.Messages(ph))
			}
			continue
		}
		if len(got) != 1 || got[0].Channel != channelsim.MsgAlimTalk || got[0].TemplateCode != "EVENT_WINNER_01" {
			t.Fatalf("winner %s got %+v, want one AlimTalk", pid, got)
		}
		p := got[0].Params
		if p["entryNumber"] != pid || p["resultsUrl"] != "https://app.example/e/"+id+"/result" || p["storeName"] == "" || p["claim"] == "" || p["prize"] == "" {
			t.Errorf("template parameters: %v", p)
		}
		n := after[pid].Notification
		if n.Status != participation.NoticeSent || n.Channel != "ALIMTALK" || n.Attempts != 1 || n.UpdatedAt == nil || n.Error != "" {
			t.Errorf("winner %s notification %+v", pid, n)
		}
	}
	if all := f.sim.Messages(""); len(all) != 3 {
		t.Errorf("%d messages in all, want 3", len(all))
	}
	// Asking again queues nothing; the attempt log has one success each and
	// no phone number.
	if n := notify(t, f, acct, id, nil); n != 0 {
		t.Errorf("a second request queued %d", n)
	}
	log, err := f.notify.Attempts(context.Background(), uuid.MustParse(id))
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 3 {
		t.Fatalf("attempt log: %+v", log)
	}
	for _, a := range log {
		if a.Outcome != participation.NoticeAttemptSuccess || a.Channel != "ALIMTALK" || a.Attempt != 1 || a.RequestID == "" || after[a.ParticipantID].Rank == 0 {
			t.Errorf("attempt %+v", a)
		}
		if b, _ := json.Marshal(a); strings.Contains(string(b), phones[a.ParticipantID]) {
			t.Errorf("the log holds the phone: %s", b)
		}
	}
}

// A retryable failure is retried (a new message, later) and then SENT; a
// permanent one is FAILED with its reason at once; one that never stops
// failing is FAILED after WINNER_NOTIFY_MAX_ATTEMPTS (3 here); a FAILED one
// is sent again on request.
func TestWinnerNotifyRetriesAndFailures(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id, phones := drawnForNotice(t, f, 2, 6, 3, 0)
	winners := listedWinners(t, f, acct, id)
	var retry, refused, down string
	for pid := range winners {
		switch {
		case retry == "":
			retry = pid
		case refused == "":
			refused = pid
		default:
			down = pid
		}
	}
	f.sim.FailRecipient(phones[retry], channelsim.MsgAlimTalk, channelsim.FailTransient, 1)
	f.sim.FailRecipient(phones[refused], "", channelsim.FailPermanent, 0)
	f.sim.FailRecipient(phones[down], "", channelsim.FailTransient, 0)

	if n := notify(t, f, acct, id, nil); n != 3 {
		t.Fatalf("queued %d", n)
	}
	q := newQueueJobs(f, queue.WinnerNotify)
	for _, e := range q.next(t) {
		if rec := deliver(t, f, "WinnerNotify", e, 1); rec.Code != 200 {
			t.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	mid := listedWinners(t, f, acct, id)
	if n := mid[retry].Notification; n.Status != participation.NoticeQueued || n.Attempts != 1 || !strings.Contains(n.Error, "retryable") {
		t.Errorf("after a transient failure: %+v", n)
	}
	if n := mid[refused].Notification; n.Status != participation.NoticeFailed || !strings.Contains(n.Error, "refused") || n.Attempts != 1 {
		t.Errorf("after a permanent failure: %+v", n)
	}
	runNotices(t, f, q)
	end := listedWinners(t, f, acct, id)
	if n := end[retry].Notification; n.Status != participation.NoticeSent || n.Attempts != 2 || n.Channel != "ALIMTALK" || n.Error != "" {
		t.Errorf("retried: %+v", n)
	}
	if got := sent(f, phones[retry]); len(got) != 1 {
		t.Errorf("retried winner got %d messages", len(got))
	}
	if n := end[down].Notification; n.Status != participation.NoticeFailed || n.Attempts != 3 || !strings.Contains(n.Error, "gave up after 3 attempts") {
		t.Errorf("exhausted: %+v", n)
	}
	if len(sent(f, phones[refused]))+len(sent(f, phones[down])) != 0 {
		t.Error("a failed notice was recorded as sent")
	}
	log, err := f.notify.Attempts(context.Background(), uuid.MustParse(id))
	if err != nil {
		t.Fatal(err)
	}
	outcomes := map[string][]string{}
	for _, a := range log {
		outcomes[a.ParticipantID] = append(outcomes[a.ParticipantID], a.Channel+":"+a.Outcome)
	}
	if got := strings.Join(outcomes[retry], ","); got != "ALIMTALK:TRANSIENT,ALIMTALK:SUCCESS" {
		t.Errorf("retried winner's log: %s", got)
	}
	// A permanent AlimTalk refusal is followed by a direct SMS, refused too.
	if got := strings.Join(outcomes[refused], ","); got != "ALIMTALK:PERMANENT,SMS:PERMANENT" {
		t.Errorf("refused winner's log: %s", got)
	}
	if len(outcomes[down]) != 3 {
		t.Errorf("exhausted winner's log: %v", outcomes[down])
	}

	// 다시 보내기: only the winner named is queued again, only when FAILED,
	// and only once however often it is asked.
	rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/notify", acct.access, map[string]any{"participantIds": []string{"nobody"}})
	wantProblem(t, rec, 409, participation.CodeNotWinner)
	if n := notify(t, f, acct, id, map[string]any{"participantIds": []string{retry}}); n != 0 {
		t.Errorf("a SENT notice was queued again: %d", n)
	}
	if n := notify(t, f, acct, id, map[string]any{"participantIds": []string{down}}); n != 1 {
		t.Errorf("re-send queued %d", n)
	}
	if n := notify(t, f, acct, id, map[string]any{"participantIds": []string{down}}); n != 0 {
		t.Errorf("a second re-send queued %d", n)
	}
	if n := listedWinners(t, f, acct, id)[down].Notification; n.Status != participation.NoticeQueued || n.Error != "" {
		t.Errorf("queued again: %+v", n)
	}
}

// A disqualified winner gets nothing new (their queued notice is not sent);
// the alternate who takes the rank is notified by the next request.
func TestWinnerNotifyAfterSubstitution(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id, phones := drawnForNotice(t, f, 3, 6, 2, 1)
	if n := notify(t, f, acct, id, nil); n != 2 {
		t.Fatalf("queued %d", n)
	}
	var out, stays string
	for pid, w := range listedWinners(t, f, acct, id) {
		if w.Rank == 1 {
			out = pid
		} else {
			stays = pid
		}
	}
	rec, rep := call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/"+out+"/disqualify", acct.access, map[string]string{"category": "INELIGIBLE", "reason": "직원 가족"})
	if rec.Code != 200 {
		t.Fatalf("disqualify: %d %s", rec.Code, rec.Body)
	}
	sub := rep["replacedBy"].(map[string]any)["participantId"].(string)
	q := newQueueJobs(f, queue.WinnerNotify)
	runNotices(t, f, q)
	if got := f.sim.Messages(phones[out]); len(got) != 0 {
		t.Errorf("the disqualified winner got %v", got)
	}
	if len(sent(f, phones[stays])) != 1 || len(f.sim.Messages(phones[sub])) != 0 {
		t.Errorf("before the next request: winner %d, substitute %d", len(sent(f, phones[stays])), len(f.sim.Messages(phones[sub])))
	}
	list := listedWinners(t, f, acct, id)
	if list[sub].Notification.Status != participation.NoticeNotSent {
		t.Errorf("substitute before the request: %+v", list[sub].Notification)
	}
	if n := notify(t, f, acct, id, nil); n != 1 {
		t.Fatalf("after the substitution queued %d, want the substitute only", n)
	}
	runNotices(t, f, q)
	if len(sent(f, phones[sub])) != 1 || len(sent(f, phones[stays])) != 1 || len(f.sim.Messages(phones[out])) != 0 {
		t.Errorf("after: substitute %v, winner %v, disqualified %v", f.sim.Messages(phones[sub]), f.sim.Messages(phones[stays]), f.sim.Messages(phones[out]))
	}
	for pid, ph := range phones {
		if pid != out && pid != stays && pid != sub && len(f.sim.Messages(ph)) != 0 {
			t.Errorf("non-winner %s got a message", pid)
		}
	}
	if n := listedWinners(t, f, acct, id)[sub].Notification; n.Status != participation.NoticeSent {
		t.Errorf("substitute: %+v", n)
	}
}

// A delivery that stopped between its claim and the settlement is not sent
// again: once its lease is over the notice shows FAILED (outcome unknown),
// and a later delivery of the message settles it so without a send.
func TestWinnerNotifyStoppedSendIsNotRepeated(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id, phones := drawnForNotice(t, f, 4, 3, 1, 0)
	notify(t, f, acct, id, nil)
	msgs := newQueueJobs(f, queue.WinnerNotify).next(t)
	if len(msgs) != 1 {
		t.Fatalf("%d messages", len(msgs))
	}
	var pid string
	for p := range listedWinners(t, f, acct, id) {
		pid = p
	}
	// The claim of a delivery that then died (as Send's first statement).
	if _, err := f.db.Exec(context.Background(), `UPDATE participation.winner_notifications SET status = 'SENDING', attempts = 1, round_attempts = 1,
		lease_until = $3 WHERE event_id = $1 AND participant_id = $2`, id, pid, f.clock.Now().Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if rec := deliver(t, f, "WinnerNotify", msgs[0], 2); rec.Code != 500 {
		t.Fatalf("a redelivery within the lease: %d, want 500 (come back later)", rec.Code)
	}
	if n := listedWinners(t, f, acct, id)[pid].Notification; n.Status != participation.NoticeQueued {
		t.Errorf("within the lease: %+v", n)
	}
	f.clock.Advance(3 * time.Minute)
	if n := listedWinners(t, f, acct, id)[pid].Notification; n.Status != participation.NoticeFailed || !strings.Contains(n.Error, "outcome unknown") {
		t.Errorf("past the lease: %+v", n)
	}
	if rec := deliver(t, f, "WinnerNotify", msgs[0], 3); rec.Code != 200 {
		t.Fatalf("a redelivery past the lease: %d %s", rec.Code, rec.Body)
	}
	if got := f.sim.Messages(phones[pid]); len(got) != 0 {
		t.Errorf("sent again: %v", got)
	}
	// The owner sends it again deliberately.
	if n := notify(t, f, acct, id, map[string]any{"participantIds": []string{pid}}); n != 1 {
		t.Fatalf("re-send queued %d", n)
	}
	runNotices(t, f, newQueueJobs(f, queue.WinnerNotify))
	if len(sent(f, phones[pid])) != 1 {
		t.Errorf("after the re-send: %v", f.sim.Messages(phones[pid]))
	}
}

// Notify needs a draw and the owner.
func TestWinnerNotifyRefusals(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id := liveEvent(t, f, "notice5@example.com", "010-3005-0001")
	rec, _ := call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/notify", acct.access, nil)
	wantProblem(t, rec, 404, participation.CodeNotDrawn)
	other := register(t, f, "notice6@example.com", "010-3006-0001")
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/notify", other.access, nil)
	if rec.Code != 403 {
		t.Errorf("another owner: %d", rec.Code)
	}
	rec, _ = call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/notify", "", nil)
	if rec.Code != 401 {
		t.Errorf("anonymous: %d", rec.Code)
	}
}

// The purge leaves no pointer to a former winner's message: NHN's request
// id and the error of a disqualified winner's notice go with their phone;
// the current winner's notice stays as it was.
func TestPrivacyPurgeClearsNotices(t *testing.T) {
	t.Parallel()
	f := newServer(t)
	acct, id, _ := drawnForNotice(t, f, 7, 3, 1, 1)
	notify(t, f, acct, id, nil)
	runNotices(t, f, newQueueJobs(f, queue.WinnerNotify))
	var first string
	for pid := range listedWinners(t, f, acct, id) {
		first = pid
	}
	call(t, f.srv, "POST", "/api/v1/events/"+id+"/winners/"+first+"/disqualify", acct.access, map[string]string{"category": "DECLINED", "reason": "수령 거부"})
	notify(t, f, acct, id, nil)
	runNotices(t, f, newQueueJobs(f, queue.WinnerNotify))
	call(t, f.srv, "POST", "/api/v1/events/"+id+"/end", acct.access, nil)
	f.clock.Advance(31 * 24 * time.Hour)
	fireTimer(t, f, "PrivacyPurge")
	rows, err := f.db.Query(context.Background(), `SELECT n.participant_id, n.status, n.request_id IS NOT NULL, p.is_winner
		FROM participation.winner_notifications n JOIN participation.participants p USING (event_id, participant_id) WHERE n.event_id = $1`, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := 0
	for rows.Next() {
		var pid, status string
		var hasRequest, winner bool
		if err := rows.Scan(&pid, &status, &hasRequest, &winner); err != nil {
			t.Fatal(err)
		}
		seen++
		if status != participation.NoticeSent || hasRequest != winner {
			t.Errorf("%s (winner %v): %s, request id kept %v", pid, winner, status, hasRequest)
		}
	}
	if seen != 2 {
		t.Errorf("%d notices", seen)
	}
}
