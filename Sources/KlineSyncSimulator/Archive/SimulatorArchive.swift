import Crypto
import Dispatch
import Hummingbird
import KlineSyncCore
import Synchronization

/// The simulated data.binance.vision archive of one simulator: which files exist, their bytes, their faults.
///
/// Files are generated on request from the same generator as REST, cached (``ArchiveCache``), and served without
/// request weight: archive requests never reach the rate limiter.
final class SimulatorArchive: Sendable {
    /// A complete answer to an archive request.
    struct Answer: Sendable {
        /// What the body is.
        enum Kind: Sendable {
            case zip, checksum, notFound
        }

        var status: Int
        var kind: Kind
        var body: ByteBuffer
    }

    private struct State {
        var faults: [ArchiveFault]
        /// Files of the `corrupt-once` fault already sent corrupted.
        var corrupted: Set<ArchiveCache.Key> = []
        var counters = ArchiveCounters()
    }

    /// Where files are built: Dispatch's threads, not Swift concurrency's.
    private static let generation = DispatchQueue(label: "klinesync.simulator.archive", attributes: .concurrent)

    let engine: SimulatorEngine
    let cache: ArchiveCache
    let disk: ArchiveDiskCache?
    private let state: Mutex<State>

    /// The archive of `engine`; throws when ``SimulatorConfiguration/archiveCacheDirectory`` cannot be created.
    init(engine: SimulatorEngine) throws(Simulator.StartError) {
        self.engine = engine
        cache = ArchiveCache(capacity: engine.configuration.archiveCacheBytes)
        if let directory = engine.configuration.archiveCacheDirectory {
            do {
                disk = try ArchiveDiskCache(directory: directory)
            } catch {
                throw .archiveCache(directory: directory, underlying: error)
            }
        } else {
            disk = nil
        }
        state = Mutex(State(faults: engine.configuration.archiveFaults))
    }

    var publication: ArchivePublication { engine.configuration.archivePublication }

    /// Replaces the archive faults.
    func setFaults(_ faults: [ArchiveFault]) { state.withLock { $0.faults = faults } }

    /// A snapshot of the counters.
    var counters: ArchiveCounters {
        state.withLock { $0.counters }
    }

    /// The fault kinds applying to `symbol`'s files.
    private func kinds(_ symbol: String) -> Set<ArchiveFault.Kind> {
        state.withLock { state in
            state.faults.reduce(into: []) { kinds, fault in
                if fault.applies(to: symbol) { kinds.formUnion(fault.kinds) }
            }
        }
    }

    /// Answers a request for `path` (under `/data/`) at `now`.
    func answer(path: String, now: Int64) async throws -> Answer {
        let answer = try await resolve(path: path, now: now)
        state.withLock { state in
            state.counters.requests += 1
            state.counters.byStatus[answer.status, default: 0] += 1
        }
        return answer
    }

    private func resolve(path: String, now: Int64) async throws -> Answer {
        guard let request = ArchiveRequest(path: path, market: engine.market),
            let instrument = Self.instrument(request.target, engine.universe),
            now >= request.target.publishedAt(publication)
        else { return Self.notFound(path) }
        let target = request.target
        let kinds = kinds(target.key)
        if kinds.contains(.missing) || (request.resource == .checksum && kinds.contains(.noChecksum)) {
            count { $0.faultsInjected += 1 }
            return Self.notFound(path)
        }
        let key = ArchiveCache.Key(target: target, hole: kinds.contains(.hole))
        if request.resource == .checksum, !kinds.contains(.truncated), let digest = cache.digest(key) {
            return checksum(digest, target.zipName, kinds)
        }
        let generated = try await cache.file(key) {
            // Off the concurrency pool: a monthly `1m` file is ~0.1 s of CPU, a monthly spot `1s` file ~6 s, and
            // REST answers (and, embedded, the client's own tasks) must not wait behind it.
            try await withCheckedThrowingContinuation { continuation in
                Self.generation.async { continuation.resume(with: Result { try self.generate(key, instrument) }) }
            }
        }
        guard var served = generated else { return Self.notFound(path) }
        if kinds.contains(.hole) { count { $0.faultsInjected += 1 } }
        if kinds.contains(.truncated) {
            served = served.truncated
            count { $0.faultsInjected += 1 }
        }
        switch request.resource {
        case .checksum:
            return checksum(served.digest, target.zipName, kinds)
        case .zip:
            var body = served.zip
            if kinds.contains(.corruptOnce), state.withLock({ $0.corrupted.insert(key).inserted }) {
                body = served.corrupted
                count { $0.faultsInjected += 1 }
            }
            count {
                $0.zipsServed += 1
                $0.zipBytesServed += body.readableBytes
                $0.rowsServed += served.rows
            }
            return Answer(status: 200, kind: .zip, body: body)
        }
    }

    /// The instrument whose rows `target` holds: the symbol's, or for index-price klines the pair's.
    private static func instrument(_ target: ArchiveRequest.Target, _ universe: Universe) -> SimulatedInstrument? {
        switch target {
        case .klines(let file): universe.instrument(file.symbol, dataset: file.dataset)
        case .funding(let file): universe[file.symbol]
        }
    }

    /// Builds `key`'s file, or reads it from the disk cache; nil when the file would have no row.
    private func generate(_ key: ArchiveCache.Key, _ instrument: SimulatedInstrument) throws -> ArchiveFile? {
        let skipping = key.hole ? ArchiveFault.holeRows : 0
        let modified = key.target.publishedAt(publication)
        let file: ArchiveFileID
        switch key.target {
        case .klines(let klines):
            file = klines
        case .funding(let funding):
            let events = engine.fundingSchedule(instrument).forward(
                from: funding.period.start, through: funding.period.end - 1, limit: .max, now: funding.period.end)
            guard !events.isEmpty else { return nil }
            let built = try ArchiveFile(funding: funding, events: events, skipping: skipping, modified: modified)
            count { $0.filesGenerated += 1 }
            return built
        }
        let configuration = engine.configuration
        let outages = configuration.outages.filter { $0.applies(to: instrument.symbol) }
        let openTimes = ArchiveCSV.openTimes(file: file, instrument: instrument, outages: outages)
        guard !openTimes.isEmpty else { return nil }
        var name: String?
        if let disk {
            let ranges = outages.map { "\($0.range.start)-\($0.range.end)" }.sorted().joined(separator: ",")
            name = ArchiveDiskCache.name(
                "\(configuration.seed)|\(file.path)|\(instrument)|skip \(skipping)|outages \(ranges)|at \(modified)")
            if let zip = disk.read(name!) {
                count { $0.filesFromDisk += 1 }
                return ArchiveFile(zip: zip, rows: max(0, openTimes.count - skipping))
            }
        }
        let built = try ArchiveFile(
            file: file, instrument: instrument, seed: configuration.seed, openTimes: openTimes, skipping: skipping,
            modified: modified)
        count { $0.filesGenerated += 1 }
        if let disk, let name { disk.write(name, built.zip) }
        return built
    }

    private func checksum(_ digest: String, _ zipName: String, _ kinds: Set<ArchiveFault.Kind>) -> Answer {
        var digest = digest
        if kinds.contains(.badChecksum) {
            digest = SHA256.hash(data: Array("bad-checksum \(digest)".utf8)).hexDigest
        }
        count {
            $0.checksumsServed += 1
            if kinds.contains(.badChecksum) { $0.faultsInjected += 1 }
        }
        return Answer(status: 200, kind: .checksum, body: ByteBuffer(string: "\(digest)  \(zipName)\n"))
    }

    private func count(_ body: (inout ArchiveCounters) -> Void) { state.withLock { body(&$0.counters) } }

    /// S3's answer for a key that does not exist.
    static func notFound(_ path: String) -> Answer {
        let key = path.drop { $0 == "/" }.filter { $0 != "<" && $0 != ">" && $0 != "&" }
        let body =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does "
            + "not exist.</Message><Key>\(key)</Key></Error>"
        return Answer(status: 404, kind: .notFound, body: ByteBuffer(string: body))
    }
}
