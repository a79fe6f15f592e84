import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A spool file could not be made, written or read back.
public struct SpoolError: Error, Sendable, CustomStringConvertible {
    public var directory: String
    public var operation: String
    public var errno: Int32

    public var description: String {
        let reason = errno != 0 ? ": \(String(cString: strerror(errno)))" : ""
        return "cannot \(operation) in the spool folder \(directory)\(reason) (set TMPDIR to another folder)"
    }
}
