// Only the C library here (no Foundation, which imports it without `@preconcurrency`): `stdout` is C's global
// stream, reconfigured once at start, before any other thread runs.
#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Musl)
    @preconcurrency import Musl
#elseif canImport(Darwin)
    @preconcurrency import Darwin
#endif

extension Terminal {
    /// Makes stdout line-buffered, so that every line reaches a pipe or a log file as soon as it is printed (by
    /// default it is block-buffered when not a terminal, and a cron log would get nothing until exit, or nothing at
    /// all after a kill). Call before anything is printed.
    static func lineBufferStdout() {
        setvbuf(stdout, nil, _IOLBF, 0)
    }
}
