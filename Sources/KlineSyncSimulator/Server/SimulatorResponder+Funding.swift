import Hummingbird

extension SimulatorResponder {
    /// Answers a USD-M `fundingRate` or `fundingInfo` request: counted against the funding-history limit (500 per
    /// five minutes by default, ``SimulatorConfiguration/fundingRequestLimit``), not against request weight; past
    /// it, 429 with `Retry-After`. Scripted and random faults do not apply.
    func fundingHistory(_ endpoint: Endpoint, parameters: [Substring: Substring]) -> Response {
        let admission = engine.state.admitFunding()
        switch admission.decision {
        case .allowed:
            return serve(
                endpoint, parameters: parameters, now: admission.now, used: admission.usedWeight, malformed: nil)
        case .limited(_, let retryAfter):
            engine.state.record(status: 429)
            let error = APIError(
                status: 429, code: -1003,
                message: "Too many requests; current limit of IP(127.0.0.1) is "
                    + "\(engine.configuration.fundingRequestLimit) requests per 5 MINUTE for funding rate history.")
            return Self.response(error, used: admission.usedWeight, retryAfter: retryAfter)
        }
    }
}
