import Crypto
import Foundation
import Yams

extension Manifest {
    /// The contract types futures markets know.
    public static let contractTypes = [
        "PERPETUAL", "CURRENT_MONTH", "NEXT_MONTH", "CURRENT_QUARTER", "NEXT_QUARTER", "PERPETUAL_DELIVERING",
        "CURRENT_QUARTER_DELIVERING", "NEXT_QUARTER_DELIVERING",
    ]

    /// Reads and validates the manifest at `path`. Throws a `ManifestError` holding every problem found.
    ///
    /// - Parameters:
    ///   - path: the file as the user named it; diagnostics use it as given.
    ///   - environment: variables for `${NAME}` expansion in `database` and `source.base_url`.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> Manifest
    {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot be read" : "does not exist"
            throw ManifestError(diagnostics: [
                Diagnostic(file: path, line: 0, column: 0, message: "manifest \(reason); check the path")
            ])
        }
        let text = try ManifestDocument.text(of: data, file: path)
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return try parse(yaml: text, file: path, absolutePath: absolute, environment: environment)
    }

    /// Validates manifest text. `file` names it in diagnostics; `absolutePath` anchors relative paths.
    public static func parse(yaml: String, file: String, absolutePath: String, environment: [String: String]) throws
        -> Manifest
    {
        var reader = ManifestReader(file: file)
        let root = try ManifestDocument.compose(yaml, file: file)
        guard let root, root.mapping != nil else {
            throw ManifestError(diagnostics: [
                Diagnostic(
                    file: file, line: root?.mark?.line ?? 1, column: root?.mark?.column ?? 1,
                    message: "manifest must be a YAML mapping with at least version, source, database and intervals")
            ])
        }
        let directory = (absolutePath as NSString).deletingLastPathComponent
        var builder = ManifestBuilder(reader: reader, directory: directory, environment: environment)
        let manifest = builder.build(root)
        reader = builder.reader
        if manifest == nil && reader.diagnostics.isEmpty {
            reader.error(root, "manifest could not be read; check it against schema/manifest.schema.json")
        }
        if !reader.diagnostics.isEmpty || manifest == nil {
            let sorted = reader.diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
            throw ManifestError(diagnostics: sorted)
        }
        var result = manifest!
        result.path = absolutePath
        result.directory = directory
        result.digest = SHA256.hash(data: Data(yaml.utf8)).map { String(format: "%02x", $0) }.joined()
        return result
    }
}
