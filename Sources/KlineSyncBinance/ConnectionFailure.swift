import AsyncHTTPClient

/// A request that got no HTTP answer, told in the project's words instead of the HTTP stack's error text.
///
/// Thrown as is when the client's very first request cannot reach the exchange (nothing was ever answered, so the
/// likely cause is the manifest's `base_url` or the network, and retrying only delays the message); later in a run
/// the same failures are retried (the exchange may be restarting) and end as `ExchangeError.transport`.
public struct ConnectionFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong on the way to the exchange.
    public enum Kind: String, Sendable, Hashable {
        /// Nothing listens on the host and port (ECONNREFUSED).
        case refused = "connection refused"
        /// The host name does not resolve.
        case hostNotFound = "host name not found"
        /// The TLS handshake failed (wrong scheme, certificate, or a proxy in the way).
        case tls = "TLS handshake failed"
        /// No connection within the connect timeout.
        case connectTimeout = "no connection within the connect timeout"
        /// Connected, but no answer within the request timeout.
        case answerTimeout = "no answer within the request timeout"
        /// No route to the host, or the network is down.
        case unreachable = "network unreachable"
        /// The connection was reset or closed before an answer.
        case reset = "connection closed before an answer"
        /// Another failure of the HTTP client (its short name is kept in `detail`).
        case other = "transport failure"
    }

    /// What went wrong.
    public var kind: Kind
    /// The base URL the client was connecting to.
    public var url: String
    /// The HTTP client's short name for an `.other` failure, else empty.
    public var detail: String

    /// Classifies an error thrown by the HTTP client for a request to `url`.
    public init(_ error: any Error, url: String) {
        self.url = url
        detail = ""
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: kind = .connectTimeout
            case .readTimeout, .deadlineExceeded, .getConnectionFromPoolTimeout: kind = .answerTimeout
            case .tlsHandshakeTimeout: kind = .tls
            case .remoteConnectionClosed: kind = .reset
            default:
                kind = .other
                detail = error.shortDescription
            }
            return
        }
        kind = Self.kind(ofText: "\(error)", type: String(reflecting: type(of: error)))
    }

    /// The kind of a NIO error (IOError, NIOConnectionError, NIOSSLError, …), which this module does not import:
    /// told by its errno or its type name.
    static func kind(ofText text: String, type: String) -> Kind {
        if type.contains("SSL") || text.contains("handshakeFailed") || text.contains("SSL") { return .tls }
        if text.contains("DNS error") || text.contains("SocketAddressError") { return .hostNotFound }
        if text.contains("errno: 111)") { return .refused }
        if text.contains("errno: 110)") { return .connectTimeout }
        if text.contains("errno: 101)") || text.contains("errno: 113)") { return .unreachable }
        if text.contains("errno: 104)") || text.contains("errno: 32)") { return .reset }
        return .other
    }

    /// Whether a first request failing this way should stop the run at once (the exchange was never reached).
    public var isFatalBeforeFirstAnswer: Bool { kind != .reset && kind != .other }

    /// The short phrase for messages: `connection refused`, `host name not found`, ….
    public var phrase: String { detail.isEmpty ? kind.rawValue : "\(kind.rawValue): \(detail)" }

    /// What to check.
    var hint: String {
        switch kind {
        case .refused, .hostNotFound: "is base_url right?"
        case .tls: "does base_url use the right scheme (https:// or http://), and is the certificate trusted?"
        case .connectTimeout, .answerTimeout, .unreachable: "is base_url right, and is the network up?"
        case .reset, .other: "is base_url right? retry later if the exchange is restarting"
        }
    }

    public var description: String { "cannot connect to \(url) (\(phrase)): \(hint)" }
}
