import Foundation

/// Keeps the report folder bounded: of the files that `report.path` names for run ids (`{run_id}` in the file
/// name, the run id in `RunID`'s form), only the latest `keep` stay. Run ids sort by time, so names do too.
///
/// Only files whose names fit the template around a run id are touched; a template with `{run_id}` in a folder
/// name is left alone (nothing is deleted).
public enum ReportRetention {
    /// Deletes all but the `keep` latest reports of `template` (an absolute path template); returns the paths
    /// deleted.
    @discardableResult
    public static func prune(template: String, keep: Int) -> [String] {
        let folder = (template as NSString).deletingLastPathComponent
        let name = (template as NSString).lastPathComponent
        guard !folder.contains("{run_id}"), let marker = name.range(of: "{run_id}") else { return [] }
        let prefix = String(name[..<marker.lowerBound])
        let suffix = String(name[marker.upperBound...])
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else {
            return []
        }
        let reports = entries.filter { entry in
            guard entry.hasPrefix(prefix), entry.hasSuffix(suffix), entry.count > prefix.count + suffix.count else {
                return false
            }
            let id = entry.dropFirst(prefix.count).dropLast(suffix.count)
            return isRunID(id)
        }.sorted()
        let doomed = reports.dropLast(max(0, keep))
        var deleted: [String] = []
        for entry in doomed {
            let path = (folder as NSString).appendingPathComponent(entry)
            if (try? FileManager.default.removeItem(atPath: path)) != nil { deleted.append(path) }
        }
        return deleted
    }

    /// Whether `text` has `RunID`'s form: `20261125T154512Z-3f9a`.
    static func isRunID(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= 18, bytes.count <= 21 else { return false }
        func digits(_ range: Range<Int>) -> Bool { bytes[range].allSatisfy { $0 >= 48 && $0 <= 57 } }
        let hex = bytes[17...].allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
        return digits(0..<8) && bytes[8] == 84 && digits(9..<15) && bytes[15] == 90 && bytes[16] == 45 && hex
    }
}
