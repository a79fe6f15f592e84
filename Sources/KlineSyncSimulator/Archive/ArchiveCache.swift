import KlineSyncCore
import Synchronization

/// Generated archive files, kept least-recently-used up to a number of bytes, with every digest remembered.
///
/// Files are pure functions of their key, so anything evicted is regenerated identically. Digests (64 hex
/// characters) outlive their zips, so a `.CHECKSUM` answers without regenerating. Concurrent requests for a file
/// being generated wait for that generation instead of starting their own (the zip and its `.CHECKSUM` are often
/// asked for together).
final class ArchiveCache: Sendable {
    /// What identifies a generated file: the file and whether its CSV has the `hole` fault's missing rows.
    struct Key: Sendable, Hashable {
        var target: ArchiveRequest.Target
        var hole: Bool
    }

    private struct Entry {
        var file: ArchiveFile
        var stamp: UInt64
    }

    private struct State {
        var entries: [Key: Entry] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var digests: [Key: String] = [:]
        var pending: [Key: [CheckedContinuation<Outcome, Never>]] = [:]
    }

    /// What a request waiting for another's generation learns.
    private enum Outcome {
        /// The generation ended with this file (nil: there is no such file).
        case done(ArchiveFile?)
        /// The generation failed or finished before the request queued: look again.
        case retry
    }

    private enum Step {
        case found(ArchiveFile?)
        case generate
        case wait
    }

    /// Bytes of zips kept at most.
    let capacity: Int
    private let state = Mutex(State())

    /// A cache keeping up to `capacity` bytes of zips (0 keeps none: every request regenerates its file).
    init(capacity: Int) { self.capacity = max(0, capacity) }

    /// The digest of `key`'s file, if it was generated before.
    func digest(_ key: Key) -> String? { state.withLock { $0.digests[key] } }

    /// `key`'s file: from the cache, from a generation in flight, or from `generate` (nil: there is no such file).
    func file(_ key: Key, generate: () async throws -> ArchiveFile?) async rethrows -> ArchiveFile? {
        while true {
            switch step(key) {
            case .found(let file):
                return file
            case .generate:
                let file: ArchiveFile?
                do {
                    file = try await generate()
                } catch {
                    finish(key, .retry)
                    throw error
                }
                finish(key, .done(file))
                return file
            case .wait:
                let outcome = await withCheckedContinuation { continuation in
                    let queued = state.withLock { state in
                        guard state.pending[key] != nil else { return false }
                        state.pending[key]!.append(continuation)
                        return true
                    }
                    if !queued { continuation.resume(returning: Outcome.retry) }
                }
                if case .done(let file) = outcome { return file }
            }
        }
    }

    private func step(_ key: Key) -> Step {
        state.withLock { state in
            if var entry = state.entries[key] {
                state.clock += 1
                entry.stamp = state.clock
                state.entries[key] = entry
                return .found(entry.file)
            }
            if state.pending[key] != nil { return .wait }
            state.pending[key] = []
            return .generate
        }
    }

    private func finish(_ key: Key, _ outcome: Outcome) {
        let waiting = state.withLock { state in
            if case .done(let file?) = outcome {
                state.digests[key] = file.digest
                let size = file.zip.readableBytes
                if size <= capacity {
                    state.clock += 1
                    state.entries[key] = Entry(file: file, stamp: state.clock)
                    state.bytes += size
                    evict(&state)
                }
            }
            return state.pending.removeValue(forKey: key) ?? []
        }
        for continuation in waiting { continuation.resume(returning: outcome) }
    }

    /// Drops least recently used zips until the kept bytes fit.
    private func evict(_ state: inout State) {
        while state.bytes > capacity, let oldest = state.entries.min(by: { $0.value.stamp < $1.value.stamp }) {
            state.bytes -= oldest.value.file.zip.readableBytes
            state.entries.removeValue(forKey: oldest.key)
        }
    }
}
