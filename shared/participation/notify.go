package participation

// Telling the winners. The owner asks (Queue: WinnerNotify's HTTP side,
// POST /events/{id}/winners/notify); one winner-notify message per current
// winner not notified yet goes through the outbox; the WinnerNotify queue
// function sends each (Send) as a KakaoTalk AlimTalk with an SMS fallback.
//
// Once only. participation.winner_notifications has one row per (event,
// participant), created with its queue message in one transaction under the
// event's lock, so concurrent requests queue each winner once. A delivery
// claims the row (QUEUED -> SENDING, only for the message that owns it)
// before calling NHN and settles it (SENT, FAILED, or QUEUED again under a
// new message for a retry) after, so duplicate deliveries never send twice.
// A delivery that stopped between the claim and the settlement (a crash, a
// lost connection) leaves SENDING: once its lease is over, the row counts as
// FAILED with "outcome unknown" and is not sent again on its own. We chose
// at most once over at least once: NHN may have accepted the message, and a
// second winner notice is worse than a missing one, which the owner sees as
// failed and can send again (다시 보내기).
//
// Never to a non-winner. The send happens while holding the participant's
// row (FOR SHARE) after checking it is a current winner, so a
// disqualification waits for a send in flight (at most
// MESSAGING_TIMEOUT_SECONDS) and one committed before finds is_winner false:
// nothing is sent.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/data/aztables"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/messaging"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/tables"
	"github.com/eventmkt/backend/shared/user"
)

// Notification states as WinnerList shows them.
const (
	NoticeNotSent = "NOT_SENT"
	NoticeQueued  = "QUEUED"
	NoticeSent    = "SENT"
	NoticeFailed  = "FAILED"
	noticeSending = "SENDING" // stored only; shown as QUEUED, or FAILED once its lease is over
)

// TypeWinnerNotify is the subject of winner-notify messages.
const TypeWinnerNotify = "WinnerNotify"

// errUnknownOutcome is the reason of a send that stopped half way.
const errUnknownOutcome = "outcome unknown: the delivery stopped while sending, so it is not sent again on its own (NHN may have accepted it); send it again if the winner has not received it"

// NotifyConfig tunes the winner notices.
type NotifyConfig struct {
	TemplateCode string        // MESSAGING_ALIMTALK_TEMPLATE_WINNER; empty: SMS only
	PublicWebURL string        // the results link: PUBLIC_WEB_URL/e/{id}/result
	MaxAttempts  int           // WINNER_NOTIFY_MAX_ATTEMPTS: per round, including the first (5)
	BaseBackoff  time.Duration // WINNER_NOTIFY_BACKOFF_SECONDS: the first retry's delay, doubling (30 s)
	MaxBackoff   time.Duration // cap on one delay (10 min)
	Lease        time.Duration // how long one delivery owns a send (2 min; longer than a call may take)
	AttemptTable string        // WINNER_NOTIFY_TABLE: Table storage log of attempts (WinnerNotifications)
}

func (c *NotifyConfig) defaults() {
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
	if c.BaseBackoff <= 0 {
		c.BaseBackoff = 30 * time.Second
	}
	if c.MaxBackoff <= 0 {
		c.MaxBackoff = 10 * time.Minute
	}
	if c.Lease <= 0 {
		c.Lease = 2 * time.Minute
	}
	if c.AttemptTable == "" {
		c.AttemptTable = "WinnerNotifications"
	}
	c.PublicWebURL = strings.TrimRight(c.PublicWebURL, "/")
}

// Notifier sends the winner notices.
type Notifier struct {
	s        *Service
	sender   messaging.Sender
	tables   *aztables.ServiceClient
	attempts *aztables.Client
	tableOK  atomic.Bool
	log      *slog.Logger
	cfg      NotifyConfig
}

// NewNotifier wires the winner notices to the domain, NHN and the attempt log.
func NewNotifier(s *Service, sender messaging.Sender, tbl *aztables.ServiceClient, cfg NotifyConfig) *Notifier {
	cfg.defaults()
	return &Notifier{s: s, sender: sender, tables: tbl, attempts: tbl.NewClient(cfg.AttemptTable), log: s.log, cfg: cfg}
}

// AttemptTable is the Table storage table of the attempt log.
func (n *Notifier) AttemptTable() string { return n.cfg.AttemptTable }

// WinnerNotifyJob is one winner-notify message.
type WinnerNotifyJob struct {
	EventID       uuid.UUID `json:"eventId"`
	ParticipantID string    `json:"participantId"`
	Round         int       `json:"round"`
}

// NotifyReceipt answers the owner's request.
type NotifyReceipt struct {
	Queued int `json:"queued"` // notices queued by this request (0 when every winner already has one)
}

// Notification is a winner's notice as the owner sees it.
type Notification struct {
	Status    string     `json:"status"`            // NOT_SENT, QUEUED, SENT or FAILED
	Channel   string     `json:"channel,omitempty"` // ALIMTALK or SMS, once sent
	Attempts  int        `json:"attempts"`
	UpdatedAt *time.Time `json:"updatedAt,omitempty"`
	Error     string     `json:"error,omitempty"` // why it failed
}

// ListedWinner is a current winner on WinnerList, with the notice's state.
type ListedWinner struct {
	Winner
	Notification Notification `json:"notification"`
}

func notifyMessageID(eventID uuid.UUID, pid string, round, attempt int) string {
	id := "winner-notify-" + eventID.String() + "-" + pid
	if round > 1 {
		id += fmt.Sprintf("-r%d", round)
	}
	if attempt > 0 {
		id += fmt.Sprintf("-a%d", attempt)
	}
	return id
}

// Queue queues a notice for each current winner who has none yet; with
// participantIDs, only for those (each must be a current winner,
// PART_012), and a FAILED notice among them is queued again as a new
// round. Concurrent requests queue each winner once: they run one at a
// time under the event's lock, and the row's key does the rest.
func (n *Notifier) Queue(ctx context.Context, c user.Caller, eventID uuid.UUID, participantIDs []string) (NotifyReceipt, error) {
	if _, err := n.s.events.Owned(ctx, c, eventID); err != nil {
		return NotifyReceipt{}, err
	}
	var v apperr.Validation
	v.Check(len(participantIDs) <= 1000, "participantIds", "at most 1000")
	for _, id := range participantIDs {
		if id == "" || len(id) > 50 {
			v.Check(false, "participantIds", "each must be a participant id")
			break
		}
	}
	if err := v.Err(); err != nil {
		return NotifyReceipt{}, err
	}
	now := n.s.now().UTC()
	var receipt NotifyReceipt
	err := n.s.outbox.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, eventLock(eventID)); err != nil {
			return err
		}
		if _, err := n.s.drawLog(ctx, tx, eventID); err != nil {
			return err
		}
		only := participantIDs != nil
		if only {
			var notWinner []string
			rows, err := tx.Query(ctx, `SELECT want.pid FROM unnest($2::text[]) AS want(pid) WHERE NOT EXISTS (SELECT 1 FROM participation.participants p
				WHERE p.event_id = $1 AND p.participant_id = want.pid AND p.is_winner)`, eventID, participantIDs)
			if err != nil {
				return err
			}
			if notWinner, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
				return err
			}
			if len(notWinner) > 0 {
				return apperr.New(apperr.Conflict, CodeNotWinner, "only current winners are notified: "+strings.Join(notWinner, ", ")+" is not one")
			}
		}
		type queued struct {
			pid   string
			round int
		}
		var todo []queued
		collect := func(rows pgx.Rows, err error) error {
			if err != nil {
				return err
			}
			got, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (queued, error) {
				var q queued
				return q, r.Scan(&q.pid, &q.round)
			})
			todo = append(todo, got...)
			return err
		}
		// New notices: current winners without a row.
		if err := collect(tx.Query(ctx, `INSERT INTO participation.winner_notifications (event_id, participant_id, status, message_id, queued_at, updated_at)
			SELECT p.event_id, p.participant_id, 'QUEUED', 'winner-notify-' || p.event_id || '-' || p.participant_id, $2, $2
			FROM participation.participants p
			WHERE p.event_id = $1 AND p.is_winner AND ($3::text[] IS NULL OR p.participant_id = ANY($3::text[]))
			ON CONFLICT (event_id, participant_id) DO NOTHING
			RETURNING participant_id, round`, eventID, now, nilIfAll(only, participantIDs))); err != nil {
			return fmt.Errorf("participation: queue notices: %w", err)
		}
		if only {
			// Sending again: a FAILED notice, or one whose delivery stopped
			// half way (SENDING past its lease), starts a new round.
			if err := collect(tx.Query(ctx, `UPDATE participation.winner_notifications SET status = 'QUEUED', round = round + 1, round_attempts = 0,
					message_id = 'winner-notify-' || event_id || '-' || participant_id || '-r' || (round + 1), lease_until = NULL, error = NULL,
					queued_at = $2, updated_at = $2
				WHERE event_id = $1 AND participant_id = ANY($3::text[]) AND (status = 'FAILED' OR (status = 'SENDING' AND lease_until < $2))
				RETURNING participant_id, round`, eventID, now, participantIDs)); err != nil {
				return fmt.Errorf("participation: queue notices again: %w", err)
			}
		}
		for _, q := range todo {
			m, err := queue.NewMessage(notifyMessageID(eventID, q.pid, q.round, 0), queue.WinnerNotify, TypeWinnerNotify, eventID.String(),
				WinnerNotifyJob{EventID: eventID, ParticipantID: q.pid, Round: q.round})
			if err != nil {
				return err
			}
			if err := n.s.outbox.Enqueue(ctx, tx, m); err != nil {
				return err
			}
		}
		receipt.Queued = len(todo)
		return nil
	})
	if err != nil {
		return NotifyReceipt{}, err
	}
	n.log.InfoContext(ctx, "winner notices queued", "eventId", eventID, "queued", receipt.Queued, "only", len(participantIDs))
	return receipt, nil
}

func nilIfAll(only bool, ids []string) []string {
	if !only {
		return nil
	}
	return ids
}

// Notifications returns the notices of the given participants (NOT_SENT
// for those without one).
func (n *Notifier) Notifications(ctx context.Context, eventID uuid.UUID, participantIDs []string) (map[string]Notification, error) {
	return n.s.notifications(ctx, eventID, participantIDs)
}

func (s *Service) notifications(ctx context.Context, eventID uuid.UUID, participantIDs []string) (map[string]Notification, error) {
	out := make(map[string]Notification, len(participantIDs))
	for _, id := range participantIDs {
		out[id] = Notification{Status: NoticeNotSent}
	}
	rows, err := s.db.Query(ctx, `SELECT participant_id, status, coalesce(channel, ''), attempts, updated_at, coalesce(error, ''), lease_until
		FROM participation.winner_notifications WHERE event_id = $1 AND participant_id = ANY($2::text[])`, eventID, participantIDs)
	if err != nil {
		return nil, fmt.Errorf("participation: notices: %w", err)
	}
	defer rows.Close()
	now := s.now()
	for rows.Next() {
		var pid string
		var x Notification
		var at time.Time
		var lease *time.Time
		if err := rows.Scan(&pid, &x.Status, &x.Channel, &x.Attempts, &at, &x.Error, &lease); err != nil {
			return nil, err
		}
		at = at.UTC()
		x.UpdatedAt = &at
		if x.Status == noticeSending {
			x.Status = NoticeQueued
			if lease != nil && lease.Before(now) {
				x.Status, x.Error = NoticeFailed, errUnknownOutcome
			}
		}
		if x.Status != NoticeSent {
			x.Channel = ""
		}
		out[pid] = x
	}
	return out, rows.Err()
}

// NotifyOutcome is what one delivery of a notice did, for logs and tests.
type NotifyOutcome string

// Outcomes of Send.
const (
	NotifySent        NotifyOutcome = "SENT"
	NotifyFailed      NotifyOutcome = "FAILED"      // a permanent failure, attempts exhausted, or the outcome of an earlier delivery unknown
	NotifyRescheduled NotifyOutcome = "RESCHEDULED" // a retryable failure: a new message comes back later
	NotifyNotWinner   NotifyOutcome = "NOT_WINNER"  // no longer a current winner: nothing sent
	NotifySkipped     NotifyOutcome = "SKIPPED"     // a duplicate or superseded delivery: nothing to do
)

// errSending asks the host to deliver again later: another delivery of the
// same message is sending right now.
var errSending = errors.New("participation: another delivery of this notice is sending it")

type noticeRow struct {
	status, messageID   string
	round, roundAttempt int
	attempts            int
	lease               *time.Time
}

// Send handles one delivery of a winner-notify message. It returns nil when
// the message is done with; a permanent error (apperr.IsPermanent) when it
// can never be (no such notice); any other error asks the host to deliver
// it again.
func (n *Notifier) Send(ctx context.Context, messageID string, job WinnerNotifyJob) (NotifyOutcome, error) {
	if job.EventID == uuid.Nil || job.ParticipantID == "" {
		return "", apperr.Permanent(apperr.Invalidf(CodeNotFound, "the message names no event or participant"))
	}
	log := n.log.With("eventId", job.EventID, "participantId", job.ParticipantID, "messageId", messageID)
	now := n.s.now().UTC()
	// 1. The claim: only the message that owns a QUEUED row may send it.
	var row noticeRow
	err := n.s.db.QueryRow(ctx, `UPDATE participation.winner_notifications SET status = 'SENDING', attempts = attempts + 1,
			round_attempts = round_attempts + 1, lease_until = $4, updated_at = $5
		WHERE event_id = $1 AND participant_id = $2 AND message_id = $3 AND status = 'QUEUED'
		RETURNING attempts, round, round_attempts`, job.EventID, job.ParticipantID, messageID, now.Add(n.cfg.Lease), now).
		Scan(&row.attempts, &row.round, &row.roundAttempt)
	if errors.Is(err, pgx.ErrNoRows) {
		return n.unclaimed(ctx, log, messageID, job, now)
	}
	if err != nil {
		return "", fmt.Errorf("participation: claim notice: %w", err)
	}
	// What the notice says comes from the public snapshot (store, prize).
	snap, err := n.s.events.Snapshot(ctx, job.EventID)
	if err != nil {
		n.release(ctx, job, messageID)
		return "", fmt.Errorf("participation: notice of %s: %w", job.EventID, err)
	}
	// 2. The send, holding the participant's row: a disqualification waits
	// for it, or committed before and the check below sees it.
	var outcome NotifyOutcome
	var logs []noticeAttempt
	err = n.s.outbox.InTx(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var isWinner bool
		var phone *string
		err := tx.QueryRow(ctx, `SELECT is_winner, phone_number FROM participation.participants WHERE event_id = $1 AND participant_id = $2 FOR SHARE`,
			job.EventID, job.ParticipantID).Scan(&isWinner, &phone)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if !isWinner || phone == nil {
			outcome = NotifyNotWinner
			return n.settle(ctx, tx, job, messageID, NoticeFailed, "", "", "not a current winner: nothing was sent")
		}
		text := winnerNotice(snap.StoreName, snap.EventName, snap.Prize, job.ParticipantID, n.resultsURL(job.EventID))
		res, attempts, sendErr := n.deliver(ctx, *phone, text)
		for i := range attempts {
			attempts[i].messageID, attempts[i].attempt, attempts[i].round = messageID, row.attempts, row.round
		}
		logs = attempts
		switch {
		case sendErr == nil:
			outcome = NotifySent
			return n.settle(ctx, tx, job, messageID, NoticeSent, string(res.Channel), res.RequestID, "")
		case !messaging.IsRetryable(sendErr):
			outcome = NotifyFailed
			return n.settle(ctx, tx, job, messageID, NoticeFailed, "", "", redact(sendErr.Error()))
		case row.roundAttempt >= n.cfg.MaxAttempts:
			outcome = NotifyFailed
			return n.settle(ctx, tx, job, messageID, NoticeFailed, "", "", redact(fmt.Sprintf("gave up after %d attempts: %v", row.roundAttempt, sendErr)))
		}
		outcome = NotifyRescheduled
		next := notifyMessageID(job.EventID, job.ParticipantID, row.round, row.attempts+1)
		m, err := queue.NewMessage(next, queue.WinnerNotify, TypeWinnerNotify, job.EventID.String(), job)
		if err != nil {
			return err
		}
		delay := n.backoff(row.roundAttempt)
		m.ScheduledAt = now.Add(delay)
		tag, err := tx.Exec(ctx, `UPDATE participation.winner_notifications SET status = 'QUEUED', message_id = $4, lease_until = NULL,
				error = $5, updated_at = $6
			WHERE event_id = $1 AND participant_id = $2 AND message_id = $3 AND status = 'SENDING'`,
			job.EventID, job.ParticipantID, messageID, next, redact(sendErr.Error()), n.s.now().UTC())
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		log.InfoContext(ctx, "winner notice: retryable failure; retrying later", "attempt", row.roundAttempt, "retryIn", delay.String(), "error", sendErr)
		return n.s.outbox.Enqueue(ctx, tx, m)
	})
	for _, a := range logs {
		n.logAttempt(ctx, job, a)
	}
	if err != nil {
		// The send may have happened: the row stays SENDING, so the lease
		// decides (outcome unknown), never a second send.
		return "", fmt.Errorf("participation: notice of %s/%s: %w", job.EventID, job.ParticipantID, err)
	}
	log.InfoContext(ctx, "winner notice delivery", "outcome", outcome, "attempt", row.attempts)
	return outcome, nil
}

// unclaimed explains a delivery that could not claim its row.
func (n *Notifier) unclaimed(ctx context.Context, log *slog.Logger, messageID string, job WinnerNotifyJob, now time.Time) (NotifyOutcome, error) {
	var row noticeRow
	err := n.s.db.QueryRow(ctx, `SELECT status, message_id, lease_until FROM participation.winner_notifications
		WHERE event_id = $1 AND participant_id = $2`, job.EventID, job.ParticipantID).Scan(&row.status, &row.messageID, &row.lease)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", apperr.Permanent(apperr.Invalidf(CodeNotFound, "no notice of %s in event %s was queued", job.ParticipantID, job.EventID))
	}
	if err != nil {
		return "", fmt.Errorf("participation: notice: %w", err)
	}
	switch {
	case row.messageID != messageID || row.status == NoticeSent || row.status == NoticeFailed:
		log.InfoContext(ctx, "winner notice delivery acknowledged without a send: settled or superseded", "status", row.status)
		return NotifySkipped, nil
	case row.status == noticeSending && row.lease != nil && row.lease.After(now):
		return "", errSending
	case row.status == noticeSending:
		// An earlier delivery of this message stopped while sending.
		err := n.s.db.InTx(ctx, func(tx pgx.Tx) error {
			return n.settle(ctx, tx, job, messageID, NoticeFailed, "", "", errUnknownOutcome)
		})
		if err != nil {
			return "", err
		}
		log.WarnContext(ctx, "winner notice: an earlier delivery stopped while sending; marked failed, not sent again")
		return NotifyFailed, nil
	}
	return NotifySkipped, nil
}

// release hands a claimed row back when nothing was sent.
func (n *Notifier) release(ctx context.Context, job WinnerNotifyJob, messageID string) {
	if _, err := n.s.db.Exec(context.WithoutCancel(ctx), `UPDATE participation.winner_notifications SET status = 'QUEUED', lease_until = NULL,
			attempts = attempts - 1, round_attempts = round_attempts - 1
		WHERE event_id = $1 AND participant_id = $2 AND message_id = $3 AND status = 'SENDING'`, job.EventID, job.ParticipantID, messageID); err != nil {
		n.log.WarnContext(ctx, "winner notice claim not released; its lease runs out", "error", err)
	}
}

// settle records a final state for the row the message owns.
func (n *Notifier) settle(ctx context.Context, tx pgx.Tx, job WinnerNotifyJob, messageID, status, channel, requestID, reason string) error {
	now := n.s.now().UTC()
	_, err := tx.Exec(ctx, `UPDATE participation.winner_notifications SET status = $4::varchar, channel = nullif($5::varchar, ''), request_id = nullif($6::varchar, ''),
			error = nullif($7::text, ''), lease_until = NULL, sent_at = CASE WHEN $4::varchar = 'SENT' THEN $8::timestamptz END, updated_at = $8
		WHERE event_id = $1 AND participant_id = $2 AND message_id = $3`,
		job.EventID, job.ParticipantID, messageID, status, channel, requestID, reason, now)
	if err != nil {
		return fmt.Errorf("participation: settle notice: %w", err)
	}
	return nil
}

func (n *Notifier) backoff(attempt int) time.Duration {
	d := n.cfg.BaseBackoff << min(max(attempt-1, 0), 20)
	if d > n.cfg.MaxBackoff || d <= 0 {
		d = n.cfg.MaxBackoff
	}
	return d
}

func (n *Notifier) resultsURL(eventID uuid.UUID) string {
	return n.cfg.PublicWebURL + "/e/" + eventID.String() + "/result"
}

// noticeAttempt is one call to NHN.
type noticeAttempt struct {
	channel   messaging.Channel
	started   time.Time
	latency   time.Duration
	requestID string
	err       error
	messageID string
	attempt   int
	round     int
}

// deliver sends the notice: an AlimTalk with the SMS text as NHN's resend
// when the template is set; a direct SMS when it is not, or when NHN
// refused the AlimTalk for good (a template or sender key it does not
// accept, a number KakaoTalk refuses). A retryable AlimTalk failure is not
// followed by an SMS: the AlimTalk may yet have been accepted, and the
// retry sends it again.
func (n *Notifier) deliver(ctx context.Context, to string, text winnerText) (messaging.Result, []noticeAttempt, error) {
	var attempts []noticeAttempt
	call := func(ch messaging.Channel, send func() (messaging.Result, error)) (messaging.Result, error) {
		started := n.s.now()
		res, err := send()
		attempts = append(attempts, noticeAttempt{channel: ch, started: started, latency: n.s.now().Sub(started), requestID: res.RequestID, err: err})
		return res, err
	}
	if n.cfg.TemplateCode != "" {
		res, err := call(messaging.ChannelAlimTalk, func() (messaging.Result, error) {
			return n.sender.SendAlimTalk(ctx, messaging.AlimTalk{To: to, TemplateCode: n.cfg.TemplateCode, Params: text.params, FallbackText: text.sms})
		})
		if err == nil || messaging.IsRetryable(err) {
			return res, attempts, err
		}
		alimErr := err
		res, err = call(messaging.ChannelSMS, func() (messaging.Result, error) { return n.sender.SendSMS(ctx, messaging.SMS{To: to, Text: text.sms}) })
		if err != nil && !messaging.IsRetryable(err) {
			err = fmt.Errorf("%v; then %w", alimErr, err)
		}
		return res, attempts, err
	}
	res, err := call(messaging.ChannelSMS, func() (messaging.Result, error) { return n.sender.SendSMS(ctx, messaging.SMS{To: to, Text: text.sms}) })
	return res, attempts, err
}

// winnerText is the notice: the AlimTalk template's parameters and the SMS
// text (also the AlimTalk's fallback).
type winnerText struct {
	params map[string]string
	sms    string
}

// WinnerTemplate is the AlimTalk template registered with Kakao under
// MESSAGING_ALIMTALK_TEMPLATE_WINNER (docs/messaging.md): informational,
// no advertising; #{...} are the parameters Send fills.
const WinnerTemplate = `[#{storeName}] 이벤트 당첨 안내

응모하신 '#{eventName}' 이벤트에 당첨되셨습니다.

■ 경품: #{prize}
■ 받는 방법: #{claim}
■ 응모번호: #{entryNumber}

당첨 결과 확인: #{resultsUrl}

이 메시지는 이벤트에 응모하신 분께 당첨 사실을 알려 드리는 안내입니다.`

// claimText is how a winner claims the prize.
const claimText = "매장에 방문해 이 메시지와 응모번호를 보여 주세요"

// smsMaxRunes is NHN's limit on an SMS (LMS) body.
const smsMaxRunes = 255

func winnerNotice(store, eventName, prize, entryNumber, resultsURL string) winnerText {
	store, eventName, prize = oneLine(store), oneLine(eventName), oneLine(prize)
	if prize == "" {
		prize = "이벤트 안내 참고"
	}
	params := map[string]string{"storeName": store, "eventName": eventName, "prize": prize, "claim": claimText,
		"entryNumber": entryNumber, "resultsUrl": resultsURL}
	sms := func(ev, pr string) string {
		return fmt.Sprintf("[%s] '%s' 이벤트에 당첨되셨습니다. 경품: %s. 받는 방법: %s (응모번호 %s). 결과: %s",
			store, ev, pr, claimText, entryNumber, resultsURL)
	}
	text := sms(eventName, prize)
	// Too long for one message: shorten the event name and the prize, never
	// the link or the entry number.
	for over := utf8.RuneCountInString(text) - smsMaxRunes; over > 0; over = utf8.RuneCountInString(text) - smsMaxRunes {
		eventName, prize = clipRunes(eventName, over/2+1), clipRunes(prize, over/2+1)
		text = sms(eventName, prize)
		if eventName == "" && prize == "" {
			break
		}
	}
	return winnerText{params: params, sms: text}
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clipRunes drops n characters from the end, marking the cut with "…".
func clipRunes(s string, n int) string {
	r := []rune(s)
	if n >= len(r) {
		return ""
	}
	return string(r[:len(r)-n-1]) + "…"
}

// mobileNumber is a Korean mobile number as a provider may echo it.
var mobileNumber = regexp.MustCompile(`(?:\+?82[-. ]?|\b0)1[016789][-. ]?\d{3,4}[-. ]?\d{4}\b`)

// redact hides phone numbers in a provider's message before it is stored:
// the notice's records hold no personal data.
func redact(s string) string {
	s = mobileNumber.ReplaceAllString(s, "***")
	if utf8.RuneCountInString(s) > 1000 {
		s = string([]rune(s)[:1000])
	}
	return s
}

// Attempt outcomes in the notice log.
const (
	NoticeAttemptSuccess   = "SUCCESS"
	NoticeAttemptTransient = "TRANSIENT"
	NoticeAttemptPermanent = "PERMANENT"
)

// NoticeAttempt is one call to NHN as logged in Table storage: partition
// per event, row per participant, attempt and channel
// ("20261126-000042-0002-ALIMTALK"). No personal data: no phone, no name.
type NoticeAttempt struct {
	EventID       string
	ParticipantID string
	Attempt       int
	Round         int
	Channel       string
	StartedAt     time.Time
	Outcome       string
	LatencyMs     int64
	HTTPStatus    int
	ResultCode    int
	Error         string
	RequestID     string
	MessageID     string
}

// logAttempt appends the attempt; a failed write is logged and the
// delivery goes on (the log is for people and audits, not decisions).
func (n *Notifier) logAttempt(ctx context.Context, job WinnerNotifyJob, a noticeAttempt) {
	x := NoticeAttempt{EventID: job.EventID.String(), ParticipantID: job.ParticipantID, Attempt: a.attempt, Round: a.round, Channel: string(a.channel),
		StartedAt: a.started.UTC(), Outcome: NoticeAttemptSuccess, LatencyMs: a.latency.Milliseconds(), RequestID: a.requestID, MessageID: a.messageID}
	if a.err != nil {
		x.Outcome = NoticeAttemptPermanent
		if messaging.IsRetryable(a.err) {
			x.Outcome = NoticeAttemptTransient
		}
		x.Error = redact(a.err.Error())
		var me *messaging.Error
		if errors.As(a.err, &me) {
			x.HTTPStatus, x.ResultCode = me.HTTPStatus, me.ResultCode
		}
	}
	entity := map[string]any{
		"PartitionKey": x.EventID, "RowKey": fmt.Sprintf("%s-%04d-%s", x.ParticipantID, x.Attempt, x.Channel),
		"ParticipantId": x.ParticipantID, "Attempt": x.Attempt, "Round": x.Round, "Channel": x.Channel, "StartedAt": x.StartedAt.Format(time.RFC3339Nano),
		"Outcome": x.Outcome, "LatencyMs": x.LatencyMs, "HttpStatus": x.HTTPStatus, "ResultCode": x.ResultCode, "Error": x.Error,
		"RequestId": x.RequestID, "MessageId": x.MessageID,
	}
	b, err := json.Marshal(entity)
	if err == nil && !n.tableOK.Load() {
		if err = tables.EnsureTable(ctx, n.tables, n.cfg.AttemptTable); err == nil {
			n.tableOK.Store(true)
		}
	}
	if err == nil {
		_, err = n.attempts.UpsertEntity(context.WithoutCancel(ctx), b, &aztables.UpsertEntityOptions{UpdateMode: aztables.UpdateModeReplace})
	}
	if err != nil {
		n.log.WarnContext(ctx, "notice attempt not written to the log table", "eventId", x.EventID, "participantId", x.ParticipantID, "error", err)
	}
}

// Attempts reads an event's notice log, in participant and attempt order.
func (n *Notifier) Attempts(ctx context.Context, eventID uuid.UUID) ([]NoticeAttempt, error) {
	filter := fmt.Sprintf("PartitionKey eq '%s'", eventID)
	pager := n.attempts.NewListEntitiesPager(&aztables.ListEntitiesOptions{Filter: &filter})
	var out []NoticeAttempt
	for pager.More() {
		page, err := pager.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("participation: notice log of %s: %w", eventID, err)
		}
		for _, raw := range page.Entities {
			var e struct {
				PartitionKey, ParticipantId, Channel, StartedAt, Outcome, Error, RequestId, MessageId string
				Attempt, Round, HttpStatus, ResultCode                                                int
				LatencyMs                                                                             int64
			}
			if err := json.Unmarshal(raw, &e); err != nil {
				return nil, fmt.Errorf("participation: notice log entity: %w", err)
			}
			t, _ := time.Parse(time.RFC3339Nano, e.StartedAt)
			out = append(out, NoticeAttempt{EventID: e.PartitionKey, ParticipantID: e.ParticipantId, Attempt: e.Attempt, Round: e.Round, Channel: e.Channel,
				StartedAt: t, Outcome: e.Outcome, LatencyMs: e.LatencyMs, HTTPStatus: e.HttpStatus, ResultCode: e.ResultCode, Error: e.Error,
				RequestID: e.RequestId, MessageID: e.MessageId})
		}
	}
	return out, nil
}
