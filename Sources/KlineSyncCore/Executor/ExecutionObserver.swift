import Foundation
import Logging
import Synchronization

/// Receives progress while a plan runs. Called from many tasks; implementations must be thread-safe.
public protocol ExecutionObserver: Sendable {
    /// A symbol was committed, failed or skipped. `done` of `total` symbols are finished.
    func symbolFinished(_ report: Report.SymbolReport, done: Int, total: Int)

    /// An archive file was downloaded (verified or not); `bytes` of zip came in.
    func archiveFileFinished(bytes: Int)
}

extension ExecutionObserver {
    public func archiveFileFinished(bytes: Int) {}
}
