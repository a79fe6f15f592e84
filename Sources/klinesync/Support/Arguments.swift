import ArgumentParser
import KlineSyncCore
import KlineSyncSimulator

// Values ArgumentParser reads itself: an unknown one is a usage error listing the valid ones.

extension Market: ExpressibleByArgument {}

extension UniverseKind: ExpressibleByArgument {}

/// A duration such as `2d`, `6h`, `30m` or `0s`, in milliseconds.
struct DurationArgument: ExpressibleByArgument, Sendable {
    var millis: Int64
    /// As given, for help and messages.
    var text: String

    init?(argument: String) {
        guard let millis = ArchivePublication.parseLag(argument) else { return nil }
        self.millis = millis
        text = argument
    }

    var defaultValueDescription: String { text }
}
