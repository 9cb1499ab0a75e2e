package participation

import goredis "github.com/redis/go-redis/v9"

var goredisNil = goredis.Nil

// incrIfCached bumps a cached count without creating one: a missing count
// must be recomputed from Postgres, not start at 1.
var incrIfCached = goredis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCR', KEYS[1]) end
return 0`)

// raiseTo sets a counter to ARGV[1] unless it is already higher, and its
// expiry to ARGV[2] milliseconds from now.
var raiseTo = goredis.NewScript(`
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if cur < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
elseif cur > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`)
