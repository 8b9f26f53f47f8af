import JSONRPC
import MCP

/// Why an MCP operation failed, in one line naming the server and the method.
public struct MCPClientError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The process or connection failed; see `TransportError.Kind`.
        case transport(TransportError.Kind)
        /// No answer within the request's limit; `notifications/cancelled` was sent.
        case timedOut(Duration)
        /// The caller's Task was cancelled; `notifications/cancelled` was sent.
        case cancelled
        /// The server answered with a JSON-RPC error.
        case server(code: Int)
        /// The server's answer does not fit the protocol.
        case protocolViolation
        /// The server negotiated a protocol version this client does not speak.
        case unsupportedVersion(String)
        /// Used before `connect()` or after `close()`.
        case notConnected
    }

    public var kind: Kind
    public var server: String
    /// The JSON-RPC method, when the failure belongs to one request.
    public var method: String?
    public var message: String
    /// True when the request never reached the server (safe to retry even with side effects).
    public var requestWasNotSent: Bool
    /// The `data` of the server's JSON-RPC error, when it sent one (e.g. -32022's versions).
    public var data: Value?

    public init(_ kind: Kind, server: String, method: String? = nil, _ message: String, requestWasNotSent: Bool = false, data: Value? = nil) {
        self.kind = kind
        self.server = server
        self.method = method
        self.message = message
        self.requestWasNotSent = requestWasNotSent
        self.data = data
    }

    init(_ error: TransportError, method: String?) {
        self.init(.transport(error.kind), server: error.server, method: method, error.message, requestWasNotSent: error.requestWasNotSent)
    }

    public var description: String {
        if let method { return "server '\(server)': \(method): \(message)" }
        return "server '\(server)': \(message)"
    }

    /// True for failures of the connection itself rather than of one request's content.
    public var isConnectionFailure: Bool {
        switch kind {
        case .transport, .notConnected: return true
        default: return false
        }
    }
}

/// Seconds for messages: "30 s", "0.5 s".
func describe(_ duration: Duration) -> String {
    let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    if seconds == seconds.rounded() { return "\(Int(seconds)) s" }
    return "\((seconds * 1000).rounded() / 1000) s"
}

extension MCPClientError {
    /// True when a `resources/read` found no such resource: -32602 since 2026-07-28, -32002
    /// from older servers (both are read the same way).
    public var isResourceNotFound: Bool {
        switch kind {
        case .server(code: JSONRPCErrorObject.resourceNotFound): return true
        case .server(code: JSONRPCErrorObject.invalidParams): return method == "resources/read"
        default: return false
        }
    }
}

extension MCPClientError.Kind {
    /// True for a JSON-RPC error the server sent.
    public var isServerError: Bool {
        if case .server = self { return true }
        return false
    }
}
