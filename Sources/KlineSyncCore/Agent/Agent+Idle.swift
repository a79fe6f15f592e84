import Foundation
import Logging

extension Agent {
    /// How long to wait after a cycle: until the next scheduled one after success; after a failed or partial cycle,
    /// the retry policy's backoff for the failures in a row, capped by the next scheduled cycle.
    func nextDelay(after result: ApplyResult) -> Duration {
        let (manifest, failures) = state.withLock { ($0.manifest, $0.status.cycles.consecutiveFailures) }
        let schedule = AgentSchedule(manifest: manifest, settleMillis: configuration.settle.millis)
        var untilNext: Int64?
        if let now = estimatedServerTime() {
            let next = schedule.nextCycle(after: now)
            state.withLock { $0.status.cycles.nextCycleAt = Timestamp.format(next) }
            untilNext = next - now
        }
        var millis: Int64
        if failures == 0 {
            // Without any server time yet (never reached the exchange) a success cannot happen; be safe anyway.
            millis = untilNext ?? schedule.interval.approximateMillis
        } else {
            millis = AgentSchedule.retryDelay(
                failures: failures, policy: manifest.retry.policy, untilNextCycle: untilNext)
        }
        // During a ban nothing is sent, whatever the schedule says (Binance lengthens bans of those who insist).
        if let until = state.withLock({ $0.bannedUntil }), let now = estimatedServerTime(), until + 1000 > now + millis
        {
            millis = until + 1000 - now
        }
        if failures > 0 {
            let retryAt = estimatedServerTime().map { Timestamp.format($0 + millis) }
            state.withLock { $0.status.cycles.nextCycleAt = retryAt }
        }
        return .milliseconds(millis)
    }

    /// Waits until `deadline`, checking the manifest every `pollInterval` and on `reload()`; returns early when the
    /// agent is stopping or a new manifest was loaded (its cycle runs at once).
    func idle(until deadline: C.Instant) async {
        while !isStopping {
            if reloadIfChanged() { return }
            let now = clock.now
            if now >= deadline { return }
            let poll = now.advanced(by: configuration.pollInterval)
            let wake = poll < deadline ? poll : deadline
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await self.clock.sleep(until: wake, tolerance: nil) }
                group.addTask { await self.wakeup.wait() }
                _ = await group.next()
                group.cancelAll()
            }
        }
    }

    /// Checks the manifest file (always re-reading it after `reload()`); true when a new valid manifest replaced
    /// the one in use. An invalid one is logged, shown in the status and counted; the one in use stays.
    func reloadIfChanged() -> Bool {
        let (forced, change): (Bool, ManifestWatch.Change) = state.withLock {
            let forced = $0.reloadRequested
            $0.reloadRequested = false
            return (forced, $0.watch.check(force: forced))
        }
        let now = Timestamp.format(Int64(Date().timeIntervalSince1970 * 1000))
        switch change {
        case .unchanged:
            return false
        case .loaded(let manifest):
            let interval = AgentSchedule(manifest: manifest, settleMillis: configuration.settle.millis).interval
            state.withLock {
                $0.manifest = manifest
                $0.status.manifest.digest = manifest.digest
                $0.status.manifest.scheduleInterval = interval.name
                $0.status.manifest.reload = "ok"
                $0.status.manifest.reloadError = nil
                $0.status.manifest.lastReloadAt = now
            }
            logger.info(
                "manifest reloaded",
                metadata: [
                    "path": "\(manifest.path)", "digest": "\(manifest.digest)",
                    "trigger": "\(forced ? "SIGHUP" : "edit")",
                ])
            return true
        case .invalid(let message):
            metrics.recordReloadError()
            state.withLock {
                $0.status.manifest.reload = "error"
                $0.status.manifest.reloadError = message
                $0.status.manifest.lastReloadAt = now
                $0.status.manifest.reloadErrors += 1
            }
            logger.error(
                "the manifest is invalid; the previous one keeps running",
                metadata: ["path": "\(state.withLock { $0.watch.path })", "problems": "\(message)"])
            return false
        }
    }
}
