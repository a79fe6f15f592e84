import Crypto
import Synchronization

/// Builds the SHA-256 digest of a series: each bar's `canonicalText` followed by a newline, in open-time order (or
/// of a funding history: each event's `canonicalText`, in funding-time order).
public final class DigestBuilder: Sendable {
    private let hasher = Mutex(SHA256())

    public init() {}

    /// Adds the next bar (in open-time order).
    public func add(_ bar: Bar) {
        let line = bar.canonicalText + "\n"
        hasher.withLock { $0.update(data: Array(line.utf8)) }
    }

    /// Adds the next funding event (in funding-time order).
    public func add(_ rate: FundingRate) {
        let line = rate.canonicalText + "\n"
        hasher.withLock { $0.update(data: Array(line.utf8)) }
    }

    /// SHA-256 over the canonical text of `rates` (`FundingRate.canonicalText`, one line each), in the order given:
    /// the digest of a funding history when they ascend by funding time.
    public static func digest(of rates: [FundingRate]) -> String {
        let builder = DigestBuilder()
        for rate in rates { builder.add(rate) }
        return builder.finish()
    }

    /// The lowercase hex digest.
    public func finish() -> String {
        hasher.withLock { $0.finalize() }.map { byte in
            let s = String(byte, radix: 16)
            return byte < 16 ? "0" + s : s
        }.joined()
    }

    /// Digest of a dataset: SHA-256 over `key<TAB>series-digest` lines in sorted series order; a key is
    /// `exchange/market/symbol/interval`, with `/dataset` after it for series other than trade klines (so a dataset
    /// of trade klines digests as it always has). Funding histories follow as `exchange/market/symbol/funding` lines
    /// in symbol order (none: the digest is what it was before funding existed).
    public static func datasetDigest(
        _ series: [(SeriesKey, String)], funding: [(market: Market, symbol: String, digest: String)] = []
    ) -> String {
        let builder = DigestBuilder()
        var text = ""
        for (key, digest) in series.sorted(by: { $0.0 < $1.0 }) {
            let dataset = key.dataset == .klines ? "" : "/\(key.dataset.rawValue)"
            text += "\(key.exchange)/\(key.market.rawValue)/\(key.symbol)/\(key.interval.name)\(dataset)\t\(digest)\n"
        }
        for history in funding.sorted(by: { ($0.market.rawValue, $0.symbol) < ($1.market.rawValue, $1.symbol) }) {
            text += "\(Market.exchangeName)/\(history.market.rawValue)/\(history.symbol)/funding\t\(history.digest)\n"
        }
        builder.hasher.withLock { $0.update(data: Array(text.utf8)) }
        return builder.finish()
    }
}
