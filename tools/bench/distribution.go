package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"sort"
	"sync"
	"time"

	"github.com/google/uuid"
	goredis "github.com/redis/go-redis/v9"

	"github.com/eventmkt/backend/shared/blob"
	"github.com/eventmkt/backend/shared/config"
	"github.com/eventmkt/backend/shared/distribution"
	"github.com/eventmkt/backend/shared/event"
	"github.com/eventmkt/backend/shared/queue"
	"github.com/eventmkt/backend/tools/channelsim"
)

// distributionSuite publishes events to all six channels against the
// channel simulator with its default latencies and failure rate, delivered
// by a consumer that behaves like the local host (16 concurrent calls,
// scheduled messages promoted as they fall due), and reports how long each
// event took from publish until every channel had settled.
func distributionSuite(ctx context.Context, env *Env) ([]Row, error) {
	const events, workers = 10, 16
	opts := channelsim.DefaultOptions()
	sim := httptest.NewServer(channelsim.New(opts))
	defer sim.Close()
	table := "benchattempts" + uuid.NewString()[:8]
	// The app as serve builds it, its channels pointed at the simulator.
	a, err := wire(ctx, env, func(c *config.Config) {
		c.UriDongneTVBaseURL, c.UriDongneTVAPIKey = sim.URL+"/kt/uridongnetv", "k"
		c.RingoBizBaseURL, c.RingoBizAPIKey = sim.URL+"/kt/ringobiz", "k"
		c.GiniTVBaseURL, c.GiniTVAPIKey = sim.URL+"/kt/ginitv", "k"
		c.InstagramBaseURL, c.InstagramUserID, c.InstagramAccessToken = sim.URL+"/instagram/v21.0", "17841400000000001", "t"
		c.KakaoBaseURL, c.KakaoAPIKey, c.KakaoChannelID = sim.URL+"/kakao", "k", "_bench"
		c.ImageContainer, c.ImageBaseURL = "bench-sharekits", "" // the share kits of NAVER
		c.AttemptTable = table
	})
	if err != nil {
		return nil, err
	}
	defer a.Close()
	defer func() { _, _ = a.Tables.DeleteTable(context.WithoutCancel(ctx), table, nil) }()
	if err := blob.EnsureContainer(ctx, a.Blobs, "bench-sharekits", true); err != nil {
		return nil, err
	}
	svc, broker := a.Distribution, a.Broker

	// What EventPublish enqueues: one job per channel.
	ids := make([]uuid.UUID, events)
	published := make(map[uuid.UUID]time.Time, events)
	var msgs []queue.Message
	for i := range ids {
		ids[i] = uuid.New()
		for _, ch := range distribution.Channels {
			m, err := queue.NewMessage(distribution.InitialMessageID(ids[i], ch), queue.DistributionJobs, event.TypeDistribute, ids[i].String(), event.DistributeChannel{
				EventID: ids[i], Channel: ch, Channels: distribution.Channels, Attempt: 1, EventName: "벤치 이벤트", Description: "벤치마크 이벤트입니다",
				Prize: "커피 쿠폰", StartDate: "2026-11-22", EndDate: "2026-12-22", ImageURL: "https://example.com/poster.png", StoreName: "벤치 카페",
				StoreAddress: "서울 강남구 테헤란로 1", StorePhone: "0255512345", ParticipateURL: event.EntryURL("https://app.example", ids[i], ch),
				Settings: json.RawMessage(`{}`),
			})
			if err != nil {
				return nil, err
			}
			msgs = append(msgs, m)
		}
	}
	stream := broker.Stream(queue.DistributionJobs)
	if err := env.Redis.XGroupCreateMkStream(ctx, stream, "bench", "0").Err(); err != nil {
		return nil, err
	}
	runCtx, stop := context.WithCancel(ctx)
	defer stop()
	var wg sync.WaitGroup
	go func() { // Service Bus's scheduled enqueue, as the local host promotes it
		for runCtx.Err() == nil {
			_, _ = broker.PromoteDue(runCtx, queue.DistributionJobs)
			time.Sleep(100 * time.Millisecond)
		}
	}()
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			consumer := fmt.Sprintf("w%d", w)
			for runCtx.Err() == nil {
				res, err := env.Redis.XReadGroup(runCtx, &goredis.XReadGroupArgs{Group: "bench", Consumer: consumer, Streams: []string{stream, ">"}, Count: 1, Block: 200 * time.Millisecond}).Result()
				if err != nil {
					continue
				}
				for _, x := range res[0].Messages {
					e, err := queue.DecodeFields(x.Values)
					if err == nil {
						var job event.DistributeChannel
						if json.Unmarshal(e.Body, &job) == nil {
							_, _ = svc.Distribute(runCtx, e.ID, job)
						}
					}
					env.Redis.XAck(runCtx, stream, "bench", x.ID)
				}
			}
		}()
	}
	start := time.Now()
	for _, id := range ids {
		published[id] = start
	}
	for _, err := range broker.PublishAll(ctx, msgs) {
		if err != nil {
			return nil, err
		}
	}
	settled := map[uuid.UUID]time.Duration{}
	deadline := start.Add(3 * time.Minute)
	for len(settled) < events && time.Now().Before(deadline) {
		rows, err := env.DB.Query(ctx, `SELECT event_id, completed_at FROM distribution.distribution_status WHERE event_id = ANY($1) AND completed_at IS NOT NULL`, ids)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id uuid.UUID
			var at time.Time
			if err := rows.Scan(&id, &at); err != nil {
				rows.Close()
				return nil, err
			}
			if _, ok := settled[id]; !ok {
				settled[id] = at.Sub(published[id])
			}
		}
		rows.Close()
		time.Sleep(50 * time.Millisecond)
	}
	stop()
	wg.Wait()
	if len(settled) < events {
		return nil, fmt.Errorf("only %d of %d events settled within 3 minutes", len(settled), events)
	}
	var times []time.Duration
	for _, d := range settled {
		times = append(times, d)
	}
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	var outcome struct{ ok, failed, retries int }
	if err := env.DB.QueryRow(ctx, `SELECT count(*) FILTER (WHERE status = 'SUCCESS'), count(*) FILTER (WHERE status = 'FAILED'), coalesce(sum(retries), 0)
		FROM distribution.channel_status WHERE event_id = ANY($1)`, ids).Scan(&outcome.ok, &outcome.failed, &outcome.retries); err != nil {
		return nil, err
	}
	return []Row{
		{Suite: "distribution", Figure: fmt.Sprintf("%d events x 6 channels, simulator %s-%s latency, %.0f%% transient failures", events, opts.LatencyMin, opts.LatencyMax, opts.FailureRate*100),
			Value: fmt.Sprintf("median %s, slowest %s to settle", ms(times[len(times)/2]), ms(times[len(times)-1])), Baseline: ms(opts.LatencyMax) + " (one slowest call)",
			Ratio: fmt.Sprintf("%.1f", float64(times[len(times)-1])/float64(opts.LatencyMax)), Target: "slowest <= 60 s"},
		{Suite: "distribution", Figure: "channels posted / failed / automatic retries", Value: fmt.Sprintf("%d / %d / %d", outcome.ok, outcome.failed, outcome.retries), Target: "every channel settled"},
	}, nil
}
