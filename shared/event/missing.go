package event

import (
	"sync"
	"time"

	"github.com/google/uuid"
)

// Unknown event ids are remembered briefly in this process, never in
// Redis: a flood of made-up ids on the public endpoints (page, beacon,
// entry) must not cost a Redis key each, and the same made-up id must not
// cost a Postgres lookup per request. Drafts count as unknown (the public
// cannot see them); publishing forgets the id at once here, and another
// instance sees the event within MissingTTL.
const (
	MissingTTL = 5 * time.Second
	missingMax = 10_000
)

// missingCache is a small bounded set of ids with an expiry each.
type missingCache struct {
	mu sync.Mutex
	m  map[uuid.UUID]time.Time // id -> remembered until
}

func (c *missingCache) has(id uuid.UUID, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	until, ok := c.m[id]
	if ok && !now.Before(until) {
		delete(c.m, id)
		ok = false
	}
	return ok
}

func (c *missingCache) add(id uuid.UUID, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[uuid.UUID]time.Time{}
	}
	if len(c.m) >= missingMax {
		for k, until := range c.m {
			if !now.Before(until) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= missingMax {
			clear(c.m) // a flood of distinct ids: each costs its lookup anyway
		}
	}
	c.m[id] = now.Add(MissingTTL)
}

func (c *missingCache) forget(id uuid.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}
