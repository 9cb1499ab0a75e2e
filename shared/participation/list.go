package participation

import (
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/shared/apperr"
	"github.com/eventmkt/backend/shared/phone"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/user"
)

// Participant is an entry as the owner sees it: name and phone masked.
type Participant struct {
	ParticipantID  string     `json:"participantId"`
	EventID        uuid.UUID  `json:"eventId"`
	Name           string     `json:"name"`
	PhoneNumber    string     `json:"phoneNumber"`
	Email          string     `json:"email,omitempty"`
	Channel        string     `json:"channel"`
	Source         string     `json:"source"`
	StoreVisited   bool       `json:"storeVisited"`
	BonusEntries   int        `json:"bonusEntries"`
	AgreeMarketing bool       `json:"agreeMarketing"`
	AgreePrivacy   bool       `json:"agreePrivacy"`
	IsWinner       bool       `json:"isWinner"`
	WinnerRank     *int       `json:"winnerRank"`
	WonAt          *time.Time `json:"wonAt"`
	Disqualified   bool       `json:"disqualified"`
	ParticipatedAt time.Time  `json:"participatedAt"`
	// Flags are the anomaly flags (FlagSharedNetwork, FlagBurst) the
	// participant's entry carries; see Anomalies.
	Flags []string `json:"flags"`
}

// ListFilter narrows the owner's participant list.
type ListFilter struct {
	StoreVisited *bool
	Channel      string
	IsWinner     *bool
	Search       string // searchTerm: a full phone number, its last four digits, an entry number or a name prefix
	Page, Size   int
}

const participantColumns = `participant_id, event_id, name, phone_number, email, channel, coalesce(source, 'DIRECT'), store_visited, bonus_entries,
	agree_marketing, agree_privacy, is_winner, winner_rank, won_at, disqualified_at IS NOT NULL, created_at`

// row is a participant with the personal data in clear.
type row struct {
	Participant
	name, phone, email *string
}

func scanRow(r pgx.Row) (row, error) {
	var x row
	err := r.Scan(&x.ParticipantID, &x.EventID, &x.name, &x.phone, &x.email, &x.Channel, &x.Source, &x.StoreVisited, &x.BonusEntries,
		&x.AgreeMarketing, &x.AgreePrivacy, &x.IsWinner, &x.WinnerRank, &x.WonAt, &x.Disqualified, &x.ParticipatedAt)
	return x, err
}

// masked is the row as the owner's lists show it.
func (x row) masked() Participant {
	p := x.Participant
	p.Name, p.PhoneNumber, p.Email = MaskName(x.name), MaskPhone(x.phone), maskEmail(x.email)
	return p
}

func maskEmail(e *string) string {
	if e == nil {
		return ""
	}
	local, domain, ok := strings.Cut(*e, "@")
	if !ok || local == "" {
		return "***"
	}
	return string([]rune(local)[0]) + "***@" + domain
}

// List returns a page of an event's participants, newest first.
func (s *Service) List(ctx context.Context, c user.Caller, eventID uuid.UUID, f ListFilter) ([]Participant, int, error) {
	if _, err := s.events.Owned(ctx, c, eventID); err != nil {
		return nil, 0, err
	}
	var v apperr.Validation
	v.Check(f.Channel == "" || slices.Contains(EntryChannels, f.Channel), "channel", "must be WEB, MOBILE or INSTORE")
	v.Check(len([]rune(f.Search)) <= 50, "search", "must be at most 50 characters")
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	where := []string{"event_id = $1"}
	args := []any{eventID}
	add := func(cond string, val any) {
		args = append(args, val)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if f.StoreVisited != nil {
		add("store_visited = $%d", *f.StoreVisited)
	}
	if f.Channel != "" {
		add("channel = $%d", f.Channel)
	}
	if f.IsWinner != nil {
		add("is_winner = $%d", *f.IsWinner)
	}
	if q := strings.TrimSpace(f.Search); q != "" {
		field, val, err := searchTerm(q)
		if err != nil {
			return nil, 0, err
		}
		add(field+" = $%d", val)
		if field == "name" { // a prefix: LIKE with the pattern's own characters escaped
			where[len(where)-1] = fmt.Sprintf(`name LIKE $%d ESCAPE '\'`, len(args))
		}
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.db.QueryRow(ctx, `SELECT count(*) FROM participation.participants WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("participation: count: %w", err)
	}
	args = append(args, f.Size, f.Page*f.Size)
	rows, err := s.db.Query(ctx, fmt.Sprintf(`SELECT %s FROM participation.participants WHERE %s ORDER BY created_at DESC, id DESC LIMIT $%d OFFSET $%d`,
		participantColumns, cond, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("participation: list: %w", err)
	}
	items, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Participant, error) {
		x, err := scanRow(r)
		return x.masked(), err
	})
	if err == nil {
		err = s.flag(ctx, eventID, items)
	}
	return items, total, err
}

// Get returns one participant of the event.
func (s *Service) Get(ctx context.Context, c user.Caller, eventID uuid.UUID, participantID string) (Participant, error) {
	if _, err := s.events.Owned(ctx, c, eventID); err != nil {
		return Participant{}, err
	}
	x, err := scanRow(s.db.QueryRow(ctx, `SELECT `+participantColumns+` FROM participation.participants WHERE event_id = $1 AND participant_id = $2`, eventID, participantID))
	if errors.Is(err, pgx.ErrNoRows) {
		return Participant{}, apperr.New(apperr.NotFound, CodeNotFound, "no such participant in this event")
	}
	if err != nil {
		return Participant{}, fmt.Errorf("participation: get: %w", err)
	}
	p := []Participant{x.masked()}
	err = s.flag(ctx, eventID, p)
	return p[0], err
}

// Authorize checks the caller may export the event's participants; the
// handler calls it before committing to a 200 and a CSV body.
func (s *Service) Authorize(ctx context.Context, c user.Caller, eventID uuid.UUID) error {
	_, err := s.events.Owned(ctx, c, eventID)
	return err
}

// writeCSV writes every participant of the event as CSV (UTF-8 with a BOM
// so spreadsheet apps detect it) in entry-number order, reading through q
// (ExportLink's snapshot). Current winners are unmasked: the owner
// needs them to deliver prizes. It returns the number of rows.
func (s *Service) writeCSV(ctx context.Context, q postgres.Querier, eventID uuid.UUID, w io.Writer) (int, error) {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return 0, err
	}
	cw := newSafeCSV(w) // formulas neutralised: the owner opens this in a spreadsheet
	_ = cw.Write([]string{"참여번호", "이름", "전화번호", "이메일", "참여채널", "유입경로", "매장방문", "응모권", "마케팅동의", "당첨", "당첨순위", "참여일시"})
	rows, err := q.Query(ctx, `SELECT `+participantColumns+` FROM participation.participants WHERE event_id = $1 ORDER BY participant_id COLLATE "C"`, eventID)
	if err != nil {
		return 0, fmt.Errorf("participation: export: %w", err)
	}
	defer rows.Close()
	n := 0
	yn := func(b bool) string {
		if b {
			return "Y"
		}
		return "N"
	}
	for rows.Next() {
		x, err := scanRow(rows)
		if err != nil {
			return n, err
		}
		p := x.masked()
		if x.IsWinner {
			p.Name, p.PhoneNumber = deref(x.name), deref(x.phone)
			p.Email = deref(x.email)
		}
		rank := ""
		if p.WinnerRank != nil && p.IsWinner {
			rank = strconv.Itoa(*p.WinnerRank)
		}
		_ = cw.Write([]string{p.ParticipantID, p.Name, p.PhoneNumber, p.Email, p.Channel, p.Source, yn(p.StoreVisited), strconv.Itoa(p.BonusEntries),
			yn(p.AgreeMarketing), yn(p.IsWinner), rank, p.ParticipatedAt.UTC().Format(time.RFC3339)})
		n++
		if n%1000 == 0 {
			cw.Flush()
			if err := cw.Error(); err != nil {
				return n, err
			}
			if f, ok := w.(interface{ Flush() }); ok {
				f.Flush()
			}
		}
	}
	cw.Flush()
	if err := rows.Err(); err != nil {
		return n, err
	}
	return n, cw.Error()
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// entryNumberPattern is an entry number as Submit makes them
// (20261126-000042, 20261126-P000043, 20261126-U…).
var entryNumberPattern = regexp.MustCompile(`^[0-9]{8}-[A-Za-z0-9]{1,40}$`)

// searchTerm reads the owner's search so that it can never un-mask a
// participant: the masked list shows 010-****-5678 and 김*수, and a search
// that matched middle digits or any part of a name would reveal them one
// query at a time. Accepted are the full number (any format, normalised
// like entries), exactly its last four digits (already on the screen), an
// entry number, or a name prefix of at least two characters. It returns the
// column compared and the value (a LIKE pattern for the name).
func searchTerm(q string) (string, string, error) {
	var refuse apperr.Validation
	refuse.Addf("search", "search by the full phone number or its last four digits, an entry number, or the first two or more characters of a name")
	digits, phoneLike := 0, true
	for _, r := range q {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '-' || r == '.' || r == '(' || r == ')' || r == '+' || unicode.IsSpace(r):
		default:
			phoneLike = false
		}
	}
	switch {
	case entryNumberPattern.MatchString(q):
		return "participant_id", q, nil
	case phoneLike && digits == 4 && len(q) == 4:
		return "right(phone_number, 4)", q, nil
	case phoneLike:
		d, err := phone.Normalize(q)
		if err != nil {
			return "", "", refuse.Err()
		}
		return "phone_number", d, nil
	case utf8.RuneCountInString(q) < 2:
		return "", "", refuse.Err()
	}
	return "name", strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q) + "%", nil
}
