// Package stack is the user, event and participation domains of one
// test's app (apptest: app.New over the test's own slice of the real
// services, with a settable clock), with helpers that walk an event through
// the wizard, for the domains' typed tests. It lives apart from testenv
// because testenv is imported by the domains' own in-package tests, which
// could not import a package that imports their domain; stack is imported
// only by external test packages (event_test, participation_test).
package stack

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/storage/azblob"
	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/app/apptest"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/postgres"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/shared/testenv"
	"github.com/eventmkt/backend/shared/user"
)

// Start is the clock's start (apptest.Start): 2026-11-22 12:00 in Seoul,
// three days before the dates Ready gives an event.
var Start = apptest.Start

// The dates Ready gives an event (in its time zone).
const (
	StartDate = "2026-11-25"
	EndDate   = "2026-12-10"
)

// Password is every Owner's password.
const Password = "s3cret-pass!"

// Stack is the three domains of an app wired by app.New.
type Stack struct {
	App    *apptest.App // the whole app, for what the fields below leave out
	DB     *postgres.DB
	Redis  goredis.UniversalClient
	Prefix string // this test's Redis key prefix
	Clock  *testenv.Clock
	Broker *queue.RedisStreams
	Outbox *queue.Outbox
	Blobs  *azblob.Client
	Users  *user.Service
	Events *event.Service
	Parts  *participation.Service

	phones atomic.Int32
}

// Options vary the app.
type Options struct {
	// Settings adjusts the app's settings (apptest.Settings: limits off,
	// the test's own containers and tables) before it is built.
	Settings func(*config.Config)
}

// New builds the app over a fresh database, this test's Redis prefix and
// its own Blob containers and tables (apptest.New); the clock starts at
// Start.
func New(t testing.TB, o Options) *Stack {
	t.Helper()
	a := apptest.New(t, apptest.Options{Settings: o.Settings})
	return &Stack{App: a, DB: a.DB, Redis: a.Redis, Prefix: a.Prefix, Clock: a.Clock, Broker: a.Broker, Outbox: a.Outbox, Blobs: a.Blobs,
		Users: a.Users, Events: a.Events, Parts: a.Participation}
}

// Owner registers a shop owner (a phone number of their own) and returns
// them as a caller.
func (s *Stack) Owner(t testing.TB, email string) user.Caller {
	t.Helper()
	ctx := context.Background()
	sess, err := s.Users.Register(ctx, user.RegisterInput{Name: "김민수", PhoneNumber: fmt.Sprintf("010-1000-%04d", s.phones.Add(1)),
		Email: email, Password: Password, StoreName: "민수네 카페", Industry: "카페", Address: "서울 강남구 테헤란로 1"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.Users.Authenticate(ctx, sess.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Draft creates a draft of the caller's with an objective.
func (s *Stack) Draft(t testing.TB, c user.Caller) uuid.UUID {
	t.Helper()
	e, err := s.Events.Create(context.Background(), c, "REVISIT")
	if err != nil {
		t.Fatal(err)
	}
	return e.EventID
}

// Plans are what a planner would produce for Ready: three plans.
func Plans() []event.Recommendation {
	return []event.Recommendation{
		{BudgetLevel: "LOW", EventName: "단골 스탬프 두 배", Description: "방문마다 스탬프 두 배", Prize: "아메리카노", PromotionType: "STAMP", TargetAudience: "단골", EstimatedCost: 500000},
		{BudgetLevel: "MID", EventName: "가을 디저트 추첨", Description: "참여자 중 추첨", Prize: "디저트 세트", PromotionType: "DRAW", TargetAudience: "20-30대", EstimatedCost: 1000000},
		{BudgetLevel: "HIGH", EventName: "연말 대축제", Description: "연말 경품 대잔치", Prize: "태블릿", PromotionType: "DRAW", TargetAudience: "지역 주민", EstimatedCost: 2000000},
	}
}

// Ready runs the wizard on a new draft of the caller's through the domain
// API, up to ready to publish: the MID plan selected with StartDate and
// EndDate, a poster selected, channels KAKAO and NAVER.
func (s *Stack) Ready(t testing.TB, c user.Caller) uuid.UUID {
	t.Helper()
	ctx := context.Background()
	id := s.Draft(t, c)
	job, err := s.Events.RequestRecommendations(ctx, c, id, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	s.finishJob(t, job.JobID, func() error {
		return s.Events.CompleteRecommendations(ctx, job.JobID, Plans(), event.Origin{Generator: "test"})
	})
	e, err := s.Events.Get(ctx, c, id)
	if err != nil {
		t.Fatal(err)
	}
	start, end := StartDate, EndDate
	if _, err := s.Events.SelectRecommendation(ctx, c, id, event.Selection{RecommendationID: e.Recommendations[1].RecommendationID,
		StartDate: &start, EndDate: &end}); err != nil {
		t.Fatal(err)
	}
	job, err = s.Events.RequestImages(ctx, c, id, event.ImageRequest{Styles: []string{"SIMPLE"}, Platforms: []string{"KAKAO"}})
	if err != nil {
		t.Fatal(err)
	}
	s.finishJob(t, job.JobID, func() error {
		return s.Events.CompleteImages(ctx, job.JobID, []event.NewImage{{Style: "SIMPLE", Platform: "KAKAO", URL: "https://blob.example/p.png", Width: 800, Height: 800}},
			event.Origin{Generator: "test"})
	})
	imgs, err := s.Events.Images(ctx, c, id)
	if err != nil || len(imgs) != 1 {
		t.Fatalf("images: %v %v", imgs, err)
	}
	if _, err := s.Events.SelectImage(ctx, c, id, imgs[0].ImageID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Events.SelectChannels(ctx, c, id, event.ChannelChoice{Channels: []string{"KAKAO", "NAVER"}}); err != nil {
		t.Fatal(err)
	}
	return id
}

func (s *Stack) finishJob(t testing.TB, jobID uuid.UUID, complete func() error) {
	t.Helper()
	if _, err := s.Events.BeginJob(context.Background(), jobID); err != nil {
		t.Fatal(err)
	}
	if err := complete(); err != nil {
		t.Fatal(err)
	}
}

// Published is Ready, then published.
func (s *Stack) Published(t testing.TB, c user.Caller) uuid.UUID {
	t.Helper()
	id := s.Ready(t, c)
	if _, err := s.Events.Publish(context.Background(), c, id); err != nil {
		t.Fatal(err)
	}
	return id
}

// Live is Published with the clock moved to 2026-11-26 12:00 in Seoul, a
// day within the event's dates.
func (s *Stack) Live(t testing.TB, c user.Caller) uuid.UUID {
	t.Helper()
	id := s.Published(t, c)
	s.Clock.Set(time.Date(2026, 11, 26, 3, 0, 0, 0, time.UTC))
	return id
}
