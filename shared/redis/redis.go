// Package redis configures the Redis client: caches, rate limits, the token
// blacklist and the local queue streams. Redis is an accelerator, never the
// only copy of data that matters.
package redis

import (
	"errors"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Open returns a client for a redis:// or rediss:// URL. It does not connect:
// the first command does, so start-up never waits for Redis.
func Open(url string) (*goredis.Client, error) {
	opt, err := goredis.ParseURL(url)
	if err != nil {
		return nil, errors.New("redis: cannot parse the URL")
	}
	// Short timeouts: a slow cache must degrade a request, not hang it.
	opt.DialTimeout = 2 * time.Second
	opt.ReadTimeout = 2 * time.Second
	opt.WriteTimeout = 2 * time.Second
	opt.PoolTimeout = 3 * time.Second
	opt.MaxRetries = 1
	return goredis.NewClient(opt), nil
}
