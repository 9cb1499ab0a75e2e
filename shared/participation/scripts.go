package participation

import goredis "github.com/redis/go-redis/v9"

var goredisNil = goredis.Nil

// incrIfCached bumps a cached count without creating one: a missing count
// must be recomputed from Postgres, not start at 1.
var incrIfCached = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end
return 0`)

// raiseTo sets a counter to ARGV[1] unless it is already higher.
var raiseTo = goredis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if cur < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1]) end
return 0`)
