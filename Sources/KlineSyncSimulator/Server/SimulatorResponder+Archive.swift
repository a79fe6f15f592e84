import Hummingbird

extension SimulatorResponder {
    static let archiveContentTypes: [SimulatorArchive.Answer.Kind: String] = [
        .zip: "application/zip", .checksum: "binary/octet-stream", .notFound: "application/xml",
    ]

    /// Answers a request under `/data/` from the archive: no weight, no rate limit, the configured latency.
    func archiveResponse(path: String) async throws -> Response {
        let config = engine.configuration
        var millis = config.latencyMillis
        if config.jitterMillis > 0 {
            let h = Hashing.mix(config.seed ^ 0xA4C_41FE, Int64(archive.counters.requests))
            millis += Int(h % UInt64(config.jitterMillis + 1))
        }
        if millis > 0 { try await Task.sleep(for: .milliseconds(millis)) }
        let answer = try await archive.answer(path: path, now: engine.state.now)
        var headers: HTTPFields = [.contentType: Self.archiveContentTypes[answer.kind]!]
        headers[.contentLength] = String(answer.body.readableBytes)
        return Response(
            status: HTTPResponse.Status(code: answer.status), headers: headers,
            body: ResponseBody(byteBuffer: answer.body))
    }
}
