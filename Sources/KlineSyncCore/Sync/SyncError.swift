/// Why a run applied nothing. Each case carries the message printed after `error:`; `code` is the report's code.
public enum SyncError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The exchange could not be read (instrument list, server time).
    case exchange(String)
    /// The database could not be opened, read or refreshed.
    case database(String)
    /// A saved plan no longer matches the database or the manifest.
    case stalePlan(String)
    /// A saved plan asks for what the manifest does not allow, or another input problem.
    case input(String)

    public var description: String {
        switch self {
        case .exchange(let message), .database(let message), .stalePlan(let message), .input(let message): message
        }
    }

    /// The report's error code for an error that stopped a run before anything was applied.
    public static func code(of error: any Error) -> Report.ErrorCode {
        switch error {
        case SyncError.exchange: .exchangeUnreachable
        case SyncError.database: .database
        case SyncError.stalePlan: .stalePlan
        case is any StoreLockBusy: .locked
        default: .error
        }
    }
}
