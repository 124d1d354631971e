#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Thousands of calls need thousands of sockets; the default soft limit (often 1024) is raised to
/// the hard limit, which needs no privilege.
public enum FileDescriptorLimit {
    /// Raises the soft limit to the hard limit and returns the new soft limit (or `nil`).
    @discardableResult
    public static func raiseToHardLimit() -> UInt64? {
        var limit = rlimit()
        #if canImport(Glibc)
            let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        #else
            let resource = RLIMIT_NOFILE
        #endif
        guard getrlimit(resource, &limit) == 0 else { return nil }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(resource, &limit)
            guard getrlimit(resource, &limit) == 0 else { return nil }
        }
        return UInt64(limit.rlim_cur)
    }
}
