import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A file operation that failed, said in the project's words: what was being done, where, why (from the POSIX error
/// code) and what to do, e.g. `cannot write the report to /dev/full: no space left on device; free some space or
/// choose another path`. Every filesystem failure the CLI handles is turned into one of these, never raw Foundation
/// text.
struct FileProblem: Error, CustomStringConvertible, LocalizedError {
    /// What was being done, as a verb phrase before the path: `write the report to`, `read the manifest`.
    var action: String
    /// The path as the user named it (or as the failing operation saw it).
    var path: String
    /// The POSIX error code (`errno`) behind the failure.
    var code: Int32
    /// Why, when the code alone does not say it (e.g. `it is not UTF-8 text`); replaces the code's own text.
    var reason: String?
    /// What to do instead of the code's generic advice.
    var advice: String?

    init(action: String, path: String, code: Int32, reason: String? = nil, advice: String? = nil) {
        self.action = action
        self.path = path
        self.code = code
        self.reason = reason
        self.advice = advice
    }

    var description: String {
        "cannot \(action) \(path): \(reason ?? Self.text(of: code)); \(advice ?? Self.advice(for: code))"
    }

    var errorDescription: String? { description }

    /// `strerror`'s text, starting in lower case: `no space left on device`.
    static func text(of code: Int32) -> String {
        let text = String(cString: strerror(code))
        guard let first = text.first else { return "error \(code)" }
        return first.lowercased() + text.dropFirst()
    }

    /// What a person can do about a failure with this code.
    static func advice(for code: Int32) -> String {
        switch code {
        case ENOSPC, EDQUOT: "free some space or choose another path"
        case EACCES, EPERM: "check the permissions of the file and its folder, or choose another path"
        case EROFS: "the file system is mounted read-only; choose another path"
        case EISDIR: "name a file, not a folder"
        case ENOENT: "check the path"
        case ENOTDIR: "a part of the path is a file, not a folder; check the path"
        case ELOOP: "a symbolic link in the path loops; check the path"
        case ENXIO: "nothing is behind that socket or device; choose another path"
        case ENAMETOOLONG: "choose a shorter path"
        default: "check the path"
        }
    }

    /// The problem behind a Foundation or POSIX error of a file operation; `path` is used when the error names none.
    static func from(_ error: any Error, action: String, path: String) -> FileProblem {
        if let problem = error as? FileProblem { return problem }
        let nsError = error as NSError
        let named = (nsError.userInfo[NSFilePathErrorKey] as? String) ?? path
        if let posix = error as? POSIXError {
            return FileProblem(action: action, path: named, code: posix.code.rawValue)
        }
        if nsError.domain == NSPOSIXErrorDomain {
            return FileProblem(action: action, path: named, code: Int32(nsError.code))
        }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain
        {
            return FileProblem(action: action, path: named, code: Int32(underlying.code))
        }
        if nsError.domain == NSCocoaErrorDomain {
            switch CocoaError.Code(rawValue: nsError.code) {
            case .fileNoSuchFile, .fileReadNoSuchFile:
                return FileProblem(action: action, path: named, code: ENOENT)
            case .fileReadNoPermission, .fileWriteNoPermission:
                return FileProblem(action: action, path: named, code: EACCES)
            case .fileWriteOutOfSpace:
                return FileProblem(action: action, path: named, code: ENOSPC)
            case .fileWriteVolumeReadOnly:
                return FileProblem(action: action, path: named, code: EROFS)
            case .fileWriteFileExists:
                return FileProblem(action: action, path: named, code: EEXIST)
            case .fileReadInapplicableStringEncoding, .fileWriteInapplicableStringEncoding:
                return FileProblem(
                    action: action, path: named, code: EILSEQ, reason: "it is not UTF-8 text",
                    advice: "save it as UTF-8")
            default:
                break
            }
        }
        return FileProblem(action: action, path: named, code: EIO)
    }

    /// Whether an error is a file error that ``from(_:action:path:)`` can put in words (a Foundation file error,
    /// a POSIX error), as opposed to an error that already says what it means.
    static func isFileError(_ error: any Error) -> Bool {
        if error is FileProblem || error is POSIXError { return true }
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return true }
        return nsError.domain == NSCocoaErrorDomain && CocoaError.Code(rawValue: nsError.code).isFileError
    }
}

extension CocoaError.Code {
    /// Foundation's file-error codes (`NSFileErrorMinimum` 0 to `NSFileErrorMaximum` 1023).
    fileprivate var isFileError: Bool { (0...1023).contains(rawValue) }
}
