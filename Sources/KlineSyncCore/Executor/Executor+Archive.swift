extension Executor {
    /// What fetching one range cost, across both sources; added to the series report.
    struct RangeCost {
        var requests = 0
        var weight = 0
        var retries = 0
        var archiveFiles = 0
        var archiveBytes = 0
        var archiveRequests = 0
        var fallbacks: [Report.ArchiveFallbackNote] = []
    }

    /// One stretch of a range and where its bars come from.
    enum Segment {
        case rest(TimeRange)
        /// The index of a file in the range's file list.
        case file(Int)
    }

    /// Bars handed to `receive` at once from an archive file (a monthly `1m` file holds 44,640).
    static let archiveChunk = 8192

    /// Fetches every bar of `range` of one series and hands it to `receive` in open-time order: the planned archive
    /// files inside it (`files`, downloading up to a window ahead), REST for the stretches between them, for a file
    /// that falls back (its range alone), and for rows a verified file lacks (like a gap: what REST lacks too ends up
    /// confirmed empty).
    func fetchRange(
        _ range: TimeRange, files: [ArchivePeriod], series: SeriesPlan, plan: Plan, options: Options,
        cost: inout RangeCost, receive: ([Bar]) async throws -> Void
    ) async throws {
        let interval = series.interval
        func rest(_ part: TimeRange) async throws {
            guard !part.isEmpty else { return }
            let fetched = try await exchange.fetchBars(
                series.seriesDataset, symbol: series.symbol, interval: interval, range: part, horizon: plan.serverTime,
                paging: plan.paging ?? .leastWeight, receive: receive)
            cost.requests += fetched.requests
            cost.weight += fetched.weight
            cost.retries += fetched.retries
        }
        // Files overlapping the range (a range's first month may start before it: its file's earlier rows are
        // dropped), in order.
        let inside = files.filter { $0.range.end > range.start && $0.range.start < range.end }.sorted()
        guard let archive, !inside.isEmpty else { return try await rest(range) }
        var segments: [Segment] = []
        var cursor = range.start
        for (index, period) in inside.enumerated() where max(period.range.start, range.start) >= cursor {
            let start = max(period.range.start, range.start)
            if start > cursor { segments.append(.rest(TimeRange(start: cursor, end: start))) }
            segments.append(.file(index))
            cursor = min(period.range.end, range.end)
        }
        if cursor < range.end { segments.append(.rest(TimeRange(start: cursor, end: range.end))) }
        // Files downloading ahead of the one being handed over: bounded by the symbol's memory share and the
        // archive's concurrency (the client bounds downloads across symbols).
        let perFile = max(1, Int(interval.count(from: inside[0].range.start, to: inside[0].range.end)))
        let window = max(1, min(options.archiveConcurrency, options.memoryBarsPerSymbol / perFile))
        let ids = inside.map {
            $0.file(market: plan.market, symbol: series.symbol, interval: interval, dataset: series.seriesDataset)
        }
        try await withThrowingTaskGroup(of: (Int, ArchiveFetch).self) { group in
            var arrived: [Int: ArchiveFetch] = [:]
            var started = 0
            func startUpTo(_ limit: Int) {
                while started < min(limit, ids.count) {
                    let index = started
                    let id = ids[index]
                    group.addTask { (index, try await archive.fetch(id)) }
                    started += 1
                }
            }
            for segment in segments {
                switch segment {
                case .rest(let part):
                    try await rest(part)
                case .file(let index):
                    startUpTo(index + window)
                    while arrived[index] == nil, let (done, fetch) = try await group.next() {
                        arrived[done] = fetch
                    }
                    guard let fetch = arrived.removeValue(forKey: index) else { throw CancellationError() }
                    startUpTo(index + 1 + window)
                    cost.archiveRequests += fetch.requests
                    cost.archiveBytes += fetch.bytes
                    options.observer?.archiveFileFinished(bytes: fetch.bytes)
                    let period = inside[index]
                    let part = TimeRange(
                        start: max(range.start, period.range.start), end: min(range.end, period.range.end))
                    switch fetch.outcome {
                    case .fallback(let fallback):
                        cost.fallbacks.append(Report.ArchiveFallbackNote(period: period, fallback: fallback))
                        logger.info(
                            "archive file not used; fetching its range by REST",
                            metadata: ["file": "\(ids[index].path)", "reason": "\(fallback)"])
                        try await rest(part)
                    case .bars(let bars):
                        cost.archiveFiles += 1
                        try await deliverFile(bars, part: part, interval: interval, horizon: plan.serverTime) {
                            try await rest($0)
                        } receive: {
                            try await receive($0)
                        }
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Hands a verified file's bars inside `part` to `receive` in chunks, fetching each run of rows the file lacks
    /// through `fill` (REST) in its place, so that order is kept.
    func deliverFile(
        _ bars: [Bar], part: TimeRange, interval: Interval, horizon: Int64, fill: (TimeRange) async throws -> Void,
        receive: ([Bar]) async throws -> Void
    ) async throws {
        var expected = interval.ceil(part.start)
        var chunk: [Bar] = []
        chunk.reserveCapacity(min(bars.count, Self.archiveChunk))
        for bar in bars where part.contains(bar.openTime) && bar.closeTime < horizon {
            if bar.openTime > expected {
                if !chunk.isEmpty {
                    try await receive(chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
                try await fill(TimeRange(start: expected, end: bar.openTime))
            }
            chunk.append(bar)
            expected = interval.next(bar.openTime)
            if chunk.count >= Self.archiveChunk {
                try await receive(chunk)
                chunk.removeAll(keepingCapacity: true)
            }
        }
        if !chunk.isEmpty { try await receive(chunk) }
        let end = interval.ceil(part.end)
        if expected < end { try await fill(TimeRange(start: expected, end: end)) }
    }
}
