import Foundation
import KlineSyncBinance
import KlineSyncCore
import Synchronization

/// Shows apply's progress: a live line on a terminal, else one line per symbol; nothing with `--quiet`.
final class ProgressPrinter: ExecutionObserver {
    struct State {
        var total = 0
        var done = 0
        var failed = 0
        var bars = 0
        var started = Date()
        var weight = 0
        var weightPerMinute = 0
        /// REST weight and archive files the plan expects.
        var plannedWeight = 0
        var plannedFiles = 0
        var files = 0
        var fileBytes = 0
    }

    let quiet: Bool
    let live: Bool
    let client: BinanceClient
    let state = Mutex(State())
    /// Redraws the live line four times a second while symbols run.
    private let ticker = Mutex<Task<Void, Never>?>(nil)

    init(quiet: Bool, live: Bool, client: BinanceClient) {
        self.quiet = quiet
        self.live = live
        self.client = client
    }

    func start(total: Int) {
        state.withLock {
            $0.total = total
            $0.started = Date()
        }
        guard !quiet, live else { return }
        let task = Task { [weak self] in
            while !Task.isCancelled {
                guard let self else { return }
                let stats = await self.client.stats()
                self.state.withLock { state in
                    let minutes = max(Date().timeIntervalSince(state.started) / 60, 1.0 / 60)
                    state.weight = stats.weight
                    state.weightPerMinute = Int(Double(stats.weight) / max(minutes, 1))
                }
                self.drawLine()
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
        ticker.withLock { $0 = task }
    }

    /// What the plan will fetch, for the ETA.
    func expect(_ totals: PlanTotals) {
        state.withLock {
            $0.plannedWeight = totals.weight
            $0.plannedFiles = totals.archiveFiles ?? 0
        }
    }

    func archiveFileFinished(bytes: Int) {
        state.withLock {
            $0.files += 1
            $0.fileBytes += bytes
        }
    }

    func symbolFinished(_ report: Report.SymbolReport, done: Int, total: Int) {
        let bars = report.series.reduce(0) { $0 + $1.barsInserted + $1.barsUpdated }
        state.withLock {
            $0.done = done
            $0.bars += bars
            if report.status == .failed { $0.failed += 1 }
        }
        guard !quiet else { return }
        if live {
            if report.status == .failed {
                FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
                print("\(report.symbol) ✗ \(report.error?.message ?? "failed")")
            }
            drawLine()
            return
        }
        let width = String(total).count
        let counter = "[\(String(repeating: " ", count: width - String(done).count))\(done)/\(total)]"
        print("\(counter) \(report.symbol) \(ProgressPrinter.describe(report))")
    }

    /// `✓ 4h +3 bars, 1d +1 bar` / `✗ http_503: …` / `- skipped: interrupted by SIGINT`.
    static func describe(_ report: Report.SymbolReport) -> String {
        switch report.status {
        case .ok:
            let parts = report.series.map { series -> String in
                let name = series.interval + (series.dataset.map { " \($0.rawValue)" } ?? "")
                var text = "\(name) +\(series.barsInserted) bar\(series.barsInserted == 1 ? "" : "s")"
                if series.barsUpdated > 0 { text += " ~\(series.barsUpdated)" }
                if series.barsDeleted > 0 { text += " -\(series.barsDeleted)" }
                return text
            }
            return "✓ " + parts.joined(separator: ", ")
        case .failed:
            return "✗ \(report.error?.message ?? "failed")"
        case .skipped:
            return "- skipped: \(report.error?.message ?? "")"
        }
    }

    func drawLine() {
        let line = state.withLock { s -> String in
            let eta = ProgressPrinter.eta(s).map { ", ETA " + Plan.formatDuration($0) } ?? ""
            let failures = s.failed > 0 ? ", \(s.failed) failed" : ""
            let archive =
                s.plannedFiles > 0
                ? ", archive \(s.files)/\(s.plannedFiles) files (\(ProgressPrinter.megabytes(s.fileBytes)))" : ""
            return
                "[\(s.done)/\(s.total)] symbols, \(s.bars) bars written\(archive), weight \(s.weight) (\(s.weightPerMinute)/min)\(eta)\(failures)"
        }
        FileHandle.standardOutput.write(Data("\r\u{1B}[K\(line)".utf8))
    }

    /// Time left: the longer of the two sources' (archive files and REST weight, each extrapolated from its share
    /// done), or from the symbols done when neither has moved yet.
    static func eta(_ s: State) -> Double? {
        guard s.done < s.total else { return nil }
        let elapsed = Date().timeIntervalSince(s.started)
        var estimates: [Double] = []
        for (done, planned) in [(s.files, s.plannedFiles), (s.weight, s.plannedWeight)] where planned > 0 && done > 0 {
            let fraction = min(1, Double(done) / Double(planned))
            estimates.append(elapsed * (1 - fraction) / fraction)
        }
        if let longest = estimates.max() { return longest }
        guard s.done > 0 else { return nil }
        return elapsed / Double(s.done) * Double(s.total - s.done)
    }

    /// `12.3 MB`.
    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }

    func finish() {
        ticker.withLock {
            $0?.cancel()
            $0 = nil
        }
        if !quiet && live {
            drawLine()
            print("")
        }
    }
}
