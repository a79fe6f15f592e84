import Crypto
import Foundation

/// Notices when the manifest file's bytes change and loads the new version; remembers the last version tried, so
/// an invalid edit is reported once, not on every poll.
public struct ManifestWatch: Sendable {
    /// The manifest file as the user named it.
    public let path: String
    /// Variables for `${NAME}` expansion.
    let environment: [String: String]
    /// SHA-256 of the bytes last loaded or rejected.
    private(set) var lastDigest: String?

    /// What a check found.
    public enum Change: Sendable {
        /// The bytes are the ones seen last time.
        case unchanged
        /// A new, valid manifest.
        case loaded(Manifest)
        /// The file changed (or could not be read) and is not a valid manifest; the message lists every problem.
        case invalid(String)
    }

    /// Watches `path`; nothing is read until the first `check`.
    public init(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.path = path
        self.environment = environment
    }

    /// Reads the file; loads it when its bytes differ from the last check, or always with `force` (SIGHUP: the
    /// environment a `${NAME}` refers to may have changed meaning, so a forced reload re-reads even equal bytes).
    public mutating func check(force: Bool = false) -> Change {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            let message = "\(path): error: manifest \(reason); check the path"
            let digest = "unreadable"
            if !force && lastDigest == digest { return .unchanged }
            lastDigest = digest
            return .invalid(message)
        }
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        if !force && digest == lastDigest { return .unchanged }
        lastDigest = digest
        do {
            return .loaded(try Manifest.load(path: path, environment: environment))
        } catch let error as ManifestError {
            return .invalid(error.diagnostics.map(\.description).joined(separator: "\n"))
        } catch {
            return .invalid("\(path): error: \(error)")
        }
    }
}
