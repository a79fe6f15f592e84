import ArgumentParser
import Logging

/// `--log-level`: logs go to stderr; only the executable bootstraps logging.
struct LoggingOptions: ParsableArguments {
    @Option(
        help:
            "Log level for stderr: trace, debug, info, notice, warning, error, critical (default: warning; info for `agent`)."
    )
    var logLevel: String?

    func validate() throws {
        if let logLevel, Logger.Level(rawValue: logLevel) == nil {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
    }

    /// Bootstraps swift-log once and returns the root logger, at `--log-level` or else `defaultLevel`.
    func bootstrap(defaultLevel: Logger.Level = .warning) -> Logger {
        let level = logLevel.flatMap { Logger.Level(rawValue: $0) } ?? defaultLevel
        LoggingBootstrap.once(level: level)
        var logger = Logger(label: "klinesync")
        logger.logLevel = level
        return logger
    }
}

enum LoggingBootstrap {
    nonisolated(unsafe) static var done = false

    static func once(level: Logger.Level) {
        guard !done else { return }
        done = true
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }
}
