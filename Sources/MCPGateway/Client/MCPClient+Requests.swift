import EventLoops
import Foundation
import JSONRPC
import MCP
import Tracing

/// What a request carries besides its method and params.
struct RequestExtras: Sendable {
    /// `Mcp-Name` over 2026-07-28 HTTP: the tool's or prompt's name, the resource's URI.
    var name: String?
    /// `Mcp-Param-*` headers, already encoded.
    var paramHeaders: [(String, String)] = []
    /// Top-level params members (a multi-round-trip retry's answers).
    var members: [UInt8] = []
    /// The envelope to send instead of the connection's: the version probe's.
    var envelope: RequestEnvelope?
    /// No deadline: a subscription stream, which lasts as long as the connection.
    var unbounded = false
    /// The tool call's arguments as JSON, for its span (only with ``MCPClientOptions/tracesArguments``).
    var tracedArguments: String?
}

extension MCPClient {
    /// The methods whose result may be `input_required` (2026-07-28).
    static let multiRoundMethods: Set<String> = ["tools/call", "prompts/get", "resources/read"]

    /// Sends a request and decodes its result, within `timeout` (the server's `timeout` by default).
    ///
    /// On timeout or Task cancellation the server is told (stdio: `notifications/cancelled`;
    /// 2026-07-28 HTTP: the stream is closed). An expired HTTP session (404) is re-initialized
    /// once and the request retried. An `input_required` result is answered and the request
    /// sent again with the answers, up to ``InputRequired/roundLimit`` rounds.
    func request<P: Encodable, R: Decodable>(
        _ method: String, params: P?, timeout: Duration? = nil, allowedBeforeReady: Bool = false, extras: RequestExtras = .init()
    ) async throws -> R {
        try await request(method, timeout: timeout, allowedBeforeReady: allowedBeforeReady, extras: extras) { _ in params }
    }

    /// As above, with params built from the request id (a progress token reuses the id).
    func request<P: Encodable, R: Decodable>(
        _ method: String, timeout: Duration? = nil, progress: MCPProgressHandler? = nil,
        allowedBeforeReady: Bool = false, extras: RequestExtras = .init(), params: (JSONRPCID) -> P?
    ) async throws -> R {
        let message = try await completedResponse(
            method, timeout: timeout, progress: progress, allowedBeforeReady: allowedBeforeReady, extras: extras, params: params)
        do {
            return try message.result(as: R.self)
        } catch {
            throw MCPClientError(.protocolViolation, server: name, method: method, "\(error)")
        }
    }

    /// The response whose result is complete, after as many input rounds as the server needed.
    ///
    /// `renewHeaders`: when the server says -32020 (its tool's `x-mcp-header` parameters changed),
    /// the headers to send instead; the same round goes again once, so answers already given
    /// (a person's form) are sent, not asked again.
    func completedResponse<P: Encodable>(
        _ method: String, timeout: Duration? = nil, progress: MCPProgressHandler? = nil,
        allowedBeforeReady: Bool = false, extras: RequestExtras = .init(),
        renewHeaders: (() async throws -> [(String, String)])? = nil, params: (JSONRPCID) -> P?
    ) async throws -> JSONRPCMessage {
        let original = extras.members
        var extras = extras
        var round = 1
        var renewed = false
        var restarted = false
        while true {
            let message: JSONRPCMessage
            do {
                message = try await requestRetryingSession(
                    method, params: params, timeout: timeout, progress: progress, allowedBeforeReady: allowedBeforeReady, extras: extras)
            } catch let error as MCPClientError where error.kind == .server(code: JSONRPCErrorObject.headerMismatch) && !renewed && renewHeaders != nil {
                renewed = true
                extras.paramHeaders = try await renewHeaders?() ?? []
                continue
            } catch let error as MCPClientError where round > 1 && !restarted && InputRequired.isStaleState(error) {
                // The server no longer takes the state it handed out (it expired while a person
                // answered, or it restarted): the call starts over, once.
                restarted = true
                extras.members = original
                round = 1
                continue
            }
            let result = message.members.map { $0["result"] } ?? (try? message.result(as: Value.self))
            switch InputRequired.kind(of: result) {
            case .complete:
                return message
            case .task:
                guard method == "tools/call" else {
                    throw MCPClientError(.protocolViolation, server: name, method: method, "answered with a task, which only tools/call may")
                }
                return message
            case .inputRequired(let input):
                guard Self.multiRoundMethods.contains(method) else {
                    throw MCPClientError(.protocolViolation, server: name, method: method, "asked for input, which only tools/call, prompts/get and resources/read may")
                }
                guard round < InputRequired.roundLimit else {
                    throw MCPClientError(.protocolViolation, server: name, method: method, "still asked for input after \(round) rounds; lmg gave up")
                }
                if input.requests.isEmpty {
                    // State only (the server sheds load): back off a little before asking again.
                    try await Task.sleep(for: .milliseconds(min(250, 50 << (round - 1))))
                }
                extras.members = input.retryMembers(answers: try await answers(to: input, during: method))
                round += 1
            case .unknown(let type):
                throw MCPClientError(.protocolViolation, server: name, method: method, "answered with resultType '\(type)', which lmg does not know")
            case .malformed(let why):
                throw MCPClientError(.protocolViolation, server: name, method: method, why)
            }
        }
    }

    private func requestRetryingSession<P: Encodable>(
        _ method: String, params: (JSONRPCID) -> P?, timeout: Duration?, progress: MCPProgressHandler?, allowedBeforeReady: Bool, extras: RequestExtras
    ) async throws -> JSONRPCMessage {
        do {
            return try await requestOnce(method, params: params, timeout: timeout, progress: progress, allowedBeforeReady: allowedBeforeReady, extras: extras)
        } catch let error as MCPClientError where error.kind == .transport(.sessionExpired) && !allowedBeforeReady {
            try await reinitialize()
            return try await requestOnce(method, params: params, timeout: timeout, progress: progress, allowedBeforeReady: false, extras: extras)
        }
    }

    /// One exchange, sent with `trace` (the caller's trace context) in `_meta` and, over HTTP,
    /// as headers; `span` gets the request's size.
    func exchangeOnce<P: Encodable>(
        _ method: String, params: (JSONRPCID) -> P?, timeout: Duration?, progress: MCPProgressHandler?, allowedBeforeReady: Bool, extras: RequestExtras,
        trace: [(String, String)], span: (any Span)?
    ) async throws -> JSONRPCMessage {
        let waiter = ResponseWaiter()
        let limit = config.requestLimit(for: method, override: timeout)
        guard let (id, transport, envelope) = state.withLock({ state in
            state.register(method: method, waiter: waiter, progress: progress, allowedBeforeReady: allowedBeforeReady, limit: extras.unbounded ? nil : limit)
                .map { ($0.0, $0.1, extras.envelope ?? state.envelope) }
        }) else {
            throw notConnectedError(method: method)
        }
        let data: Data
        do {
            var additions = JSONRPCCoding.ParamsAdditions(meta: envelope?.members ?? [], members: extras.members)
            if progress != nil {
                var writer = JSONWriter()
                if !additions.meta.isEmpty { writer.raw(",") }
                writer.raw(#""progressToken":"#)
                writer.id(id)
                additions.meta += writer.bytes
            }
            for (key, value) in trace {
                var writer = JSONWriter()
                if !additions.meta.isEmpty { writer.raw(",") }
                writer.string(key)
                writer.raw(":")
                writer.string(value)
                additions.meta += writer.bytes
            }
            data = try JSONRPCCoding.request(id: id, method: method, params: params(id), adding: additions)
        } catch {
            _ = state.withLock { $0.complete(id) }
            throw MCPClientError(.protocolViolation, server: name, method: method, "could not encode the request: \(error)", requestWasNotSent: true)
        }
        span?.attributes["lmg.mcp.request.size"] = data.count
        let headers = transport.exchangeCarriesResponse ? Self.headers(for: method, envelope: envelope, extras: extras) + trace : []
        let timer = extras.unbounded ? nil : DeadlineScheduler.shared.schedule(after: limit) { [weak self] in
            self?.limitReached(id, method: method, limit: limit)
        }
        defer { if let timer { DeadlineScheduler.shared.cancel(timer) } }

        let message: JSONRPCMessage = try await withTaskCancellationHandler {
            if transport.exchangeCarriesResponse {
                // HTTP: the answer comes back on this POST; send and wait side by side. A child
                // task (not `Task {}`) keeps the caller's executor preference; once the answer is
                // in, whatever is left of the exchange is cancelled, which closes its stream.
                return try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        do {
                            try await transport.send(data, expecting: id, headers: headers)
                            // The exchange is over; a request still waiting got no answer on it
                            // (a 202, an empty body) and never will.
                            self.abandon(id, error: MCPClientError(
                                .protocolViolation, server: self.name, method: method,
                                "the server's HTTP answer carried no response to this request"), notifyServer: false)
                        } catch {
                            self.abandon(id, error: self.clientError(error, method: method), notifyServer: false)
                        }
                    }
                    defer { group.cancelAll() }
                    return try await waiter.wait()
                }
            }
            do {
                try await transport.send(data, expecting: id)
            } catch {
                abandon(id, error: clientError(error, method: method), notifyServer: false)
            }
            return try await waiter.wait()
        } onCancel: { [weak self] in
            self?.abandon(id, error: MCPClientError(.cancelled, server: self?.name ?? "", method: method, "cancelled"), notifyServer: true)
        }
        switch message.kind {
        case .response:
            return message
        case .errorResponse(_, let error):
            throw MCPClientError(.server(code: error.code), server: name, method: method, error.message, data: error.data)
        default:
            throw MCPClientError(.protocolViolation, server: name, method: method, "expected a response")
        }
    }

    /// A request's limit ran out: it fails now, unless a question the server asked during it is
    /// being answered, in which case it gets a fresh limit once that answer is sent.
    func limitReached(_ id: JSONRPCID, method: String, limit: Duration) {
        guard state.withLock({ $0.deadlineReached(id) }) else { return }
        abandon(id, error: MCPClientError(.timedOut(limit), server: name, method: method, "no answer within \(describe(limit))"), notifyServer: true)
    }

    /// The 2026-07-28 HTTP headers of one request; none for older revisions.
    static func headers(for method: String, envelope: RequestEnvelope?, extras: RequestExtras) -> [(String, String)] {
        guard let envelope else { return [] }
        var headers = [("MCP-Protocol-Version", envelope.version), ("Mcp-Method", method)]
        if let target = extras.name { headers.append(("Mcp-Name", MCPHeaderValue.encode(target))) }
        return headers + extras.paramHeaders
    }

    /// Fails a pending request now (timeout, cancellation, send failure) and, when it may have
    /// reached the server, tells the server to stop working on it: `notifications/cancelled`,
    /// except over 2026-07-28 HTTP, where closing the request's stream says it.
    func abandon(_ id: JSONRPCID, error: any Error, notifyServer: Bool) {
        guard let (pending, closesStream) = state.withLock({ state in
            state.complete(id).map { ($0, state.envelope != nil && state.transport?.exchangeCarriesResponse == true) }
        }) else { return }
        pending.waiter.resume(.failure(error))
        guard notifyServer, !closesStream, pending.method != "initialize", pending.method != "server/discover" else { return }
        let reason = (error as? MCPClientError).map { $0.kind == .cancelled ? "cancelled by the client" : $0.message }
        Task { try? await self.notify("notifications/cancelled", params: CancelledParams(requestId: id, reason: reason)) }
    }

    /// Sends a notification (no answer expected).
    func notify<P: Encodable>(_ method: String, params: P?) async throws {
        guard let transport = state.withLock({ $0.transport }) else { throw notConnectedError(method: method) }
        let data = try JSONRPCCoding.notification(method: method, params: params)
        do {
            try await transport.send(data, expecting: nil)
        } catch {
            throw clientError(error, method: method)
        }
    }

    func clientError(_ error: any Error, method: String) -> any Error {
        switch error {
        case let error as MCPClientError: return error
        case let error as TransportError: return MCPClientError(error, method: method)
        case is CancellationError: return MCPClientError(.cancelled, server: name, method: method, "cancelled")
        default: return MCPClientError(.transport(.connectFailed), server: name, method: method, "\(error)")
        }
    }

    func notConnectedError(method: String) -> MCPClientError {
        let reason = state.withLock { $0.closeReason }
        if let reason { return MCPClientError(reason, method: method) }
        return MCPClientError(.notConnected, server: name, method: method, "not connected", requestWasNotSent: true)
    }

    /// Re-runs initialize on the same transport after the server dropped our HTTP session.
    /// Concurrent callers share one handshake.
    func reinitialize() async throws {
        let task: Task<Void, any Error> = reinitializeGate.withLock { gate in
            if let running = gate { return running }
            // Shared by every caller and outliving this one: no caller's forwarded headers.
            let task = ForwardedHeaders.$current.withValue([:]) { Task { [self] in
                defer { reinitializeGate.withLock { $0 = nil } }
                guard let transport = state.withLock({ $0.transport }) else { throw notConnectedError(method: "initialize") }
                await transport.resetSession()
                let version = state.withLock { state in
                    state.phase = .connecting
                    return state.initializeResult?.protocolVersion
                }
                do {
                    try await initialize(on: transport, version: version ?? ProtocolNegotiation.legacyVersions[0])
                } catch {
                    state.withLock { $0.phase = .ready }
                    throw error
                }
            } }
            gate = task
            return task
        }
        try await task.value
    }
}
