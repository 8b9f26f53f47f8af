import CurlHTTP
import Foundation
import JSONRPC
import Locking

/// MCP Streamable HTTP (spec 2025-03-26 and later): one POST per message, answered with JSON or
/// with an SSE stream; a session id; an optional GET stream for messages the server starts.
public final class StreamableHTTPTransport: MCPTransport {
    public let server: String
    public let url: String
    let support: HTTPTransportSupport
    private let state = Locked(State())

    struct State {
        var handlers: TransportHandlers?
        var sessionID: String?
        var protocolVersion: String?
        var listener: Task<Void, Never>?
        var closed = false
    }

    public var exchangeCarriesResponse: Bool { true }

    /// The session id the server issued, if any.
    public var sessionID: String? { state.withLock { $0.sessionID } }

    public init(
        server: String, url: String, headers: [HeaderConfig] = [], forwardHeaders: [String] = [],
        authorizer: (any RequestAuthorizer)? = nil, http: HTTPClient = .shared, connectTimeout: Duration = HTTPTimeouts.connectCap
    ) {
        self.server = server
        self.url = url
        self.support = HTTPTransportSupport(
            server: server, headers: headers, forwardHeaders: forwardHeaders, authorizer: authorizer, http: http,
            timeouts: HTTPTimeouts(connect: connectTimeout, total: nil, idle: nil))
    }

    public func start(_ handlers: TransportHandlers) async throws {
        state.withLock { $0.handlers = handlers }
    }

    private func sessionHeaders() -> [(String, String)] {
        state.withLock { state in
            var extra: [(String, String)] = []
            if let id = state.sessionID { extra.append(("Mcp-Session-Id", id)) }
            if let version = state.protocolVersion { extra.append(("MCP-Protocol-Version", version)) }
            return extra
        }
    }

    public func send(_ message: Data, expecting id: JSONRPCID?) async throws {
        try await send(message, expecting: id, headers: [])
    }

    public func send(_ message: Data, expecting id: JSONRPCID?, headers perMessage: [(String, String)]) async throws {
        guard let handlers = state.withLock({ $0.closed ? nil : $0.handlers }) else {
            throw TransportError(.closed, server: server, "the server connection is closed", requestWasNotSent: true)
        }
        let sentWithSession = state.withLock { $0.sessionID }
        let response = try await support.execute {
            var headers = try await support.headers(
                accept: "application/json, text/event-stream", extra: sessionHeaders() + perMessage, url: url, forwarding: true)
            headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            return HTTPRequest(method: "POST", url: url, headers: headers, body: message, timeouts: support.timeouts)
        }
        // Only an accepted request opens a session: a refused version probe may carry the id of
        // a session its server has already dropped.
        if (200..<300).contains(response.status), let session = response.headers["Mcp-Session-Id"], !session.isEmpty {
            state.withLock { $0.sessionID = session }
        }
        switch response.status {
        case 202:
            return
        case 200..<300:
            break
        case 404 where sentWithSession != nil:
            throw TransportError(.sessionExpired, server: server, "the server ended the session (HTTP 404)", requestWasNotSent: true)
        case 400..<500 where response.status != 401 && response.status != 403:
            // A 2026-07-28 server answers a refused request with its JSON-RPC error in the body
            // (-32022 names its versions, -32020 a header): that answer is the response.
            let body = (try? await response.body.collect(upTo: 1 << 20)) ?? Data()
            if let id, Self.isJSONRPCError(body, to: id, type: response.headers["Content-Type"]) {
                handlers.onMessage(body)
                return
            }
            throw await support.statusError(response, url: url, body: body)
        default:
            throw await support.statusError(response, url: url)
        }
        let type = response.headers["Content-Type"]?.lowercased() ?? ""
        if type.hasPrefix("text/event-stream") {
            try await readEvents(response.body, handlers: handlers, until: id)
        } else if type.hasPrefix("application/json") || type.isEmpty {
            let body: Data
            do {
                body = try await response.body.collect(upTo: 64 << 20)
            } catch let error as HTTPClientError {
                throw support.map(error)
            }
            if body.isEmpty { return }
            try support.deliver(json: body, to: handlers)
        } else {
            throw TransportError(.protocolViolation, server: server, "unexpected Content-Type '\(type)' from \(url)")
        }
    }

    /// True when a refused POST's body is a JSON-RPC error response to `id`.
    static func isJSONRPCError(_ body: Data, to id: JSONRPCID, type: String?) -> Bool {
        guard type?.lowercased().hasPrefix("application/json") == true, let message = try? JSONRPCMessage(body),
              case .errorResponse(let answered?, _) = message.kind
        else { return false }
        return answered == id
    }

    /// Delivers each SSE message; stops at the response to `id`. A stream that ends before that
    /// response is an error, so a cut connection never leaves a caller waiting for its timeout.
    private func readEvents(_ body: HTTPBody, handlers: TransportHandlers, until id: JSONRPCID?) async throws {
        do {
            for try await event in body.sseEvents() where event.event == "message" && !event.data.isEmpty {
                let data = Data(event.data.utf8)
                // A server request on this POST's stream belongs to the request it answers.
                ServerRequestRelays.$relatedRequest.withValue(id) { handlers.onMessage(data) }
                if let id, HTTPTransportSupport.isResponse(data, to: id) { return }
            }
        } catch let error as HTTPClientError {
            throw support.map(error)
        }
        if id != nil {
            throw TransportError(.protocolViolation, server: server, "the server's event stream ended before the response arrived")
        }
    }

    public func didInitialize(protocolVersion: String) async {
        let handlers: TransportHandlers? = state.withLock { state in
            state.protocolVersion = protocolVersion
            return state.closed ? nil : state.handlers
        }
        guard let handlers else { return }
        // The event stream outlives the request that opened it: no caller's forwarded headers.
        let task = ForwardedHeaders.$current.withValue([:]) { Task { [self] in await listen(handlers) } }
        state.withLock { state in
            state.listener?.cancel()
            state.listener = task
        }
    }

    /// The optional GET stream: server requests and notifications outside any POST.
    /// 405 means the server offers none; a dropped stream is resumed with Last-Event-ID.
    private func listen(_ handlers: TransportHandlers) async {
        var lastEventID: String?
        var failures = 0
        while !Task.isCancelled && failures < 5 {
            var retry = Duration.seconds(1)
            do {
                var extra = sessionHeaders()
                if let lastEventID { extra.append(("Last-Event-ID", lastEventID)) }
                let response = try await support.execute {
                    let headers = try await support.headers(accept: "text/event-stream", extra: extra, url: url)
                    return HTTPRequest(method: "GET", url: url, headers: headers, body: nil, timeouts: support.timeouts)
                }
                guard response.status == 200,
                      response.headers["Content-Type"]?.lowercased().hasPrefix("text/event-stream") == true
                else {
                    // 405: no stream on offer. Anything else: not worth hammering the server.
                    return
                }
                failures = 0
                for try await event in response.body.sseEvents() {
                    if let id = event.id { lastEventID = id }
                    if let ms = event.retry { retry = .milliseconds(ms) }
                    if event.event == "message", !event.data.isEmpty { handlers.onMessage(Data(event.data.utf8)) }
                }
            } catch {
                failures += 1
            }
            if Task.isCancelled { return }
            try? await Task.sleep(for: retry)
        }
    }

    public func resetSession() async {
        state.withLock { state in
            state.sessionID = nil
            state.protocolVersion = nil
            state.listener?.cancel()
            state.listener = nil
        }
    }

    public func close() async {
        let (listener, session, wasClosed) = state.withLock { state in
            defer {
                state.closed = true
                state.listener = nil
            }
            return (state.listener, state.sessionID, state.closed)
        }
        listener?.cancel()
        guard !wasClosed, let session else { return }
        // Tell the server the session is over; a server that does not allow it answers 405.
        var headers = HTTPHeaders()
        for header in support.headers { headers.add(name: header.key, value: header.value) }
        headers.replaceOrAdd(name: "Mcp-Session-Id", value: session)
        if let auth = try? await support.authorizer?.authorization(for: url) {
            headers.replaceOrAdd(name: "Authorization", value: auth)
        }
        let request = HTTPRequest(
            method: "DELETE", url: url, headers: headers, body: nil,
            timeouts: HTTPTimeouts(connect: .seconds(2), total: .seconds(3), idle: nil))
        if let response = try? await support.http.execute(request) {
            _ = try? await response.body.collect(upTo: 64 * 1024)
        }
    }
}
