/// A market-data source: Binance REST in production, the simulator in tests (over real HTTP).
public protocol Exchange: Sendable {
    /// The market this client talks to.
    var market: Market { get }

    /// The exchange's clock (ms since the epoch).
    func serverTime() async throws -> Int64

    /// The instrument list and advertised limits.
    func exchangeInfo() async throws -> ExchangeInfo

    /// Every closed bar of `dataset` for `symbol` (for index prices: the pair) at `interval` whose open time lies in
    /// `range`, handed to `receive` page by page in open-time order (one call at a time, as pages arrive), so that a
    /// long range is never held whole; a bar whose close time is not before `horizon` is dropped. Pages are sized per
    /// `paging` (the plan's choice), with retries as needed. The result carries the counts and the listing floor; its
    /// `bars` is empty.
    func fetchBars(
        _ dataset: Dataset, symbol: String, interval: Interval, range: TimeRange, horizon: Int64, paging: Paging.Mode,
        receive: ([Bar]) async throws -> Void
    ) async throws -> BarFetch
}

extension Exchange {
    /// Trade klines of `symbol`, handed over page by page (see `fetchBars(_:symbol:interval:range:horizon:paging:receive:)`).
    public func fetchBars(
        symbol: String, interval: Interval, range: TimeRange, horizon: Int64, paging: Paging.Mode,
        receive: ([Bar]) async throws -> Void
    ) async throws -> BarFetch {
        try await fetchBars(
            .klines, symbol: symbol, interval: interval, range: range, horizon: horizon, paging: paging,
            receive: receive)
    }

    /// Every closed bar of `dataset` for `symbol` at `interval` whose open time lies in `range`, collected in `bars`.
    public func fetchBars(
        _ dataset: Dataset = .klines, symbol: String, interval: Interval, range: TimeRange, horizon: Int64,
        paging: Paging.Mode = .leastWeight
    ) async throws -> BarFetch {
        var bars: [Bar] = []
        var fetch = try await fetchBars(
            dataset, symbol: symbol, interval: interval, range: range, horizon: horizon, paging: paging
        ) {
            bars.append(contentsOf: $0)
        }
        fetch.bars = bars
        return fetch
    }
}
