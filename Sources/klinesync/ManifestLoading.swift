import ArgumentParser
import KlineSyncCore

extension Manifest {
    /// Loads a manifest for a command: diagnostics to stderr and exit 1 when it is invalid.
    static func loadForCommand(_ path: String) throws -> Manifest {
        do {
            return try Manifest.load(path: path)
        } catch let error as ManifestError {
            for diagnostic in error.diagnostics { Terminal.printError(diagnostic.description) }
            throw ExitCode(1)
        }
    }
}

/// Parses `--force SYM[:INT]` values.
func parseForce(_ values: [String]) throws -> [ForceSelector] {
    try values.map { text in
        guard let selector = ForceSelector(parsing: text) else {
            throw ValidationError(
                "--force takes SYMBOL or SYMBOL:INTERVAL (globs allowed, e.g. 'BTC*:4h'), got '\(text)'")
        }
        return selector
    }
}
