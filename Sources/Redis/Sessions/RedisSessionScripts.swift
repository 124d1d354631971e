/// The Lua scripts that change sessions in Redis. Each runs atomically on the server, so a state
/// change (active to expired or ended) happens exactly once however many instances race for it.
///
/// Keys are built inside the scripts from the prefix in `ARGV[1]`; that is fine on one Redis
/// server (or a primary with replicas), which is what Switchboard supports, but not on a cluster.
enum RedisSessionScripts {
    /// A Lua function for the scripts that return a session: `withLast(key, alive, id)` writes
    /// the last heartbeat (the session's score in `sessions:alive`, while it is there) into the
    /// hash, so what they return and what stays behind is up to date. Heartbeats move only the
    /// score (see ``RedisSessionStore``).
    private static let lastFromAlive = """
        local function withLast(key, alive, id)
            local score = redis.call('ZSCORE', alive, id)
            if score then redis.call('HSET', key, 'last', string.format('%.0f', tonumber(score))) end
        end
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
        local unrecorded = prefix .. 'sessions:unrecorded'
        local now = ARGV[5]
        local out = {fence}
        local silent = redis.call(
            'ZRANGEBYSCORE', alive, '-inf', '(' .. ARGV[4], 'WITHSCORES', 'LIMIT', 0, tonumber(ARGV[7]))
        for i = 1, #silent, 2 do
            local id, last = silent[i], string.format('%.0f', tonumber(silent[i + 1]))
            local key = prefix .. 'session:' .. id
            redis.call('ZREM', alive, id)
            if redis.call('HGET', key, 'state') == 'active' then
                redis.call('HSET', key, 'state', 'expired', 'ended', now, 'last', last)
                redis.call('PEXPIRE', key, ARGV[6])
                redis.call('ZADD', over, now, id)
                redis.call('ZADD', unrecorded, now, id)
                redis.call('PUBLISH', ARGV[8], id)
                out[#out + 1] = id
                out[#out + 1] = redis.call('HGETALL', key)
            end
        end
        local forget = '(' .. (tonumber(now) - tonumber(ARGV[6]) * 1000)
        redis.call('ZREMRANGEBYSCORE', over, '-inf', forget)
        redis.call('ZREMRANGEBYSCORE', unrecorded, '-inf', forget)
        return out
        """

    /// Ends an active session. `ARGV` = prefix, id, now in µs, session TTL in ms, endings channel.
    /// Returns `{0}` when there is no such session, `{2, fields}` when it was already over, else
    /// `{1, fields}`.
    static let end =
        lastFromAlive + "\n" + """
            local prefix, id, now = ARGV[1], ARGV[2], ARGV[3]
            local key, alive = prefix .. 'session:' .. id, prefix .. 'sessions:alive'
            local state = redis.call('HGET', key, 'state')
            if not state then return {0} end
            if state ~= 'active' then return {2, redis.call('HGETALL', key)} end
            withLast(key, alive, id)
            redis.call('HSET', key, 'state', 'ended', 'ended', now)
            redis.call('PEXPIRE', key, ARGV[4])
            redis.call('ZREM', alive, id)
            redis.call('ZADD', prefix .. 'sessions:over', now, id)
            redis.call('ZADD', prefix .. 'sessions:unrecorded', now, id)
            redis.call('PUBLISH', ARGV[5], id)
            return {1, redis.call('HGETALL', key)}
            """

    /// Sets an active session's presence. `ARGV` = prefix, id, presence, now in µs. Returns like ``end``.
    static let setPresence =
        lastFromAlive + "\n" + """
            local key = ARGV[1] .. 'session:' .. ARGV[2]
            local state = redis.call('HGET', key, 'state')
            if not state then return {0} end
            if state ~= 'active' then return {2, redis.call('HGETALL', key)} end
            withLast(key, ARGV[1] .. 'sessions:alive', ARGV[2])
            redis.call('HSET', key, 'presence', ARGV[3], 'presence_at', ARGV[4])
            return {1, redis.call('HGETALL', key)}
            """
}
