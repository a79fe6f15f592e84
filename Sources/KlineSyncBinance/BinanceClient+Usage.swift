import KlineSyncCore

extension BinanceClient: ExchangeUsageReporting {
    /// The 429s, bans and the weight budget minute by minute, as the report shows them.
    public func usage() async -> ExchangeUsage {
        let stats = await stats()
        var usage = ExchangeUsage(rateLimited: stats.rateLimited, bans: stats.bans, bannedUntil: stats.bannedUntil)
        if !stats.minutes.isEmpty {
            usage.pacing = Report.Pacing(
                weightPerMinute: stats.budget,
                minutes: stats.minutes.sorted { $0.key < $1.key }.map { minute, used in
                    Report.Pacing.Minute(
                        start: Timestamp.format(minute * 60_000), weight: used.weight, requests: used.requests,
                        waitedMs: Int((used.budgetWait / .milliseconds(1)).rounded()))
                })
        }
        return usage
    }
}
