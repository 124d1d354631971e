/// The Lua scripts that change sessions in Redis. Each runs atomically on the server, so a state
/// change (active to expired or ended) happens exactly once however many instances race for it.
///
/// Keys are built inside the scripts from the prefix in `ARGV[1]`; that is fine on one Redis
/// server (or a primary with replicas), which is what Switchboard supports, but not on a cluster.
enum RedisSessionScripts {
    /// Heartbeats: `ARGV` = prefix, TTL in ms, TTL refresh interval in µs, then (id, time in µs)
    /// pairs. For each pair, 1 when the session is active (its last-heard time is updated), 2
    /// expired, 3 ended, 0 gone.
    ///
    /// Three commands a beat, not five: one `HMGET`, and the key's TTL is refreshed only when the
    /// last refresh (`refreshed`) is a refresh interval old, which keeps an hour's TTL within a
    /// minute of an hour. At 20,000 beats a second the script is most of what Redis does.
    static let heartbeat = """
        local prefix, ttl, every = ARGV[1], ARGV[2], tonumber(ARGV[3])
        local alive = prefix .. 'sessions:alive'
        local out = {}
        for i = 4, #ARGV, 2 do
            local id, at = ARGV[i], ARGV[i + 1]
            local key = prefix .. 'session:' .. id
            local fields = redis.call('HMGET', key, 'state', 'last', 'refreshed')
            local state = fields[1]
            if state == 'active' then
                local time = tonumber(at)
                if time > tonumber(fields[2]) then
                    if time - (tonumber(fields[3]) or 0) >= every then
                        redis.call('HSET', key, 'last', at, 'refreshed', at)
                        redis.call('PEXPIRE', key, ttl)
                    else
                        redis.call('HSET', key, 'last', at)
                    end
                    redis.call('ZADD', alive, at, id)
                end
                out[#out + 1] = 1
            elseif state == 'expired' then
                out[#out + 1] = 2
            elseif state == 'ended' then
                out[#out + 1] = 3
            else
                out[#out + 1] = 0
            end
        end
        return out
        """

    /// One reaper pass. `ARGV` = prefix, the fencing token this instance holds ('' for none), lock
    /// TTL in ms, silence cutoff in µs, now in µs, session TTL in ms, batch limit, endings channel.
    ///
    /// The pass runs only for the holder of the reaper lock (`SET NX PX`, its value a fencing token
    /// from `INCR`): a holder that stalled past the lock's TTL finds another token there and does
    /// nothing. Returns `{'busy'}` when another instance holds the lock, else the token followed by
    /// the id and `HGETALL` of each session this pass expired.
    static let reap = """
        local prefix, held = ARGV[1], ARGV[2]
        local lock = prefix .. 'reaper:lock'
        local current = redis.call('GET', lock)
        local fence
        if current and current == held then
            fence = current
            redis.call('PEXPIRE', lock, ARGV[3])
        elseif not current then
            fence = tostring(redis.call('INCR', prefix .. 'reaper:fence'))
            redis.call('SET', lock, fence, 'PX', ARGV[3])
        else
            return {'busy'}
        end
        local alive, over = prefix .. 'sessions:alive', prefix .. 'sessions:over'
        local now = ARGV[5]
        local out = {fence}
        local ids = redis.call('ZRANGEBYSCORE', alive, '-inf', '(' .. ARGV[4], 'LIMIT', 0, tonumber(ARGV[7]))
        for _, id in ipairs(ids) do
            local key = prefix .. 'session:' .. id
            redis.call('ZREM', alive, id)
            if redis.call('HGET', key, 'state') == 'active' then
                redis.call('HSET', key, 'state', 'expired', 'ended', now)
                redis.call('PEXPIRE', key, ARGV[6])
                redis.call('ZADD', over, now, id)
                redis.call('PUBLISH', ARGV[8], id)
                out[#out + 1] = id
                out[#out + 1] = redis.call('HGETALL', key)
            end
        end
        redis.call('ZREMRANGEBYSCORE', over, '-inf', '(' .. (tonumber(now) - tonumber(ARGV[6]) * 1000))
        return out
        """

    /// Ends an active session. `ARGV` = prefix, id, now in µs, session TTL in ms, endings channel.
    /// Returns `{0}` when there is no such session, `{2, fields}` when it was already over, else
    /// `{1, fields}`.
    static let end = """
        local prefix, id, now = ARGV[1], ARGV[2], ARGV[3]
        local key = prefix .. 'session:' .. id
        local state = redis.call('HGET', key, 'state')
        if not state then return {0} end
        if state ~= 'active' then return {2, redis.call('HGETALL', key)} end
        redis.call('HSET', key, 'state', 'ended', 'ended', now)
        redis.call('PEXPIRE', key, ARGV[4])
        redis.call('ZREM', prefix .. 'sessions:alive', id)
        redis.call('ZADD', prefix .. 'sessions:over', now, id)
        redis.call('PUBLISH', ARGV[5], id)
        return {1, redis.call('HGETALL', key)}
        """

    /// Sets an active session's presence. `ARGV` = prefix, id, presence, now in µs. Returns like ``end``.
    static let setPresence = """
        local key = ARGV[1] .. 'session:' .. ARGV[2]
        local state = redis.call('HGET', key, 'state')
        if not state then return {0} end
        if state ~= 'active' then return {2, redis.call('HGETALL', key)} end
        redis.call('HSET', key, 'presence', ARGV[3], 'presence_at', ARGV[4])
        return {1, redis.call('HGETALL', key)}
        """
}
