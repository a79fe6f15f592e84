import Foundation
import Logging
import Synchronization

/// Receives progress while a plan runs. Called from many tasks; implementations must be thread-safe.
public protocol ExecutionObserver: Sendable {
    /// A symbol was committed, failed or skipped. `done` of `total` symbols are finished.
    func symbolFinished(_ report: Report.SymbolReport, done: Int, total: Int)
}

/// Runs a `Plan`: fetches with bounded concurrency through an `Exchange` and commits each symbol in one transaction.
public struct Executor: Sendable {
    public let exchange: any Exchange
    public let store: any Store
    public let logger: Logger

    public init(exchange: any Exchange, store: any Store, logger: Logger = Logger(label: "klinesync.executor")) {
        self.exchange = exchange
        self.store = store
        self.logger = logger
    }

    /// What a run needs besides the plan.
    public struct Options: Sendable {
        public var runID: String
        /// Symbols worked on at once (requests in flight are bounded by the exchange client's limiter too).
        public var concurrency: Int
        /// The instrument rows to store with each symbol.
        public var instruments: [String: Instrument]
        public var stop: StopSignal
        public var observer: (any ExecutionObserver)?

        public init(
            runID: String, concurrency: Int, instruments: [String: Instrument] = [:], stop: StopSignal = StopSignal(),
            observer: (any ExecutionObserver)? = nil
        ) {
            self.runID = runID
            self.concurrency = concurrency
            self.instruments = instruments
            self.stop = stop
            self.observer = observer
        }
    }

    /// Runs every symbol of the plan that has changes and returns the report. Never throws: failures are in the report.
    public func execute(_ plan: Plan, options: Options) async -> Report {
        let started = Date()
        let bySymbol = Dictionary(grouping: plan.series.filter(\.hasChanges), by: \.symbol)
        let symbols = bySymbol.keys.sorted()
        let done = Mutex(0)
        var results: [Report.SymbolReport] = []
        await withTaskGroup(of: Report.SymbolReport.self) { group in
            var iterator = symbols.makeIterator()
            var running = 0
            func finish(_ report: Report.SymbolReport) {
                results.append(report)
                let count = done.withLock { value -> Int in
                    value += 1
                    return value
                }
                options.observer?.symbolFinished(report, done: count, total: symbols.count)
            }
            while let symbol = iterator.next() {
                if options.stop.isStopped {
                    finish(skipped(symbol, bySymbol[symbol]!, reason: options.stop.reason ?? "stopped"))
                    continue
                }
                if running >= max(1, options.concurrency), let report = await group.next() {
                    running -= 1
                    finish(report)
                    if options.stop.isStopped {
                        finish(skipped(symbol, bySymbol[symbol]!, reason: options.stop.reason ?? "stopped"))
                        continue
                    }
                }
                running += 1
                let series = bySymbol[symbol]!
                group.addTask {
                    await self.apply(symbol: symbol, series: series, plan: plan, options: options)
                }
            }
            for await report in group { finish(report) }
        }
        results.sort { $0.symbol < $1.symbol }
        return makeReport(plan: plan, options: options, results: results, started: started)
    }

    func skipped(_ symbol: String, _ series: [SeriesPlan], reason: String) -> Report.SymbolReport {
        Report.SymbolReport(
            symbol: symbol, status: .skipped, error: Report.ErrorInfo(code: "skipped", message: reason), durationMs: 0,
            series: series.map { seriesReport($0) })
    }

    func seriesReport(_ plan: SeriesPlan) -> Report.SeriesReport {
        Report.SeriesReport(
            interval: plan.interval.name, actions: plan.actions.map(\.kind),
            ranges: plan.actions.flatMap(\.ranges).map(Report.RangeText.init))
    }
}
