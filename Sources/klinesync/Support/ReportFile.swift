import Foundation
import KlineSyncCore

/// Writes an apply's JSON report to its path, or to stdout for `-`.
struct ReportFile {
    let path: String
    /// Whether the path came from `--report` (a run that applies nothing still writes it there).
    let requested: Bool

    var isStdout: Bool { path == "-" }

    /// Writes the report; returns whether it was written. A failure is printed, saying that the run's record in
    /// the database keeps the report when `recorded`.
    func write(_ report: Report, recorded: Bool) -> Bool {
        let text: String
        do {
            text = try JSONCoding.string(report)
        } catch {
            Terminal.printError("error: cannot encode the report: \(error)")
            return false
        }
        if isStdout {
            print(text, terminator: "")
            fflush(nil)
            return true
        }
        do {
            try FileIO.save(Data(text.utf8), to: path, action: "write the report to", createFolders: true)
            return true
        } catch {
            let kept = recorded ? " (the report of run \(report.runId) is kept in the database's runs table)" : ""
            Terminal.printError("error: \(Terminal.message(for: error))\(kept)")
            return false
        }
    }

    /// The report of a run that applied nothing: written where `--report` asked, or to report.path when its folder
    /// already exists; otherwise no folder is made for it, and stderr says so.
    func writeFailure(_ report: Report) {
        if !requested {
            let folder = (path as NSString).deletingLastPathComponent
            var isFolder: ObjCBool = false
            let exists = folder.isEmpty || FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder)
            guard exists, folder.isEmpty || isFolder.boolValue else {
                Terminal.printError(
                    "note: no report written, as nothing was applied and its folder \(folder) does not exist; "
                        + "pass --report PATH to write one anyway")
                return
            }
        }
        _ = write(report, recorded: false)
    }
}
