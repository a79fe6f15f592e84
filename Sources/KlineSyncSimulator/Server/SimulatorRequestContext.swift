import Hummingbird

/// The per-request context: a way to drop the connection, used by the `reset` fault.
struct SimulatorRequestContext: InitializableFromSource {
    /// Closes the connection the request came on, without answering.
    let closeConnection: @Sendable () async -> Void

    init(source: ApplicationRequestContextSource) {
        let channel = source.channel
        closeConnection = { try? await channel.close() }
    }
}
