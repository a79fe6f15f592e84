import Hummingbird

extension SimulatorResponder {
    /// Thrown to make Hummingbird drop a connection mid-response.
    struct InjectedFault: Error {}

    /// Answers a request with a scripted fault (latency faults are handled as delays before this).
    func faulty(
        _ fault: Fault, endpoint: Endpoint, parameters: [Substring: Substring], admission: SimulatorState.Admission,
        used: Int, context: Context
    ) async throws -> Response {
        switch fault {
        case .serverError(let status):
            engine.state.record(status: status)
            return Self.response(APIError.server(status), used: used)
        case .reset:
            engine.state.record(status: 0)
            await context.closeConnection()
            throw InjectedFault()
        case .malformedRow(let kind):
            return serve(endpoint, parameters: parameters, now: admission.now, used: used, malformed: kind)
        case .truncated:
            let answer = answer(endpoint, parameters: parameters, now: admission.now, malformed: nil)
            engine.state.record(status: answer.status)
            let part = ByteBuffer(bytes: answer.body.prefix(answer.body.count / 2))
            let body = ResponseBody(contentLength: answer.body.count) { writer in
                try await writer.write(part)
                throw InjectedFault()
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status),
                headers: Self.headers(used: used, contentLength: answer.body.count), body: body)
        case .slowBody(let millis):
            let answer = answer(endpoint, parameters: parameters, now: admission.now, malformed: nil)
            engine.state.record(status: answer.status, bars: answer.rows)
            let pieces = 10
            let size = max(1, (answer.body.count + pieces - 1) / pieces)
            let chunks = stride(from: 0, to: answer.body.count, by: size).map {
                ByteBuffer(bytes: answer.body[$0..<min($0 + size, answer.body.count)])
            }
            let pause = max(1, millis / max(1, chunks.count))
            let body = ResponseBody(contentLength: answer.body.count) { writer in
                for chunk in chunks {
                    try await Task.sleep(for: .milliseconds(pause))
                    try await writer.write(chunk)
                }
                try await writer.finish(nil)
            }
            return Response(
                status: HTTPResponse.Status(code: answer.status),
                headers: Self.headers(used: used, contentLength: answer.body.count), body: body)
        case .latency:
            return serve(endpoint, parameters: parameters, now: admission.now, used: used, malformed: nil)
        }
    }
}
