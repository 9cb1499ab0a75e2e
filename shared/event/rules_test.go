package event_test

import (
	"context"
	"encoding/json"
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

// The events domain's rules, called directly with its own types: what each
// call answers (a value, or an error's apperr kind and code) for each case.

var (
	classNotFound   = testenv.Class{Kind: apperr.NotFound, Code: event.CodeNotFound}
	classForbidden  = testenv.Class{Kind: apperr.Forbidden, Code: event.CodeForbidden}
	classWrongState = testenv.Class{Kind: apperr.Conflict, Code: event.CodeWrongState}
	classNotReady   = testenv.Class{Kind: apperr.Conflict, Code: event.CodeNotReady}
)

func ptr[T any](v T) *T { return &v }

// A draft starts with a known objective, in the service's time zone, for
// the caller's store.
func TestCreate(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	c := s.Owner(t, "create@example.com")
	ctx := context.Background()
	tests := []struct {
		objective string
		want      testenv.Class
		fields    []string
	}{
		{"NEW_CUSTOMERS", testenv.Class{}, nil},
		{"REVISIT", testenv.Class{}, nil},
		{"SALES_INCREASE", testenv.Class{}, nil},
		{"AWARENESS", testenv.Class{}, nil},
		{"WORLD_PEACE", testenv.Invalid, []string{"objective"}},
		{"revisit", testenv.Invalid, []string{"objective"}},
		{"", testenv.Invalid, []string{"objective"}},
	}
	for _, tt := range tests {
		e, err := s.Events.Create(ctx, c, tt.objective)
		if !testenv.WantErr(t, tt.objective, err, tt.want, tt.fields...) || err != nil {
			continue
		}
		got := event.Summary{EventID: e.EventID, Objective: e.Objective, Status: e.Status, EventName: e.EventName, StartDate: e.StartDate, EndDate: e.EndDate}
		want := event.Summary{EventID: e.EventID, Objective: tt.objective, Status: event.StatusDraft}
		if !reflect.DeepEqual(got, want) || e.UserID != c.UserID || e.StoreID != c.StoreID || e.TimeZone != "Asia/Seoul" ||
			e.WinnerCount != 1 || e.DrawCommitment != nil || len(e.Channels) != 0 || e.PublishedAt != nil {
			t.Errorf("%q: draft %+v", tt.objective, e)
		}
	}
}

// An update checks every given field and resolves dates against the
// stored ones; a refusal changes nothing.
func TestUpdateValidation(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	c := s.Owner(t, "upd@example.com")
	ctx := context.Background()
	id := s.Draft(t, c)
	set, err := s.Events.Update(ctx, c, id, event.Update{EventName: ptr(" 연말 감사제 "), StartDate: ptr("2026-12-01"), EndDate: ptr("2026-12-31"),
		WinnerCount: ptr(5), Budget: ptr(int64(300000)), Prize: ptr("케이크"), VerifyPhone: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if *set.EventName != "연말 감사제" || set.StartDate.String() != "2026-12-01" || set.EndDate.String() != "2026-12-31" || set.WinnerCount != 5 ||
		*set.Budget != 300000 || *set.Prize != "케이크" || !set.VerifyPhone {
		t.Fatalf("update: %+v", set)
	}
	tests := []struct {
		name   string
		upd    event.Update
		fields []string
	}{
		{"blank name", event.Update{EventName: ptr("  ")}, []string{"eventName"}},
		{"name of 201 characters", event.Update{EventName: ptr(strings.Repeat("가", 201))}, []string{"eventName"}},
		{"description of 5001 characters", event.Update{Description: ptr(strings.Repeat("가", 5001))}, []string{"description"}},
		{"prize of 201 characters", event.Update{Prize: ptr(strings.Repeat("가", 201))}, []string{"prize"}},
		{"no winners", event.Update{WinnerCount: ptr(0)}, []string{"winnerCount"}},
		{"1001 winners", event.Update{WinnerCount: ptr(1001)}, []string{"winnerCount"}},
		{"negative budget", event.Update{Budget: ptr(int64(-1))}, []string{"budget"}},
		{"budget over ten billion", event.Update{Budget: ptr(int64(10_000_000_001))}, []string{"budget"}},
		{"a date not YYYY-MM-DD", event.Update{StartDate: ptr("12/01/2026")}, []string{"startDate"}},
		{"an impossible date", event.Update{EndDate: ptr("2026-02-30")}, []string{"endDate"}},
		{"end before start", event.Update{StartDate: ptr("2026-12-10"), EndDate: ptr("2026-12-01")}, []string{"endDate"}},
		{"a new start after the stored end", event.Update{StartDate: ptr("2027-01-05")}, []string{"endDate"}},
		{"a new end before the stored start", event.Update{EndDate: ptr("2026-11-30")}, []string{"endDate"}},
		{"several at once", event.Update{EventName: ptr(""), WinnerCount: ptr(0), Budget: ptr(int64(-5))}, []string{"eventName", "winnerCount", "budget"}},
	}
	for _, tt := range tests {
		_, err := s.Events.Update(ctx, c, id, tt.upd)
		testenv.WantErr(t, tt.name, err, testenv.Invalid, tt.fields...)
	}
	got, err := s.Events.Get(ctx, c, id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, set) {
		t.Errorf("after the refusals\n got %+v\nwant %+v", got, set)
	}
}

// Every call on an event answers EVENT_001 for an id that does not exist
// and EVENT_003 for another owner's event; an ADMIN acts on any.
func TestOwnershipAndAbsence(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	owner := s.Owner(t, "own@example.com")
	other := s.Owner(t, "oth@example.com")
	admin := other
	admin.Role = user.RoleAdmin
	draft := s.Ready(t, owner)
	actions := []struct {
		name string
		do   func(c user.Caller, id uuid.UUID) error
	}{
		{"Get", func(c user.Caller, id uuid.UUID) error { _, err := s.Events.Get(ctx, c, id); return err }},
		{"Owned", func(c user.Caller, id uuid.UUID) error { _, err := s.Events.Owned(ctx, c, id); return err }},
		{"Update", func(c user.Caller, id uuid.UUID) error {
			_, err := s.Events.Update(ctx, c, id, event.Update{Prize: ptr("x")})
			return err
		}},
		{"Images", func(c user.Caller, id uuid.UUID) error { _, err := s.Events.Images(ctx, c, id); return err }},
		{"SelectChannels", func(c user.Caller, id uuid.UUID) error {
			_, err := s.Events.SelectChannels(ctx, c, id, event.ChannelChoice{Channels: []string{"KAKAO"}})
			return err
		}},
		{"VisitCode", func(c user.Caller, id uuid.UUID) error { _, err := s.Events.VisitCode(ctx, c, id); return err }},
		{"RequestRecommendations", func(c user.Caller, id uuid.UUID) error {
			_, err := s.Events.RequestRecommendations(ctx, c, id, nil, nil)
			return err
		}},
		{"Publish", func(c user.Caller, id uuid.UUID) error { _, err := s.Events.Publish(ctx, c, id); return err }},
		{"End", func(c user.Caller, id uuid.UUID) error { _, err := s.Events.End(ctx, c, id); return err }},
		{"RevealSeed", func(c user.Caller, id uuid.UUID) error { _, _, err := s.Events.RevealSeed(ctx, c, id); return err }},
		{"Delete", func(c user.Caller, id uuid.UUID) error { return s.Events.Delete(ctx, c, id) }},
	}
	for _, a := range actions {
		for _, tt := range []struct {
			who  string
			c    user.Caller
			id   uuid.UUID
			want testenv.Class
		}{
			{"another owner", other, draft, classForbidden},
			{"the owner, an unknown id", owner, uuid.New(), classNotFound},
			{"an admin, an unknown id", admin, uuid.New(), classNotFound},
		} {
			if got := testenv.ClassOf(a.do(tt.c, tt.id)); got != tt.want {
				t.Errorf("%s by %s: got %v, want %v", a.name, tt.who, got, tt.want)
			}
		}
	}
	// The refused calls left the draft as it was; an admin may act on it.
	if _, err := s.Events.Get(ctx, admin, draft); err != nil {
		t.Errorf("Get by an admin: %v", err)
	}
	if _, err := s.Events.Publish(ctx, admin, draft); err != nil {
		t.Errorf("Publish by an admin: %v", err)
	}
}

// What each status allows: a draft is edited, deleted, planned and
// published; a published event is only ended (and its seed revealed); an
// ended one allows none of them.
func TestRulesPerStatus(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "status@example.com")
	inStatus := func(status string) uuid.UUID {
		switch status {
		case event.StatusDraft:
			return s.Ready(t, c)
		case event.StatusPublished:
			return s.Published(t, c)
		}
		id := s.Published(t, c)
		if _, err := s.Events.End(ctx, c, id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	ok := testenv.Class{}
	tests := []struct {
		action string
		do     func(id uuid.UUID) error
		want   map[string]testenv.Class // by status
	}{
		{"Update", func(id uuid.UUID) error {
			_, err := s.Events.Update(ctx, c, id, event.Update{Prize: ptr("x")})
			return err
		},
			map[string]testenv.Class{event.StatusDraft: ok, event.StatusPublished: classWrongState, event.StatusEnded: classWrongState}},
		{"SelectChannels", func(id uuid.UUID) error {
			_, err := s.Events.SelectChannels(ctx, c, id, event.ChannelChoice{Channels: []string{"KAKAO"}})
			return err
		}, map[string]testenv.Class{event.StatusDraft: ok, event.StatusPublished: classWrongState, event.StatusEnded: classWrongState}},
		{"RequestRecommendations", func(id uuid.UUID) error { _, err := s.Events.RequestRecommendations(ctx, c, id, nil, nil); return err },
			map[string]testenv.Class{event.StatusDraft: ok, event.StatusPublished: classWrongState, event.StatusEnded: classWrongState}},
		{"Delete", func(id uuid.UUID) error { return s.Events.Delete(ctx, c, id) },
			map[string]testenv.Class{event.StatusDraft: ok, event.StatusPublished: classWrongState, event.StatusEnded: classWrongState}},
		{"Publish", func(id uuid.UUID) error { _, err := s.Events.Publish(ctx, c, id); return err },
			map[string]testenv.Class{event.StatusDraft: ok, event.StatusPublished: classWrongState, event.StatusEnded: classWrongState}},
		{"End", func(id uuid.UUID) error { _, err := s.Events.End(ctx, c, id); return err },
			map[string]testenv.Class{event.StatusDraft: classWrongState, event.StatusPublished: ok, event.StatusEnded: classWrongState}},
		{"RevealSeed", func(id uuid.UUID) error { _, _, err := s.Events.RevealSeed(ctx, c, id); return err },
			map[string]testenv.Class{event.StatusDraft: classWrongState, event.StatusPublished: ok, event.StatusEnded: ok}},
	}
	for _, tt := range tests {
		for _, status := range []string{event.StatusDraft, event.StatusPublished, event.StatusEnded} {
			id := inStatus(status)
			err := tt.do(id)
			if got := testenv.ClassOf(err); got != tt.want[status] {
				t.Errorf("%s on a %s event: got %v (%v), want %v", tt.action, status, got, err, tt.want[status])
				continue
			}
			if err != nil {
				if got := apperr.As(err).Extra["status"]; got != status {
					t.Errorf("%s on a %s event: the refusal names status %v", tt.action, status, got)
				}
			}
		}
	}
}

// Publishing needs a name, dates, a plan, a poster and channels, and an
// end date not past in the event's time zone (Seoul here, not UTC); the
// refusal lists what is missing and leaves a draft without a commitment.
func TestPublishReadiness(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "ready@example.com")
	dates := func(start, end string) func(id uuid.UUID) {
		return func(id uuid.UUID) {
			if _, err := s.Events.Update(ctx, c, id, event.Update{StartDate: &start, EndDate: &end}); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name    string
		ready   bool            // from Ready, else a bare draft
		prepare func(uuid.UUID) // more changes before publishing
		at      time.Time       // the clock when publishing
		missing []string        // nil: published
	}{
		{"a bare draft", false, nil, stack.Start,
			[]string{"eventName", "startDate", "endDate", "selectedRecommendation", "selectedImage", "channels"}},
		{"a named draft with dates", false, func(id uuid.UUID) {
			if _, err := s.Events.Update(ctx, c, id, event.Update{EventName: ptr("이벤트"), StartDate: ptr(stack.StartDate), EndDate: ptr(stack.EndDate)}); err != nil {
				t.Fatal(err)
			}
		}, stack.Start, []string{"selectedRecommendation", "selectedImage", "channels"}},
		{"ready", true, nil, stack.Start, nil},
		{"ending yesterday in Seoul (01:00 there, still the day before in UTC)", true, dates("2026-11-20", "2026-11-21"),
			time.Date(2026, 11, 21, 16, 0, 0, 0, time.UTC), []string{"endDate (in the past)"}},
		{"ending today in Seoul (23:59 there)", true, dates("2026-11-20", "2026-11-21"),
			time.Date(2026, 11, 21, 14, 59, 0, 0, time.UTC), nil},
	}
	for _, tt := range tests {
		s.Clock.Set(stack.Start)
		id := s.Draft(t, c)
		if tt.ready {
			id = s.Ready(t, c)
		}
		if tt.prepare != nil {
			tt.prepare(id)
		}
		s.Clock.Set(tt.at)
		e, err := s.Events.Publish(ctx, c, id)
		if tt.missing == nil {
			if err != nil || e.Status != event.StatusPublished || e.DrawCommitment == nil || len(*e.DrawCommitment) != 64 || e.PublishedAt == nil {
				t.Errorf("%s: publish: %+v %v", tt.name, e, err)
			}
			continue
		}
		if got := testenv.ClassOf(err); got != classNotReady {
			t.Errorf("%s: got %v (%v), want %v", tt.name, got, err, classNotReady)
			continue
		}
		if got := apperr.As(err).Extra["missing"]; !reflect.DeepEqual(got, tt.missing) {
			t.Errorf("%s: missing %q, want %q", tt.name, got, tt.missing)
		}
		if e, err := s.Events.Get(ctx, c, id); err != nil || e.Status != event.StatusDraft || e.DrawCommitment != nil {
			t.Errorf("%s: after the refusal: %+v %v", tt.name, e, err)
		}
	}
}

// The channels step: each channel's settings are checked (every problem
// named by its field) and normalised; channels are kept in display order;
// RINGOBIZ takes only the store's verified line.
func TestSelectChannels(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "ch@example.com")
	unverified := s.Owner(t, "unverified@example.com")
	if _, err := s.Users.SetVerifiedStorePhone(ctx, c.StoreID, "01055551234"); err != nil {
		t.Fatal(err)
	}
	id, other := s.Draft(t, c), s.Draft(t, unverified)
	raw := func(v string) json.RawMessage { return json.RawMessage(v) }
	tests := []struct {
		name     string
		on       uuid.UUID
		choice   event.ChannelChoice
		want     testenv.Class
		fields   []string
		channels []string                  // stored on success
		settings map[string]map[string]any // stored on success
	}{
		{"none", id, event.ChannelChoice{}, testenv.Invalid, []string{"channels"}, nil, nil},
		{"an unknown channel", id, event.ChannelChoice{Channels: []string{"SMS"}}, testenv.Invalid, []string{"channels"}, nil, nil},
		{"one listed twice", id, event.ChannelChoice{Channels: []string{"KAKAO", "KAKAO"}}, testenv.Invalid, []string{"channels"}, nil, nil},
		{"settings of a channel not chosen", id, event.ChannelChoice{Channels: []string{"KAKAO"}, Settings: map[string]json.RawMessage{"NAVER": raw(`{}`)}},
			testenv.Invalid, []string{"settings.NAVER"}, nil, nil},
		{"malformed settings", id, event.ChannelChoice{Channels: []string{"URIDONGNETV"}, Settings: map[string]json.RawMessage{"URIDONGNETV": raw(`{"radius": 5}`)}},
			testenv.Invalid, []string{"settings.URIDONGNETV"}, nil, nil},
		{"우리동네TV without a radius, an unknown slot", id, event.ChannelChoice{Channels: []string{"URIDONGNETV"},
			Settings: map[string]json.RawMessage{"URIDONGNETV": raw(`{"timeSlot": "dawn"}`)}},
			testenv.Invalid, []string{"settings.URIDONGNETV.radius", "settings.URIDONGNETV.timeSlot"}, nil, nil},
		{"지니TV with a region of 101 characters", id, event.ChannelChoice{Channels: []string{"GINITV"},
			Settings: map[string]json.RawMessage{"GINITV": raw(`{"region": "` + strings.Repeat("가", 101) + `"}`)}},
			testenv.Invalid, []string{"settings.GINITV.region"}, nil, nil},
		{"an SNS post scheduled in the past", id, event.ChannelChoice{Channels: []string{"NAVER"},
			Settings: map[string]json.RawMessage{"NAVER": raw(`{"scheduledTime": "2020-01-01T00:00:00Z"}`)}},
			testenv.Invalid, []string{"settings.NAVER.scheduledTime"}, nil, nil},
		{"31 hashtags", id, event.ChannelChoice{Channels: []string{"INSTAGRAM"},
			Settings: map[string]json.RawMessage{"INSTAGRAM": raw(`{"hashtags": [` + strings.Repeat(`"a",`, 30) + `"a"]}`)}},
			testenv.Invalid, []string{"settings.INSTAGRAM.hashtags"}, nil, nil},
		{"링고비즈 without a number", id, event.ChannelChoice{Channels: []string{"RINGOBIZ"}}, testenv.Invalid, []string{"settings.RINGOBIZ.phoneNumber"}, nil, nil},
		{"링고비즈 message with a link", id, event.ChannelChoice{Channels: []string{"RINGOBIZ"},
			Settings: map[string]json.RawMessage{"RINGOBIZ": raw(`{"phoneNumber": "010-5555-1234", "message": "자세히는 www.example.com"}`)}},
			testenv.Invalid, []string{"settings.RINGOBIZ.message"}, nil, nil},
		{"링고비즈 message with a phone number", id, event.ChannelChoice{Channels: []string{"RINGOBIZ"},
			Settings: map[string]json.RawMessage{"RINGOBIZ": raw(`{"phoneNumber": "010-5555-1234", "message": "문의 010 9999 8888"}`)}},
			testenv.Invalid, []string{"settings.RINGOBIZ.message"}, nil, nil},
		{"링고비즈 message of two lines", id, event.ChannelChoice{Channels: []string{"RINGOBIZ"},
			Settings: map[string]json.RawMessage{"RINGOBIZ": raw(`{"phoneNumber": "010-5555-1234", "message": "안녕하세요\n감사합니다"}`)}},
			testenv.Invalid, []string{"settings.RINGOBIZ.message"}, nil, nil},
		{"링고비즈 on a store with no verified line", other, event.ChannelChoice{Channels: []string{"RINGOBIZ"},
			Settings: map[string]json.RawMessage{"RINGOBIZ": raw(`{"phoneNumber": "010-5555-1234"}`)}},
			testenv.Class{Kind: apperr.Invalid, Code: event.CodeRingbackNotVerified}, nil, nil, nil},
		{"링고비즈 on another line than the verified one", id, event.ChannelChoice{Channels: []string{"RINGOBIZ"},
			Settings: map[string]json.RawMessage{"RINGOBIZ": raw(`{"phoneNumber": "02-123-4567"}`)}},
			testenv.Class{Kind: apperr.Invalid, Code: event.CodeRingbackNotStore}, nil, nil, nil},
		{"a good choice, normalised and in display order", id, event.ChannelChoice{Channels: []string{"INSTAGRAM", "RINGOBIZ", "GINITV", "URIDONGNETV"},
			Settings: map[string]json.RawMessage{
				"URIDONGNETV": raw(`{"radius": "1KM", "timeSlot": "evening"}`),
				"RINGOBIZ":    raw(`{"phoneNumber": "+82 10-5555-1234", "message": " 어서 오세요 "}`),
				"INSTAGRAM":   raw(`{"hashtags": ["카페"]}`),
			}}, testenv.Class{}, nil,
			[]string{"URIDONGNETV", "RINGOBIZ", "GINITV", "INSTAGRAM"},
			map[string]map[string]any{
				"URIDONGNETV": {"radius": "1km", "timeSlot": "EVENING"},
				"RINGOBIZ":    {"phoneNumber": "01055551234", "message": "어서 오세요"},
				"GINITV":      {"timeSlot": "ALL_DAY", "region": ""},
				"INSTAGRAM":   {"scheduledTime": nil, "hashtags": []any{"카페"}},
			}},
	}
	for _, tt := range tests {
		caller := c
		if tt.on == other {
			caller = unverified
		}
		e, err := s.Events.SelectChannels(ctx, caller, tt.on, tt.choice)
		if !testenv.WantErr(t, tt.name, err, tt.want, tt.fields...) || err != nil {
			continue
		}
		settings := map[string]map[string]any{}
		for ch, raw := range e.ChannelSettings {
			var m map[string]any
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			settings[ch] = m
		}
		if !reflect.DeepEqual(e.Channels, tt.channels) || !reflect.DeepEqual(settings, tt.settings) {
			t.Errorf("%s:\n got %q %v\nwant %q %v", tt.name, e.Channels, settings, tt.channels, tt.settings)
		}
	}
}

// An owner lists only their own events, newest first, with their entry
// counts; the filters narrow it and are checked.
func TestList(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "list@example.com")
	other := s.Owner(t, "list2@example.com")
	s.Draft(t, other)
	var ids []uuid.UUID
	for _, obj := range []string{"REVISIT", "AWARENESS", "REVISIT"} {
		e, err := s.Events.Create(ctx, c, obj)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.EventID)
		s.Clock.Advance(time.Second)
	}
	if _, err := s.Events.Update(ctx, c, ids[1], event.Update{EventName: ptr("100% 당첨 Special")}); err != nil {
		t.Fatal(err)
	}
	live := s.Live(t, c) // the newest; the clock is now within its dates
	for _, phone := range []string{"010-7000-0001", "010-7000-0002"} {
		if _, err := s.Parts.Submit(ctx, live, participation.Submission{Name: "참가", PhoneNumber: phone, AgreePrivacy: true}); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		filter event.Filter
		want   []uuid.UUID
		total  int
		fields []string
	}{
		{"all", event.Filter{Size: 20}, []uuid.UUID{live, ids[2], ids[1], ids[0]}, 4, nil},
		{"a page of two", event.Filter{Page: 1, Size: 2}, []uuid.UUID{ids[1], ids[0]}, 4, nil},
		{"published", event.Filter{Status: event.StatusPublished, Size: 20}, []uuid.UUID{live}, 1, nil},
		{"drafts for revisits", event.Filter{Status: event.StatusDraft, Objective: "REVISIT", Size: 20}, []uuid.UUID{ids[2], ids[0]}, 2, nil},
		{"a literal %", event.Filter{Search: "100%", Size: 20}, []uuid.UUID{ids[1]}, 1, nil},
		{"any case", event.Filter{Search: "special", Size: 20}, []uuid.UUID{ids[1]}, 1, nil},
		{"a % matches no wildcard", event.Filter{Search: "%", Size: 20}, []uuid.UUID{ids[1]}, 1, nil},
		{"an unknown status", event.Filter{Status: "LIVE", Size: 20}, nil, 0, []string{"status"}},
		{"an unknown objective", event.Filter{Objective: "X", Size: 20}, nil, 0, []string{"objective"}},
		{"a search of 201 characters", event.Filter{Search: strings.Repeat("가", 201), Size: 20}, nil, 0, []string{"search"}},
	}
	for _, tt := range tests {
		items, total, err := s.Events.List(ctx, c, tt.filter)
		if !testenv.WantErr(t, tt.name, err, testenv.InvalidIf(tt.fields), tt.fields...) {
			continue
		}
		var got []uuid.UUID
		for _, it := range items {
			got = append(got, it.EventID)
		}
		if total != tt.total || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: got %v of %d, want %v of %d", tt.name, got, total, tt.want, tt.total)
		}
	}
	items, _, err := s.Events.List(ctx, c, event.Filter{Size: 1})
	if err != nil || len(items) != 1 {
		t.Fatalf("list: %v %v", items, err)
	}
	want := event.Summary{EventID: live, EventName: ptr("가을 디저트 추첨"), Objective: "REVISIT", Status: event.StatusPublished,
		StartDate: ptr(day(stack.StartDate)), EndDate: ptr(day(stack.EndDate)), ParticipantCount: 2, CreatedAt: items[0].CreatedAt}
	if !reflect.DeepEqual(items[0], want) || !want.CreatedAt.Equal(stack.Start.Add(3*time.Second)) {
		t.Errorf("summary\n got %+v\nwant %+v created at %s", items[0], want, stack.Start.Add(3*time.Second))
	}
	if items, total, err := s.Events.List(ctx, other, event.Filter{Size: 20}); err != nil || total != 1 || items[0].EventID == live {
		t.Errorf("the other owner's list: %v of %d, %v", items, total, err)
	}
}

// AutoEnd ends a published event once its last day is over in its time
// zone, and only then; a second run ends nothing more.
func TestAutoEndInTheEventsTimeZone(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "autoend@example.com")
	id := s.Published(t, c) // ends 2026-12-10 in Seoul
	draft := s.Ready(t, c)
	tests := []struct {
		at     time.Time
		ended  int
		status string
	}{
		{time.Date(2026, 12, 10, 14, 59, 59, 0, time.UTC), 0, event.StatusPublished}, // 23:59:59 on the last day in Seoul
		{time.Date(2026, 12, 10, 15, 0, 0, 0, time.UTC), 1, event.StatusEnded},       // midnight in Seoul, still the 10th in UTC
		{time.Date(2026, 12, 11, 15, 0, 0, 0, time.UTC), 0, event.StatusEnded},
	}
	for _, tt := range tests {
		s.Clock.Set(tt.at)
		res, err := s.Events.AutoEnd(ctx)
		if err != nil || res.Ended != tt.ended {
			t.Errorf("at %s: ended %d (%v), want %d", tt.at, res.Ended, err, tt.ended)
		}
		info, err := s.Events.Owned(ctx, c, id)
		if err != nil || info.Status != tt.status || (info.EndedAt != nil) != (tt.status == event.StatusEnded) {
			t.Errorf("at %s: %+v %v, want %s", tt.at, info, err, tt.status)
		}
	}
	if info, err := s.Events.Owned(ctx, c, draft); err != nil || info.Status != event.StatusDraft {
		t.Errorf("a draft after AutoEnd: %+v %v", info, err)
	}
}

// The visit code is the code of the day in the event's time zone: it turns
// at midnight in Seoul, and only the day's code is accepted.
func TestVisitCodeInTheEventsTimeZone(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "visit@example.com")
	id := s.Published(t, c)
	tests := []struct {
		at         time.Time
		validOn    string
		validUntil time.Time
	}{
		{time.Date(2026, 11, 25, 14, 59, 59, 0, time.UTC), "2026-11-25", time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)},
		{time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC), "2026-11-26", time.Date(2026, 11, 26, 15, 0, 0, 0, time.UTC)},
	}
	var codes []string
	for _, tt := range tests {
		s.Clock.Set(tt.at)
		v, err := s.Events.VisitCode(ctx, c, id)
		if err != nil {
			t.Fatal(err)
		}
		want := event.VisitCode{Code: v.Code, QRURL: event.StoreVisitURL("https://app.example", id, v.Code), ValidOn: day(tt.validOn), ValidUntil: tt.validUntil}
		if !reflect.DeepEqual(v, want) || !event.WellFormedVisitCode(v.Code) {
			t.Errorf("at %s:\n got %+v\nwant %+v", tt.at, v, want)
		}
		codes = append(codes, v.Code)
	}
	if codes[0] == codes[1] {
		t.Skip("the two days' codes collide (one chance in a million)")
	}
	for _, tt := range []struct {
		day, code string
		ok        bool
	}{
		{"2026-11-25", codes[0], true}, {"2026-11-26", codes[1], true},
		{"2026-11-26", codes[0], false}, {"2026-11-25", codes[1], false}, {"2026-11-25", "12345", false},
	} {
		if ok, err := s.Events.CheckVisitCode(ctx, id, day(tt.day), tt.code); err != nil || ok != tt.ok {
			t.Errorf("CheckVisitCode(%s, %s): %v %v, want %v", tt.day, tt.code, ok, err, tt.ok)
		}
	}
}

// The public page shows a published or ended event (never a draft) with
// its store, plan, commitment and dates; an unknown id is EVENT_001.
func TestPublicSnapshot(t *testing.T) {
	t.Parallel()
	s := stack.New(t, stack.Options{})
	ctx := context.Background()
	c := s.Owner(t, "pub@example.com")
	id := s.Published(t, c)
	draft := s.Ready(t, c)
	for _, unseen := range []uuid.UUID{draft, uuid.New()} {
		if _, err := s.Events.Snapshot(ctx, unseen); testenv.ClassOf(err) != classNotFound {
			t.Errorf("snapshot of %s: %v, want %v", unseen, err, classNotFound)
		}
		if !s.Events.Unknown(unseen) {
			t.Errorf("%s is not remembered as unknown", unseen)
		}
	}
	e, err := s.Events.Get(ctx, c, id)
	if err != nil {
		t.Fatal(err)
	}
	want := event.Public{EventID: id, EventName: "가을 디저트 추첨", Description: "참여자 중 추첨", Prize: "디저트 세트",
		StartDate: day(stack.StartDate), EndDate: day(stack.EndDate), Status: event.StatusPublished, ImageURL: "https://blob.example/p.png",
		StoreName: "민수네 카페", DrawCommitment: *e.DrawCommitment, TimeZone: "Asia/Seoul", Eligibility: "20-30대",
		AnnouncementDate: day("2026-12-11"), WinnerCount: 1, RetentionDays: 30}
	for _, read := range []string{"built from Postgres", "from the cache"} {
		got, err := s.Events.Snapshot(ctx, id)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s:\n got %+v (%v)\nwant %+v", read, got, err, want)
		}
	}
	if _, err := s.Events.End(ctx, c, id); err != nil {
		t.Fatal(err)
	}
	want.Status = event.StatusEnded
	if got, err := s.Events.Snapshot(ctx, id); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("after the end:\n got %+v (%v)\nwant %+v", got, err, want)
	}
}
