package redis

import (
	"context"
	"errors"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Limiter is the app's one rate limit: GCRA, so a burst up to the rate
// passes and then one action per period/rate. The entry form, the
// page-view beacon, sign-in, sign-up and password changes use it; the entry
// form checks several limits (address, network, phone) in one round trip
// with AllowAll.
type Limiter struct {
	rdb    goredis.UniversalClient
	prefix string
}

// NewLimiter returns a limiter keeping its state in rdb, one key per limited
// thing (prefix + "rate:" + key), each expiring when its allowance is whole
// again. prefix is the domain's Redis key prefix ("" in production).
func NewLimiter(rdb goredis.UniversalClient, prefix string) *Limiter {
	return &Limiter{rdb: rdb, prefix: prefix}
}

// Limit is one allowance: Rate actions per Period under Key; Rate <= 0
// turns it off.
type Limit struct {
	Key    string
	Rate   int
	Period time.Duration // a minute when 0; whole seconds
}

// seconds is the limit's period in seconds, as the script takes it.
func (lim Limit) seconds() int64 {
	if lim.Period <= 0 {
		return 60
	}
	return max(int64(lim.Period/time.Second), 1)
}

// args are gcra's ARGV for the limit: burst, rate, period.
func (lim Limit) args() []any { return []any{lim.Rate, lim.Rate, lim.seconds()} }

// Allow takes one action under key against perMinute. It returns 0 when the
// action is allowed, otherwise how long until the next one would be;
// perMinute <= 0 turns the limit off. An error means Redis did not answer:
// callers decide whether to let the action through.
func (l *Limiter) Allow(ctx context.Context, key string, perMinute int) (time.Duration, error) {
	return l.AllowAll(ctx, Limit{Key: key, Rate: perMinute})
}

// AllowAll takes one action under each limit, in one pipelined round trip
// (the keys may live on different cluster slots, so it is not one script).
// Each limit is charged on its own, as separate calls would: it returns 0
// when every limit allowed the action, else the longest wait among those
// that refused.
func (l *Limiter) AllowAll(ctx context.Context, limits ...Limit) (time.Duration, error) {
	var on []Limit
	for _, lim := range limits {
		if lim.Rate > 0 {
			on = append(on, lim)
		}
	}
	if len(on) == 0 {
		return 0, nil
	}
	cmds, err := l.run(ctx, on)
	if err != nil {
		return 0, err
	}
	var wait time.Duration
	for _, c := range cmds {
		w, err := waitOf(c)
		if err != nil {
			return 0, err
		}
		wait = max(wait, w)
	}
	return wait, nil
}

// waitOf reads a gcra reply: 0 when allowed, else the wait.
func waitOf(c *goredis.Cmd) (time.Duration, error) {
	if err := c.Err(); err != nil {
		return 0, err
	}
	v, _ := c.Val().([]any)
	return WaitOf(v)
}

// run sends the limits' scripts by hash. A node that does not have the
// script (Redis restarted, or a cluster shard's first use) answers NOSCRIPT
// and charges nothing: those limits alone go again with the script's source,
// which loads it there, so no limit is charged twice.
func (l *Limiter) run(ctx context.Context, limits []Limit) ([]*goredis.Cmd, error) {
	send := func(cmds []*goredis.Cmd, which []int, load bool) error {
		pipe := l.rdb.Pipeline()
		for _, i := range which {
			keys, args := []string{l.Key(limits[i])}, limits[i].args()
			if load {
				cmds[i] = gcra.Eval(ctx, pipe, keys, args...)
			} else {
				cmds[i] = gcra.EvalSha(ctx, pipe, keys, args...)
			}
		}
		_, err := pipe.Exec(ctx)
		return err
	}
	cmds := make([]*goredis.Cmd, len(limits))
	all := make([]int, len(limits))
	for i := range all {
		all[i] = i
	}
	err := send(cmds, all, false)
	var missing []int
	for i, c := range cmds {
		if goredis.HasErrorPrefix(c.Err(), "NOSCRIPT") {
			missing = append(missing, i)
		}
	}
	if len(missing) > 0 {
		err = send(cmds, missing, true)
		if err == nil {
			for _, c := range cmds {
				if err = c.Err(); err != nil {
					break
				}
			}
		}
	}
	return cmds, err
}

// GCRALua defines the Lua function gcra(key, burst, rate, period), one
// action under a limit: redis_rate's GCRA (github.com/go-redis/redis_rate,
// BSD-2-Clause, after Pavel Pravosud's redis-gcra). The key holds the
// theoretical arrival time and expires when the allowance is whole; it
// answers {allowed (0 or 1), seconds until the next action may pass}. For
// scripts that take limits among other work in one round trip
// (participation's entry gate); their keys are Limiter.Key's.
const GCRALua = `
local function gcra(key, burst, rate, period)
  local interval = period / rate
  local jan_1_2017 = 1483228800
  local now = redis.call("TIME")
  now = (now[1] - jan_1_2017) + (now[2] / 1000000)
  local tat = tonumber(redis.call("GET", key) or now)
  tat = math.max(tat, now)
  local new_tat = tat + interval
  local allow_at = new_tat - interval * burst
  local diff = now - allow_at
  if diff / interval < 0 then
    return {0, tostring(-diff)}
  end
  local reset_after = new_tat - now
  if reset_after > 0 then
    redis.call("SET", key, new_tat, "EX", math.ceil(reset_after))
  end
  return {1, "0"}
end
`

// Key is the Redis key of a limit: the prefix, "rate:", the limit's key. A
// hash tag in lim.Key still decides the slot (the prefix has no braces).
func (l *Limiter) Key(lim Limit) string { return l.prefix + "rate:" + lim.Key }

// gcra takes one action under one limit (GCRALua).
var gcra = goredis.NewScript("redis.replicate_commands()\n" + GCRALua +
	"return gcra(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]))\n")

// WaitOf reads a GCRA answer {allowed, seconds}: 0 when allowed, else the
// time to wait.
func WaitOf(v []any) (time.Duration, error) {
	if len(v) < 2 {
		return 0, errors.New("redis: unexpected rate limit reply")
	}
	if allowed, _ := v[0].(int64); allowed == 1 {
		return 0, nil
	}
	s, _ := v[1].(string)
	secs, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, err
	}
	return max(time.Duration(secs*float64(time.Second)), time.Millisecond), nil
}
