// Package redis configures the Redis client: caches, rate limits, the token
// blacklist and the local queue streams. Redis is an accelerator, never the
// only copy of data that matters.
//
// Every command, transaction and script that touches several keys keeps
// them in one hash slot (a {hash tag} in the key, see Tag): a sharded Redis
// (Azure Managed Redis with more than one shard, a Redis Cluster) answers
// CROSSSLOT otherwise. The packages pass goredis.UniversalClient so one
// code path serves a single node and a cluster.
package redis

import (
	"errors"
	"net/url"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Open returns a client for a redis:// or rediss:// URL. With cluster set it
// is a Redis Cluster client (the OSS cluster API: the client reads the slot
// map and talks to each shard), which has only database 0; further seed
// nodes may be given as ?addr=host:port. It does not connect: the first
// command does, so start-up never waits for Redis.
func Open(rawURL string, cluster bool) (goredis.UniversalClient, error) {
	// Short timeouts: a slow cache must degrade a request, not hang it.
	const dial, rw, pool, retries = 2 * time.Second, 2 * time.Second, 3 * time.Second, 1
	if !cluster {
		opt, err := goredis.ParseURL(rawURL)
		if err != nil {
			return nil, errors.New("redis: cannot parse the URL")
		}
		opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout, opt.PoolTimeout, opt.MaxRetries = dial, rw, rw, pool, retries
		return goredis.NewClient(opt), nil
	}
	if err := checkClusterDB(rawURL); err != nil {
		return nil, err
	}
	opt, err := goredis.ParseClusterURL(rawURL)
	if err != nil {
		return nil, errors.New("redis: cannot parse the cluster URL")
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout, opt.PoolTimeout, opt.MaxRetries = dial, rw, rw, pool, retries
	return goredis.NewClusterClient(opt), nil
}

// checkClusterDB refuses a database other than 0 in a cluster URL: a
// cluster has no SELECT, and silently using 0 instead of the database the
// URL names would mix data the URL meant to keep apart.
func checkClusterDB(rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return errors.New("redis: cannot parse the cluster URL")
	}
	if u.Path != "" && u.Path != "/" && u.Path != "/0" {
		return errors.New("redis: a cluster has only database 0; drop the /<db> from the URL")
	}
	return nil
}

// Tag returns s as a hash tag, {s}: Redis hashes only the part between the
// first { and the next }, so keys sharing a tag share a slot and may be used
// together in one command, transaction or script on a cluster.
func Tag(s string) string { return "{" + s + "}" }
