/// A failure below the protocol: the process, the connection or the HTTP exchange.
///
/// `description` is one line meant for the user; it names the server and never holds secrets.
public struct TransportError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// The command could not be started (not found, not executable, bad cwd).
        case spawnFailed
        /// The server process exited; carries its status when known.
        case processExited(status: Int32?)
        /// No connection could be made (refused, DNS, TLS).
        case connectFailed
        /// The server answered with an HTTP status the protocol does not expect.
        case httpStatus(Int)
        /// The HTTP session is gone (404 with a session id): re-initialize.
        case sessionExpired
        /// The server sent bytes that are not MCP (bad JSON, wrong content type, cut stream).
        case protocolViolation
        /// 401 or 403: credentials missing, wrong or expired.
        case unauthorized
        /// Closed by us, or used after close.
        case closed
        /// A timeout inside the transport (connect or idle).
        case timedOut
    }

    public var kind: Kind
    /// The server's name from the config.
    public var server: String
    public var message: String
    /// True when the failure happened before the request could reach the server: safe to retry.
    public var requestWasNotSent: Bool

    public init(_ kind: Kind, server: String, _ message: String, requestWasNotSent: Bool = false) {
        self.kind = kind
        self.server = server
        self.message = message
        self.requestWasNotSent = requestWasNotSent
    }

    public var description: String { "server '\(server)': \(message)" }
}
