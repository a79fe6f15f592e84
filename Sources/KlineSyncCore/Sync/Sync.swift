import Foundation
import Logging

/// `plan` and `apply` as one call each: reads the exchange and the database, plans (or checks a saved plan),
/// executes, re-plans symbols other agents may have written, adds the pacing section and records the run.
///
/// The exchange is read before the database is opened for writing: a run that cannot reach it applies nothing, so
/// it creates nothing either (no database, lock file or tables).
public struct Sync: Sendable {
    public var manifest: Manifest
    public var exchange: any Exchange
    public var database: any StoreConnector
    /// Where archive files come from (DESIGN §8); nil plans and fetches by REST only.
    public var archive: (any ArchiveSource)?
    /// Where requests go, for messages (`embedded simulator at http://…`, or the base URL).
    public var endpoint: String
    public var logger: Logger
    /// The executor's clock (pauses between passes over locked symbols, durations); the exchange client's clock.
    public var clock: ElapsedClock

    /// A sync of `manifest` between `exchange` and the database `database` opens.
    public init(
        manifest: Manifest, exchange: any Exchange, database: any StoreConnector, archive: (any ArchiveSource)? = nil,
        endpoint: String, logger: Logger = Logger(label: "klinesync.sync"), clock: ElapsedClock = .continuous
    ) {
        self.manifest = manifest
        self.exchange = exchange
        self.database = database
        self.archive = archive
        self.endpoint = endpoint
        self.logger = logger
        self.clock = clock
    }

    /// What the planner may assume of the archive: nil with `archive: off` or without an archive source.
    public var archivePlanning: ArchivePlanning? {
        guard archive != nil, manifest.source.archive == .auto else { return nil }
        return ArchivePlanning(concurrency: manifest.pacing.archiveConcurrency)
    }

    /// The plan of the manifest against the database as it is now. Reads only: an absent database plans as empty
    /// and is not created.
    public func plan(force: [ForceSelector] = []) async throws -> Plan {
        let snapshot = try await readSnapshot()
        let (time, info) = try await discover()
        return Planner.plan(
            Planner.Input(
                manifest: manifest, exchangeInfo: info, serverTime: time, snapshot: snapshot, force: force,
                archive: archivePlanning))
    }

    /// Reads the instrument list, then the server time; every failure is a `SyncError.exchange`.
    func discover() async throws -> (serverTime: Int64, info: ExchangeInfo) {
        do {
            // exchangeInfo first: its answer gives the client the IP's limit before any request could wait on
            // weight that other processes on the IP already spent in this minute.
            let info = try await exchange.exchangeInfo()
            let time = try await exchange.serverTime()
            return (time, info)
        } catch let error as ExchangeError {
            throw SyncError.exchange("cannot read the exchange's instrument list from \(endpoint): \(error)")
        } catch {
            // The client's own words for a connection that never got an answer (they name the URL already).
            throw SyncError.exchange("\(error)")
        }
    }

    /// The store snapshot for planning, without creating anything.
    func readSnapshot() async throws -> StoreSnapshot {
        let store: (any Store)?
        do {
            store = try await database.openForReading()
        } catch {
            throw SyncError.database("\(error)")
        }
        guard let store else { return .empty }
        do {
            let snapshot = try await StoreSnapshot.load(from: store, market: manifest.source.market)
            try await store.close()
            return snapshot
        } catch {
            try? await store.close()
            throw SyncError.database("cannot read \(database.location): \(error)")
        }
    }
}
