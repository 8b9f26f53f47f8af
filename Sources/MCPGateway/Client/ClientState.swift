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
        /// The request's limit, given again when a question the server asked meanwhile is answered.
        var limit: Duration?
        /// Server requests tied to this one that someone is answering (a form, a sampling): the
        /// limit does not run out meanwhile, since the server waits on us.
        var answering = 0
        /// The limit passed while answering; a fresh one starts when the answering ends.
        var deadlinePassed = false
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
    /// 2025-11-25: the server takes task-augmented `tools/call` (`tasks.requests.tools.call`).
    var callsToolsAsTasks = false
    /// 2025-11-25: the listed tools' `execution.taskSupport`, where they gave one.
    var toolTaskSupport: [String: ToolTask.Support] = [:]
    /// 2025-11-25: a task's progress keeps the token of the `tools/call` that created it,
    /// whose pending entry is gone once the task handle came back.
    var taskProgress: [JSONRPCID: MCPProgressHandler] = [:]
    /// The `subscriptions/listen` stream (2026-07-28), while it runs.
    var subscription: Task<Void, Never>?
    /// Counts the streams opened, so an old one's end cannot touch the new one's state.
    var subscriptionGeneration = 0
    /// When cached lists of a 2026-07-28 server go stale.
    var freshness = ListFreshness()
    /// 2026-07-28 list pages within their own `ttlMs`.
    var pages = PageCache()
    var resourceUpdateHandlers: [@Sendable (String) -> Void] = []
    /// The resources a 2026-07-28 listen stream asks about (`resourceSubscriptions`).
    var resourceSubscriptions: [String] = []
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
    mutating func register(
        method: String, waiter: ResponseWaiter, progress: MCPProgressHandler?, allowedBeforeReady: Bool, limit: Duration? = nil
    ) -> (JSONRPCID, any MCPTransport)? {
        guard let transport, phase == .ready || (allowedBeforeReady && phase == .connecting) else { return nil }
        let id = JSONRPCID.int(nextID)
        nextID += 1
        pending[id] = PendingRequest(method: method, waiter: waiter, progress: progress, relay: ServerRequestRelays.current, limit: limit)
        return (id, transport)
    }

    /// The pending requests a server request belongs to: its related request, else every one
    /// sent for `relay`; each counts one more question being answered.
    mutating func startAnswering(related: JSONRPCID?, relay: any ServerRequestRelay) -> [JSONRPCID] {
        let ids = related.map { pending[$0] == nil ? [] : [$0] } ?? pending.filter { $0.value.relay === relay }.map(\.key)
        for id in ids { pending[id]?.answering += 1 }
        return ids
    }

    /// The answering ended; the requests whose limit passed meanwhile, with the limit to start again.
    mutating func stopAnswering(_ ids: [JSONRPCID]) -> [(JSONRPCID, String, Duration)] {
        var restart: [(JSONRPCID, String, Duration)] = []
        for id in ids {
            guard var request = pending[id] else { continue }
            request.answering -= 1
            if request.answering == 0, request.deadlinePassed, let limit = request.limit {
                request.deadlinePassed = false
                restart.append((id, request.method, limit))
            }
            pending[id] = request
        }
        return restart
    }

    /// The limit ran out: true when the request must fail now, false when a question it is
    /// waiting on is being answered (it gets a fresh limit afterwards).
    mutating func deadlineReached(_ id: JSONRPCID) -> Bool {
        guard var request = pending[id] else { return false }
        guard request.answering > 0 else { return true }
        request.deadlinePassed = true
        pending[id] = request
        return false
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
