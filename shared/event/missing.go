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
const MissingTTL = 5 * time.Second

// RecentIDs is a small bounded in-process set of ids, each remembered for
// TTL: when it is full, expired ids go, and if none had, all of them (a
// flood of distinct ids gains nothing from it anyway).
type RecentIDs struct {
	TTL time.Duration
	Max int

	mu sync.Mutex
	m  map[uuid.UUID]time.Time // id -> remembered until
}

// Has reports whether id was added less than TTL before now.
func (c *RecentIDs) Has(id uuid.UUID, now time.Time) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	until, ok := c.m[id]
	if ok && !now.Before(until) {
		delete(c.m, id)
		ok = false
	}
	return ok
}

// Add remembers id from now for TTL.
func (c *RecentIDs) Add(id uuid.UUID, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[uuid.UUID]time.Time{}
	}
	if len(c.m) >= c.Max {
		for k, until := range c.m {
			if !now.Before(until) {
				delete(c.m, k)
			}
		}
		if len(c.m) >= c.Max {
			clear(c.m)
		}
	}
	c.m[id] = now.Add(c.TTL)
}

// Forget drops id.
func (c *RecentIDs) Forget(id uuid.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}
