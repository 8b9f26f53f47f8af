import Foundation
import JSONRPC

/// Where a transport delivers what the server sends, in arrival order.
public struct TransportHandlers: Sendable {
    /// One JSON-RPC message (a single object; batches are split before delivery).
    public var onMessage: @Sendable (Data) -> Void
    /// The connection ended: nil when we closed it, else why.
    public var onClose: @Sendable (TransportError?) -> Void

    public init(onMessage: @escaping @Sendable (Data) -> Void, onClose: @escaping @Sendable (TransportError?) -> Void) {
        self.onMessage = onMessage
        self.onClose = onClose
    }
}

extension TransportHandlers {
    /// Delivers one JSON text from the server (an HTTP body, a WebSocket frame): one message, or
    /// each element of a batch.
    func deliver(json body: Data, server: String) throws {
        guard let first = body.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else { return }
        if first == UInt8(ascii: "[") {
            guard let items = try? JSONSerialization.jsonObject(with: body) as? [Any] else {
                throw TransportError(.protocolViolation, server: server, "the server sent a malformed JSON batch")
            }
            for item in items {
                onMessage(try JSONSerialization.data(withJSONObject: item))
            }
        } else {
            onMessage(body)
        }
    }
}

/// A channel carrying JSON-RPC messages between `MCPClient` and one server.
///
/// Transports know framing and connection lifecycle, nothing of MCP methods. Implementations:
/// `StdioTransport`, `StreamableHTTPTransport`, `LegacySSETransport`, `WebSocketTransport`.
public protocol MCPTransport: AnyObject, Sendable {
    /// True when the answer to a request comes back on the exchange that sent it (an HTTP POST),
    /// so `send` should run concurrently with waiting; false when it arrives on a separate channel.
    var exchangeCarriesResponse: Bool { get }

    /// Connects (spawns, opens streams) and starts delivering inbound messages to `handlers`.
    func start(_ handlers: TransportHandlers) async throws

    /// Sends one message. When `expecting` names a request id and the exchange carries the response,
    /// returns once that response was delivered, and throws if the exchange ended without it.
    func send(_ message: Data, expecting: JSONRPCID?) async throws

    /// As above, with headers for this message alone (2026-07-28 HTTP: `Mcp-Method`, `Mcp-Name`,
    /// `Mcp-Param-*`, `MCP-Protocol-Version`); transports without headers ignore them.
    func send(_ message: Data, expecting: JSONRPCID?, headers: [(String, String)]) async throws

    /// Called once initialize succeeded: HTTP transports send it as `MCP-Protocol-Version`,
    /// and may now open streams that need the session (e.g. the Streamable HTTP GET stream).
    func didInitialize(protocolVersion: String) async

    /// Forgets a session the server ended, before re-initializing.
    func resetSession() async

    /// Closes and releases everything; idempotent.
    func close() async
}

extension MCPTransport {
    public func send(_ message: Data, expecting: JSONRPCID?, headers: [(String, String)]) async throws {
        try await send(message, expecting: expecting)
    }
    public func didInitialize(protocolVersion: String) async {}
    public func resetSession() async {}
}
