extension Report {
    /// A stable code for scripts (`report.error.code`, `symbols[].error.code`), spelt in the JSON as a string. The
    /// codes klinesync itself gives are the static members; an exchange's own codes (`-1121`, `http_503`,
    /// `transport`, …) come through `exchange(_:)`.
    public struct ErrorCode: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible,
        ExpressibleByStringLiteral
    {
        public var rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }

        public init(stringLiteral value: String) { self.init(rawValue: value) }

        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        public var description: String { rawValue }

        /// The code of an exchange error (the Binance code, `http_429`, `transport`, …).
        public static func exchange(_ error: ExchangeError) -> ErrorCode { ErrorCode(rawValue: error.code) }

        // Whole runs that applied nothing.
        /// The exchange could not be read at the start.
        public static let exchangeUnreachable: ErrorCode = "exchange_unreachable"
        /// The database could not be opened, read or refreshed.
        public static let database: ErrorCode = "database"
        /// A saved plan no longer matches the database or the manifest.
        public static let stalePlan: ErrorCode = "stale_plan"
        /// Another apply held the database's writer lock for the whole `--lock-timeout`.
        public static let locked: ErrorCode = "locked"
        /// Anything else.
        public static let error: ErrorCode = "error"

        // Symbols and stops.
        /// Writing a symbol's transaction failed; nothing of it was stored.
        public static let store: ErrorCode = "store"
        /// A spool file could not be written or read.
        public static let spool: ErrorCode = "spool"
        /// The run was interrupted before the symbol committed.
        public static let interrupted: ErrorCode = "interrupted"
        /// The run stopped early (a signal or a ban), with the reason.
        public static let stopped: ErrorCode = "stopped"
        /// The symbol was never started.
        public static let skipped: ErrorCode = "skipped"
        /// Another agent held the symbol's lock for the whole run.
        public static let symbolLocked: ErrorCode = "symbol_locked"
    }
}
