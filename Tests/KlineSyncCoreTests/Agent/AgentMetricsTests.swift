import MetricsTestKit
import Testing

@testable import KlineSyncCore

/// What one cycle's report moves: bars per dataset and interval, funding events, weight.
@Suite struct AgentMetricsTests {
    @Test func aCycleCountsBarsPerDatasetAndIntervalAndFundingEvents() throws {
        let factory = TestMetrics()
        let metrics = AgentMetrics(factory: factory)
        var series = Report.SeriesReport(interval: "1h", actions: [.extend], ranges: [])
        series.dataset = .markPrice
        series.barsInserted = 3
        series.barsUpdated = 1
        var funding = Report.FundingReport(
            FundingPlan(symbol: "BTCUSDT", desired: nil, stored: nil, actions: [], fingerprint: "none"))
        funding.eventsInserted = 2
        var totals = Report.Totals()
        totals.weightUsed = 7
        totals.funding = Report.FundingTotals()
        totals.funding?.add(funding)
        let report = Report(
            runId: "r", manifest: Report.ManifestRef(path: "/m.yaml", digest: "d"), database: "sqlite:x",
            exchange: "binance", market: .usdm, serverTime: 0, startedAt: "", finishedAt: "", durationSeconds: 1,
            status: .ok, error: nil, interrupted: false, totals: totals,
            symbols: [
                Report.SymbolReport(
                    symbol: "BTCUSDT", status: .ok, error: nil, durationMs: 1, series: [series], funding: funding)
            ])
        metrics.recordCycle(report, duration: .seconds(1), responses: ["200": 2], finishedAt: 0)
        #expect(
            try factory.expectCounter("klinesync_bars_written_total", [("dataset", "mark_price"), ("interval", "1h")])
                .totalValue == 4)
        #expect(try factory.expectCounter("klinesync_funding_events_written_total").totalValue == 2)
        #expect(try factory.expectCounter("klinesync_request_weight_total").totalValue == 7)
    }
}
