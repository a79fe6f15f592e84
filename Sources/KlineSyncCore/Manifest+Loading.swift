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
        guard let text = String(data: data, encoding: .utf8) else {
            throw ManifestError(diagnostics: [
                Diagnostic(file: path, line: 0, column: 0, message: "manifest is not UTF-8 text")
            ])
        }
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        return try parse(yaml: text, file: path, absolutePath: absolute, environment: environment)
    }

    /// Validates manifest text. `file` names it in diagnostics; `absolutePath` anchors relative paths.
    public static func parse(yaml: String, file: String, absolutePath: String, environment: [String: String]) throws
        -> Manifest
    {
        var reader = ManifestReader(file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw ManifestError(diagnostics: [Self.diagnostic(for: error, file: file)])
        } catch {
            throw ManifestError(diagnostics: [Diagnostic(file: file, line: 0, column: 0, message: "\(error)")])
        }
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

    static func diagnostic(for error: YamlError, file: String) -> Diagnostic {
        func located(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> Diagnostic {
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return Diagnostic(file: file, line: mark.line, column: mark.column, message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _): return located(mark, problem, context)
        case .parser(let context, let problem, let mark, _): return located(mark, problem, context)
        case .composer(let context, let problem, let mark, _): return located(mark, problem, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "duplicate key '\(duplicates.joined(separator: "', '"))'; each key may appear once")
        case .reader(let problem, let offset, _, _):
            return Diagnostic(
                file: file, line: 0, column: 0,
                message: "invalid YAML: \(problem)\(offset.map { " at byte \($0)" } ?? "")")
        default:
            return Diagnostic(file: file, line: 0, column: 0, message: "invalid YAML: \(error)")
        }
    }
}
