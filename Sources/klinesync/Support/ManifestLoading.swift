import ArgumentParser
import Foundation
import KlineSyncCore

extension Manifest {
    /// Loads a manifest for a command: diagnostics (or why the file cannot be read) to stderr and exit 1 when it
    /// cannot be used. `data` is the file's content when the caller has read it already.
    static func loadForCommand(_ path: String, data: Data? = nil) throws -> Manifest {
        do {
            return try read(path, data: data)
        } catch let error as ManifestError {
            for diagnostic in error.diagnostics { Terminal.printError(diagnostic.description) }
            throw ExitCode(1)
        } catch {
            Terminal.printError("error: \(Terminal.message(for: error))")
            throw ExitCode(1)
        }
    }

    /// Reads and validates the manifest at `path`: a ``FileProblem`` when the file cannot be read (said from its
    /// POSIX error), a `ManifestError` with every problem when it is invalid. `data`: its content, when read already.
    static func read(_ path: String, data: Data? = nil) throws -> Manifest {
        // Read here first for the reason a read fails; `load` (the one loader) reads the file again, a small cost.
        if data == nil { _ = try FileIO.contents(of: path, action: "read the manifest") }
        return try load(path: path)
    }
}

/// Parses `--force SYM[:INT]` values.
func parseForce(_ values: [String]) throws -> [ForceSelector] {
    try values.map { text in
        guard let selector = ForceSelector(parsing: text) else {
            throw ValidationError(
                "--force takes SYMBOL, SYMBOL:INTERVAL or SYMBOL:INTERVAL:DATASET (globs allowed, e.g. 'BTC*:4h', "
                    + "'BTCUSDT:1h:mark_price', 'ETHUSDT:*:index_price'), got '\(text)'")
        }
        return selector
    }
}
