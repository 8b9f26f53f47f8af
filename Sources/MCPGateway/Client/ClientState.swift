import JSONRPC
import MCP

/// Everything an `MCPClient` tracks, kept under one lock.
struct ClientState {
    enum Phase: Equatable {
        case idle, connecting, ready, closed
    }

    struct PendingRequest {
        let method: String
        let waiter: ResponseWaiter
        let progress: MCPProgressHandler?
        /// Where the server's requests to us go while this one is pending.
        let relay: (any ServerRequestRelay)?
    }

    var phase = Phase.idle
    var transport: (any MCPTransport)?
    var transportName: String?
    var closeReason: TransportError?
    /// From `initialize`, or built from `server/discover` for a 2026-07-28 server.
    var initializeResult: Initialize.Result?
    /// Set for a 2026-07-28 server: the `_meta` members every request carries.
    var envelope: RequestEnvelope?
    /// The `x-mcp-header` parameters of the listed tools that have any (2026-07-28 HTTP).
    var toolHeaders: [String: ToolHeaderParameters] = [:]
    /// The `subscriptions/listen` stream (2026-07-28), while it runs.
    var subscription: Task<Void, Never>?
    /// When cached lists of a 2026-07-28 server go stale.
    var freshness = ListFreshness()
    var resourceUpdateHandlers: [@Sendable (String) -> Void] = []
    var nextID = 1
    var pending: [JSONRPCID: PendingRequest] = [:]
    var tools: [Tool]?
    var resources: [Resource]?
    var prompts: [Prompt]?
    var listChangedHandlers: [@Sendable (MCPListKind) -> Void] = []
    var logHandlers: [@Sendable (Value) -> Void] = []

    /// A cached list, when it may still be served: older revisions announce every change, so
    /// until then; 2026-07-28 by ``ListFreshness``.
    func servable<T>(_ list: T?, _ kind: MCPListKind) -> T? {
        guard let list else { return nil }
        return envelope == nil || freshness.isFresh(kind) ? list : nil
    }

    /// Registers a request and returns its id, or nil when the client cannot send now.
    mutating func register(method: String, waiter: ResponseWaiter, progress: MCPProgressHandler?, allowedBeforeReady: Bool) -> (JSONRPCID, any MCPTransport)? {
        guard let transport, phase == .ready || (allowedBeforeReady && phase == .connecting) else { return nil }
        let id = JSONRPCID.int(nextID)
        nextID += 1
        pending[id] = PendingRequest(method: method, waiter: waiter, progress: progress, relay: ServerRequestRelays.current)
        return (id, transport)
    }

    /// The waiter for a response to `id`, removed from the table.
    mutating func complete(_ id: JSONRPCID) -> PendingRequest? {
        pending.removeValue(forKey: id)
    }

    /// The connection ended: every pending request fails with the transport's reason.
    mutating func closed(_ reason: TransportError?) -> [ResponseWaiter] {
        if phase != .closed { closeReason = reason }
        phase = .closed
        let waiters = pending.values.map(\.waiter)
        pending.removeAll()
        return waiters
    }
}
