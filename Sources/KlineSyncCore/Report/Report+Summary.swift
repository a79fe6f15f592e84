import Foundation

extension Report {
    /// A report for a run that failed before any symbol was worked on.
    public static func failed(runID: String, manifest: Manifest, started: Date, code: ErrorCode, message: String)
        -> Report
    {
        let now = Date()
        return Report(
            runId: runID, manifest: ManifestRef(path: manifest.path, digest: manifest.digest),
            database: manifest.database.description, exchange: Market.exchangeName, market: manifest.source.market,
            serverTime: nil, startedAt: Timestamp.format(Int64(started.timeIntervalSince1970 * 1000)),
            finishedAt: Timestamp.format(Int64(now.timeIntervalSince1970 * 1000)),
            durationSeconds: now.timeIntervalSince(started), status: .failed,
            error: ErrorInfo(code: code, message: message), interrupted: false, totals: Totals(), symbols: [])
    }

    /// `Applied: 12 symbols ok, 1 failed — 6000 bars inserted, 0 updated, 0 deleted; 60 requests, weight 300, 4.2s.`
    /// A run that used the archive adds `, 24 archive files verified` (and how many fell back to REST); one with
    /// funding work adds `, 90 funding events inserted (3 funding requests)`.
    public var summaryLine: String {
        var parts = ["\(totals.symbolsOk) symbol\(totals.symbolsOk == 1 ? "" : "s") ok"]
        if totals.symbolsFailed > 0 { parts.append("\(totals.symbolsFailed) failed") }
        if totals.symbolsSkipped > 0 { parts.append("\(totals.symbolsSkipped) skipped") }
        let verb = status == .ok ? "Applied" : status == .partial ? "Partly applied" : "Nothing applied"
        var files = ""
        if let archive = totals.archive, archive.filesVerified + archive.filesFallenBack > 0 {
            files = ", \(archive.filesVerified) archive file\(archive.filesVerified == 1 ? "" : "s") verified"
            if archive.filesFallenBack > 0 { files += " (\(archive.filesFallenBack) fell back to REST)" }
        }
        if let funding = totals.funding {
            files += ", \(funding.eventsInserted) funding event\(funding.eventsInserted == 1 ? "" : "s") inserted"
            files += " (\(funding.requests) funding request\(funding.requests == 1 ? "" : "s"))"
        }
        return "\(verb): \(parts.joined(separator: ", ")) — \(totals.barsInserted) bars inserted, "
            + "\(totals.barsUpdated) updated, \(totals.barsDeleted) deleted; \(totals.requests) requests, "
            + "weight \(totals.weightUsed)\(files), \(String(format: "%.1f", durationSeconds))s."
    }
}
