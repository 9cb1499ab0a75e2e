package bench

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/eventmkt/backend/handlers"
	"github.com/eventmkt/backend/shared/participation"
	"github.com/eventmkt/backend/shared/user"
)

// liveEvent inserts a published event running today, owned by a new user;
// the caller carries the owner's access token.
func liveEvent(ctx context.Context, env *Env, users *user.Service) (uuid.UUID, owner, error) {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	sess, err := users.Register(ctx, user.RegisterInput{Name: "벤치사장", PhoneNumber: fmt.Sprintf("0109%07d", (int(b[0])<<16|int(b[1])<<8|int(b[2]))%10_000_000),
		Email: fmt.Sprintf("bench-%x@example.com", b), Password: "bench-pass-1!", StoreName: "벤치 카페", Industry: "카페", Address: "서울 강남구"})
	if err != nil {
		return uuid.Nil, owner{}, err
	}
	seed := make([]byte, 32)
	_, _ = rand.Read(seed)
	var id uuid.UUID
	err = env.DB.QueryRow(ctx, `INSERT INTO events.events (user_id, store_id, objective, status, event_name, start_date, end_date, draw_seed, draw_commitment, published_at)
		VALUES ($1, $2, 'REVISIT', 'PUBLISHED', '벤치 이벤트', current_date - 1, current_date + 30, $3, $4, now()) RETURNING event_id`,
		sess.UserID, sess.StoreID, seed, participation.Commitment(seed)).Scan(&id)
	return id, owner{Caller: user.Caller{UserID: sess.UserID, StoreID: sess.StoreID, Role: user.RoleOwner}, token: sess.AccessToken}, err
}

// owner is a bench event's owner and their access token.
type owner struct {
	user.Caller
	token string
}

func percentile(ds []time.Duration, p float64) time.Duration {
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[int(float64(len(ds)-1)*p)]
}

// submitSuite: 20,000 submits (10% duplicates) at concurrency 64 through the
// handler over loopback, against plain single-row INSERTs at the same
// concurrency.
func submitSuite(ctx context.Context, env *Env) ([]Row, error) {
	const total, workers, dupEvery = 20000, 64, 10
	svc, err := wire(ctx, env)
	if err != nil {
		return nil, err
	}
	defer svc.Close()
	id, o, err := liveEvent(ctx, env, svc.Users)
	if err != nil {
		return nil, err
	}
	visit, err := svc.Events.VisitCode(ctx, o.Caller, id) // every third entrant was in the store
	if err != nil {
		return nil, err
	}
	ts := httptest.NewServer(handlers.New(svc))
	defer ts.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers}}
	bodies := make([][]byte, total)
	unique := 0
	for i := range total {
		n := i
		if i%dupEvery == dupEvery-1 {
			n = i - 5 // a phone already used a moment ago
		} else {
			unique++
		}
		code := ""
		if n%3 == 0 {
			code = visit.Code
		}
		bodies[i], _ = json.Marshal(map[string]any{"name": "참가자", "phoneNumber": fmt.Sprintf("0107%07d", n), "agreePrivacy": true,
			"visitCode": code, "channel": "MOBILE", "source": "INSTAGRAM"})
	}
	var next atomic.Int64
	lat := make([]time.Duration, total)
	var failures atomic.Int64
	url := ts.URL + "/api/v1/events/" + id.String() + "/participate"
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= total {
					return
				}
				t0 := time.Now()
				resp, err := client.Post(url, "application/json", bytes.NewReader(bodies[i]))
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 201 && resp.StatusCode != 409 {
						failures.Add(1)
					}
				} else {
					failures.Add(1)
				}
				lat[i] = time.Since(t0)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var rows int
	if err := env.DB.QueryRow(ctx, `SELECT count(*) FROM participation.participants WHERE event_id = $1`, id).Scan(&rows); err != nil {
		return nil, err
	}
	rps := float64(total) / elapsed.Seconds()

	// Baseline: the same unique rows as plain INSERTs, same concurrency.
	base := uuid.New()
	next.Store(0)
	bstart := time.Now()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= unique {
					return
				}
				_, _ = env.DB.Exec(ctx, `INSERT INTO participation.participants (participant_id, event_id, name, phone_number, channel, source, store_visited, bonus_entries, agree_privacy)
					VALUES ($1, $2, '참가자', $3, 'MOBILE', 'INSTAGRAM', false, 1, true)`, fmt.Sprintf("b-%06d", i), base, fmt.Sprintf("0108%07d", i))
			}
		}()
	}
	wg.Wait()
	baseRPS := float64(unique) / time.Since(bstart).Seconds()
	return []Row{
		{Suite: "submit", Figure: fmt.Sprintf("20,000 submits (10%% dup), c=%d, HTTP over loopback", workers), Value: fmt.Sprintf("%.0f req/s", rps),
			Baseline: fmt.Sprintf("%.0f rows/s (plain INSERT)", baseRPS), Ratio: fmt.Sprintf("%.2f", rps/baseRPS), Target: ">= 0.5"},
		{Suite: "submit", Figure: "latency p50 / p99", Value: fmt.Sprintf("%s / %s", ms(percentile(lat, 0.5)), ms(percentile(lat, 0.99))), Target: "p99 <= 50 ms"},
		{Suite: "submit", Figure: "rows created / unique phones / errors", Value: fmt.Sprintf("%d / %d / %d", rows, unique, failures.Load()), Target: "rows = unique, 0 errors"},
	}, nil
}

// drawSuite: a WEIGHTED draw of 100 winners + 10 alternates over 1,000,000
// entries loaded with COPY, against streaming the same rows with COPY TO
// STDOUT and against the SQL weighted draw.
func drawSuite(ctx context.Context, env *Env) ([]Row, error) {
	const n = 1_000_000
	id := uuid.New()
	_, err := env.DB.CopyFrom(ctx, pgx.Identifier{"participation", "participants"},
		[]string{"participant_id", "event_id", "name", "phone_number", "bonus_entries", "store_visited", "agree_privacy"},
		pgx.CopyFromSlice(n, func(i int) ([]any, error) {
			w := 1
			if i%4 == 0 {
				w = 3
			}
			return []any{fmt.Sprintf("20261122-%07d", i+1), id, "참가자", fmt.Sprintf("010%08d", i), w, w == 3, true}, nil
		}))
	if err != nil {
		return nil, fmt.Errorf("load: %w", err)
	}
	if _, err := env.DB.Exec(ctx, "VACUUM ANALYZE participation.participants"); err != nil {
		return nil, err
	}
	conn, err := env.DB.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Release()
	copyStart := time.Now()
	if _, err := conn.Conn().PgConn().CopyTo(ctx, io.Discard, `COPY (SELECT participant_id, bonus_entries FROM participation.participants
		WHERE event_id = '`+id.String()+`' ORDER BY participant_id COLLATE "C") TO STDOUT`); err != nil {
		return nil, err
	}
	copyTime := time.Since(copyStart)

	seed := make([]byte, 32)
	_, _ = rand.Read(seed)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var m runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	drawStart := time.Now()
	res, err := participation.Rank(ctx, env.DB, id, seed, participation.AlgorithmWeighted, 110)
	drawTime := time.Since(drawStart)
	close(done)
	if err != nil {
		return nil, err
	}
	if res.Count != n || len(res.Ranked) != 110 {
		return nil, fmt.Errorf("draw ranked %d of %d", len(res.Ranked), res.Count)
	}
	growth := int64(peak.Load()) - int64(before.HeapInuse)

	sqlStart := time.Now()
	rows, err := env.DB.Query(ctx, `SELECT participant_id FROM participation.participants WHERE event_id = $1
		ORDER BY -ln(random()) / bonus_entries LIMIT 110`, id)
	if err != nil {
		return nil, err
	}
	rows.Close()
	sqlTime := time.Since(sqlStart)
	return []Row{
		{Suite: "draw", Figure: "1M entries, WEIGHTED, 100+10, streamed top-k", Value: ms(drawTime), Baseline: ms(copyTime) + " (COPY TO STDOUT)",
			Ratio: fmt.Sprintf("%.2f", float64(drawTime)/float64(copyTime)), Target: "<= 1.5"},
		{Suite: "draw", Figure: "vs SQL ORDER BY -ln(random())/w LIMIT 110", Value: ms(drawTime), Baseline: ms(sqlTime) + " (SQL draw)",
			Ratio: fmt.Sprintf("%.2f", float64(drawTime)/float64(sqlTime)), Target: "< 1 (faster)"},
		{Suite: "draw", Figure: "peak heap growth during the draw", Value: fmt.Sprintf("%.1f MB", float64(growth)/(1<<20)), Target: "< 100 MB"},
	}, nil
}

// jobSuite: RecommendationRequest through the handler answers 202 with a
// queued job; the baseline is the same owner's GET of the event.
func jobSuite(ctx context.Context, env *Env) ([]Row, error) {
	svc, err := wire(ctx, env)
	if err != nil {
		return nil, err
	}
	defer svc.Close()
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	email := fmt.Sprintf("job-%x@example.com", b)
	if _, err := svc.Users.Register(ctx, user.RegisterInput{Name: "벤치사장", PhoneNumber: fmt.Sprintf("0108%07d", (int(b[0])<<16|int(b[1])<<8|int(b[2]))%10_000_000),
		Email: email, Password: "bench-pass-1!", StoreName: "벤치 카페", Industry: "카페", Address: "서울 강남구"}); err != nil {
		return nil, err
	}
	sess, err := svc.Users.Login(ctx, email, "bench-pass-1!", "")
	if err != nil {
		return nil, err
	}
	ts := httptest.NewServer(handlers.New(svc))
	defer ts.Close()
	do := func(method, path string, body string) (*http.Response, error) {
		req, _ := http.NewRequestWithContext(ctx, method, ts.URL+path, bytes.NewBufferString(body))
		req.Header.Set("Authorization", "Bearer "+sess.AccessToken)
		req.Header.Set("Content-Type", "application/json")
		return http.DefaultClient.Do(req)
	}
	resp, err := do("POST", "/api/v1/events/objectives", `{"objective":"REVISIT"}`)
	if err != nil {
		return nil, err
	}
	var ev struct {
		EventID string `json:"eventId"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&ev)
	resp.Body.Close()
	timeIt := func(method, path, body string, want int) ([]time.Duration, error) {
		var ds []time.Duration
		for range 200 {
			t0 := time.Now()
			resp, err := do(method, path, body)
			if err != nil {
				return nil, err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != want {
				return nil, fmt.Errorf("%s %s: %d", method, path, resp.StatusCode)
			}
			ds = append(ds, time.Since(t0))
		}
		return ds, nil
	}
	jobs, err := timeIt("POST", "/api/v1/events/"+ev.EventID+"/ai-recommendations", `{}`, http.StatusAccepted)
	if err != nil {
		return nil, err
	}
	gets, err := timeIt("GET", "/api/v1/events/"+ev.EventID, "", http.StatusOK)
	if err != nil {
		return nil, err
	}
	p99 := percentile(jobs, 0.99)
	return []Row{{Suite: "jobs", Figure: "RecommendationRequest -> 202 (p50 / p99 of 200)", Value: ms(percentile(jobs, 0.5)) + " / " + ms(p99),
		Baseline: ms(percentile(gets, 0.5)) + " (EventGet p50)", Ratio: fmt.Sprintf("%.1f", float64(percentile(jobs, 0.5))/float64(percentile(gets, 0.5))), Target: "well under 100 ms"}}, nil
}
