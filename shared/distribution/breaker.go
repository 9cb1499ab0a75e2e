package distribution

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"github.com/sony/gobreaker/v2"
)

// Breaker is a circuit breaker per channel whose state lives in Redis, so
// every function instance sees the same state: a dead partner API is left
// alone by all of them, not hammered by each in turn. Threshold failures in
// a row open it for Cooldown; then one probe at a time is let through
// (half-open); a success closes it, a failure opens it again.
//
// The state machine is gobreaker's DistributedCircuitBreaker over a Redis
// store. Its Execute holds the fleet-wide lock for as long as the request
// runs, which would serialise every call to a channel; so a channel call
// never runs inside it: Allow reads the state (State), and the outcome is
// recorded afterwards as an Execute of the known result, which holds the
// lock for a few Redis round trips. The half-open probe is claimed with a
// key of its own (gobreaker counts a half-open request only inside
// Execute).
type Breaker struct {
	store     *breakerStore
	threshold int
	cooldown  time.Duration

	mu       sync.Mutex
	channels map[string]*gobreaker.DistributedCircuitBreaker[struct{}]
}

// BreakerState is what Allow found.
type BreakerState struct {
	Allowed bool
	Probe   bool      // allowed as the half-open probe
	RetryAt time.Time // when to try again, if not allowed
}

// NewBreaker keeps its keys under prefix ("" in production; tests isolate
// themselves with one) and reads the time from now (the service's clock).
func NewBreaker(rdb goredis.UniversalClient, prefix string, threshold int, cooldown time.Duration, now func() time.Time) *Breaker {
	if threshold < 1 {
		threshold = 5
	}
	if cooldown <= 0 {
		cooldown = 30 * time.Second
	}
	if now == nil {
		now = time.Now
	}
	return &Breaker{store: &breakerStore{rdb: rdb, prefix: prefix + "distribution:breaker:", ttl: cooldown * 20, now: now, tokens: map[string]string{}},
		threshold: threshold, cooldown: cooldown, channels: map[string]*gobreaker.DistributedCircuitBreaker[struct{}]{}}
}

// errChannelFailed is a failed call as the breaker records it.
var errChannelFailed = errors.New("distribution: channel call failed")

// breaker returns channel's breaker, creating its shared state on first use
// (or again when it expired from Redis).
func (b *Breaker) breaker(channel string, fresh bool) (*gobreaker.DistributedCircuitBreaker[struct{}], error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if cb, ok := b.channels[channel]; ok && !fresh {
		return cb, nil
	}
	cb, err := gobreaker.NewDistributedCircuitBreaker[struct{}](b.store, gobreaker.Settings{
		Name:        channel,
		MaxRequests: 1,
		Timeout:     b.cooldown,
		ReadyToTrip: func(c gobreaker.Counts) bool { return c.ConsecutiveFailures >= uint32(b.threshold) },
	})
	if err != nil {
		return nil, err
	}
	b.channels[channel] = cb
	return cb, nil
}

// do runs op on channel's breaker, recreating a shared state that expired.
func (b *Breaker) do(channel string, op func(*gobreaker.DistributedCircuitBreaker[struct{}]) error) error {
	cb, err := b.breaker(channel, false)
	if err != nil {
		return fmt.Errorf("distribution: breaker %s: %w", channel, err)
	}
	if err = op(cb); errors.Is(err, gobreaker.ErrNoSharedState) {
		if cb, err = b.breaker(channel, true); err == nil {
			err = op(cb)
		}
	}
	if err != nil {
		return fmt.Errorf("distribution: breaker %s: %w", channel, err)
	}
	return nil
}

// Allow asks whether a call to channel may go out now.
func (b *Breaker) Allow(ctx context.Context, channel string) (BreakerState, error) {
	var state gobreaker.State
	if err := b.do(channel, func(cb *gobreaker.DistributedCircuitBreaker[struct{}]) (err error) {
		state, err = cb.State()
		return err
	}); err != nil {
		return BreakerState{}, err
	}
	switch state {
	case gobreaker.StateClosed:
		return BreakerState{Allowed: true}, nil
	case gobreaker.StateHalfOpen:
		// The probe holds the half-open slot for as long as a call may take.
		now := b.store.now()
		ok, err := b.store.rdb.SetNX(ctx, b.store.probeKey(channel), now.UnixMilli(), b.cooldown).Result()
		if err != nil {
			return BreakerState{}, fmt.Errorf("distribution: breaker %s: %w", channel, err)
		}
		if ok {
			return BreakerState{Allowed: true, Probe: true}, nil
		}
		ttl, err := b.store.rdb.PTTL(ctx, b.store.probeKey(channel)).Result()
		if err != nil || ttl < 0 {
			ttl = b.cooldown
		}
		return BreakerState{RetryAt: now.Add(ttl)}, nil
	default:
		shared, err := b.store.shared(channel)
		if err != nil {
			return BreakerState{}, fmt.Errorf("distribution: breaker %s: %w", channel, err)
		}
		return BreakerState{RetryAt: shared.Expiry}, nil
	}
}

// Success closes the breaker.
func (b *Breaker) Success(ctx context.Context, channel string) error {
	return b.record(ctx, channel, nil)
}

// Failure counts a failed call; enough in a row (or a failed probe) opens
// the breaker.
func (b *Breaker) Failure(ctx context.Context, channel string) error {
	return b.record(ctx, channel, errChannelFailed)
}

func (b *Breaker) record(ctx context.Context, channel string, outcome error) error {
	err := b.do(channel, func(cb *gobreaker.DistributedCircuitBreaker[struct{}]) error {
		_, err := cb.Execute(func() (struct{}, error) { return struct{}{}, outcome })
		switch {
		case errors.Is(err, errChannelFailed):
			return nil // recorded
		case errors.Is(err, gobreaker.ErrOpenState), errors.Is(err, gobreaker.ErrTooManyRequests):
			return nil // already open: a late outcome changes nothing
		}
		return err
	})
	if err != nil {
		return err
	}
	// Whatever the probe found is now the state: the slot is free.
	return b.store.rdb.Del(ctx, b.store.probeKey(channel)).Err()
}

// breakerStore is gobreaker's SharedDataStore on Redis. gobreaker reads the
// wall clock while the service runs on its own (tests move it), so the
// store keeps times in the service's clock and hands them to gobreaker
// shifted to the wall clock. gobreaker's store interface has no context:
// each Redis call gets a short deadline of its own.
type breakerStore struct {
	rdb    goredis.UniversalClient
	prefix string
	ttl    time.Duration // an idle channel's state is forgotten after this
	now    func() time.Time

	mu     sync.Mutex
	tokens map[string]string // lock key -> the token this process holds it with
	seq    atomic.Int64
}

const breakerStoreTimeout = 2 * time.Second

func (s *breakerStore) probeKey(channel string) string { return s.prefix + "probe:" + channel }

var breakerUnlock = goredis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`)

var errBreakerLocked = errors.New("distribution: breaker state locked by another call")

func (s *breakerStore) Lock(name string) error {
	ctx, cancel := context.WithTimeout(context.Background(), breakerStoreTimeout)
	defer cancel()
	token := strconv.FormatInt(time.Now().UnixNano(), 36) + "-" + strconv.FormatInt(s.seq.Add(1), 36)
	ok, err := s.rdb.SetNX(ctx, s.prefix+name, token, 5*time.Second).Result()
	if err != nil {
		return err
	}
	if !ok {
		return errBreakerLocked
	}
	s.mu.Lock()
	s.tokens[name] = token
	s.mu.Unlock()
	return nil
}

func (s *breakerStore) Unlock(name string) error {
	s.mu.Lock()
	token, ok := s.tokens[name]
	delete(s.tokens, name)
	s.mu.Unlock()
	if !ok {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), breakerStoreTimeout)
	defer cancel()
	return breakerUnlock.Run(ctx, s.rdb, []string{s.prefix + name}, token).Err()
}

// GetData answers nothing for a missing state (gobreaker then reports
// ErrNoSharedState).
func (s *breakerStore) GetData(name string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), breakerStoreTimeout)
	defer cancel()
	raw, err := s.rdb.Get(ctx, s.prefix+name).Bytes()
	if errors.Is(err, goredis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return s.shift(raw, time.Since(s.now()))
}

func (s *breakerStore) SetData(name string, data []byte) error {
	raw, err := s.shift(data, -time.Since(s.now()))
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), breakerStoreTimeout)
	defer cancel()
	return s.rdb.Set(ctx, s.prefix+name, raw, s.ttl).Err()
}

// shift moves a state's times by d (from the service's clock to the wall
// clock, or back); zero times stay zero.
func (s *breakerStore) shift(data []byte, d time.Duration) ([]byte, error) {
	var st gobreaker.SharedState
	if err := json.Unmarshal(data, &st); err != nil {
		return nil, fmt.Errorf("breaker state: %w", err)
	}
	for _, t := range []*time.Time{&st.Start, &st.Expiry} {
		if !t.IsZero() {
			*t = t.Add(d)
		}
	}
	return json.Marshal(st)
}

// shared reads channel's state in the service's clock.
func (s *breakerStore) shared(channel string) (gobreaker.SharedState, error) {
	var st gobreaker.SharedState
	ctx, cancel := context.WithTimeout(context.Background(), breakerStoreTimeout)
	defer cancel()
	raw, err := s.rdb.Get(ctx, s.prefix+"gobreaker:state:"+channel).Bytes()
	if err != nil {
		return st, err
	}
	return st, json.Unmarshal(raw, &st)
}
