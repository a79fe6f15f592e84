import ArgumentParser
import Foundation
import KlineSyncCore

/// `klinesync validate FILE…`: parse and check manifests without touching anything else.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Parse and check manifests; report every problem with its location.",
        discussion: "Exit codes: 0 every manifest is valid, 1 at least one is invalid. Nothing is written anywhere."
    )

    @Argument(help: "Manifest files to check.", completion: .file(extensions: ["yaml", "yml"]))
    var files: [String]

    @Flag(help: "Print the result as JSON on stdout.")
    var json = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one manifest file") }
    }

    func run() throws {
        var results: [ValidationResult] = []
        var unreadable: [Int: FileProblem] = [:]
        for file in files {
            do {
                let manifest = try Manifest.read(file)
                results.append(ValidationResult(file: file, valid: true, diagnostics: [], summary: manifest.summary))
            } catch let error as ManifestError {
                results.append(ValidationResult(file: file, valid: false, diagnostics: error.diagnostics, summary: nil))
            } catch {
                let problem = FileProblem.from(error, action: "read the manifest", path: file)
                unreadable[results.count] = problem
                let diagnostic = Diagnostic(file: file, line: 0, column: 0, message: problem.description)
                results.append(ValidationResult(file: file, valid: false, diagnostics: [diagnostic], summary: nil))
            }
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let data = try encoder.encode(ValidationOutput(results: results))
            print(String(decoding: data, as: UTF8.self))
        } else {
            for (index, result) in results.enumerated() {
                if result.valid {
                    print("\(result.file): valid — \(result.summary ?? "")")
                } else if let problem = unreadable[index] {
                    Terminal.printError("error: \(problem)")
                } else {
                    for diagnostic in result.diagnostics { Terminal.printError(diagnostic.description) }
                    let count = result.diagnostics.count
                    Terminal.printError("\(result.file): invalid (\(count) problem\(count == 1 ? "" : "s"))")
                }
            }
        }
        if results.contains(where: { !$0.valid }) { throw ExitCode(1) }
    }
}

/// One manifest's validation outcome, as `--json` prints it.
struct ValidationResult: Encodable {
    var file: String
    var valid: Bool
    var diagnostics: [Diagnostic]
    var summary: String?
}

struct ValidationOutput: Encodable {
    var formatVersion = "1"
    var results: [ValidationResult]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case results
    }
}

extension Manifest {
    /// One line describing what the manifest syncs.
    var summary: String {
        let intervals = self.intervals.map(\.interval.name).joined(separator: ", ")
        let source = self.source.simulator != nil ? "embedded simulator" : self.source.effectiveBaseURL
        return "binance \(self.source.market.rawValue) from \(source), intervals \(intervals), into \(database)"
    }
}
