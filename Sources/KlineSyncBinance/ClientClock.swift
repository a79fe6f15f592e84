import KlineSyncCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The client's injected clock: Core's `ElapsedClock`, the one the executor takes too.
typealias ClientClock = ElapsedClock

extension ElapsedClock {
    /// The system's wall-clock time in milliseconds since the Unix epoch.
    static func wallClockMillis() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec) / 1_000_000
    }
}
