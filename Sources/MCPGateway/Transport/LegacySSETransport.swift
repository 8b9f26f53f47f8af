import CurlHTTP
import Foundation
import JSONRPC
import Locking

/// The 2024-11-05 HTTP+SSE transport: a GET event stream that first names a POST endpoint, then
/// carries every server message; client messages are POSTed to that endpoint.
public final class LegacySSETransport: MCPTransport {
    public let server: String
    public let url: String
    let support: HTTPTransportSupport
    private let state = Locked(State())

    struct State {
        var endpoint: String?
        var reader: Task<Void, Never>?
        var closed = false
    }

    public var exchangeCarriesResponse: Bool { false }

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
        let response = try await support.execute {
            let headers = try await support.headers(accept: "text/event-stream", url: url)
            return HTTPRequest(method: "GET", url: url, headers: headers, body: nil, timeouts: support.timeouts)
        }
        guard response.status == 200 else { throw await support.statusError(response, url: url) }
        guard response.headers["Content-Type"]?.lowercased().hasPrefix("text/event-stream") == true else {
            throw TransportError(.protocolViolation, server: server, "\(url) did not answer with an event stream")
        }
        let (endpointStream, endpointContinuation) = AsyncStream.makeStream(of: String?.self)
        let base = url
        let server = server
        let reader = Task { [self] in
            var announced = false
            var failure: TransportError?
            do {
                for try await event in response.body.sseEvents() {
                    if event.event == "endpoint" && !announced {
                        announced = true
                        endpointContinuation.yield(event.data.trimmingCharacters(in: .whitespacesAndNewlines))
                        endpointContinuation.finish()
                    } else if event.event == "message", !event.data.isEmpty {
                        handlers.onMessage(Data(event.data.utf8))
                    }
                }
                failure = TransportError(.protocolViolation, server: server, "the server closed its event stream")
            } catch let error as HTTPClientError {
                failure = support.map(error)
            } catch {
                failure = TransportError(.closed, server: server, "\(error)")
            }
            endpointContinuation.finish()
            let closedByUs = state.withLock { $0.closed }
            handlers.onClose(closedByUs ? nil : failure)
        }
        state.withLock { $0.reader = reader }
        var endpoint: String?
        for await value in endpointStream {
            endpoint = value
            break
        }
        guard let endpoint, let resolved = URL(string: endpoint, relativeTo: URL(string: base))?.absoluteString else {
            reader.cancel()
            throw TransportError(.protocolViolation, server: server, "the event stream at \(base) sent no endpoint event")
        }
        // The POST URL gets our headers and credentials: it must be the stream's own origin, or a
        // server could send them (and lmg's requests) anywhere.
        guard Self.sameOrigin(resolved, base) else {
            reader.cancel()
            throw TransportError(.protocolViolation, server: server, "the event stream at \(base) named an endpoint on another origin; refused")
        }
        state.withLock { $0.endpoint = resolved }
    }

    /// Same scheme, host and port (the scheme's default when absent).
    static func sameOrigin(_ a: String, _ b: String) -> Bool {
        guard let a = URLComponents(string: a), let b = URLComponents(string: b) else { return false }
        func port(_ url: URLComponents) -> Int? { url.port ?? (url.scheme?.lowercased() == "https" ? 443 : url.scheme?.lowercased() == "http" ? 80 : nil) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && port(a) == port(b) && port(a) != nil
    }

    public func send(_ message: Data, expecting: JSONRPCID?) async throws {
        guard let endpoint = state.withLock({ $0.closed ? nil : $0.endpoint }) else {
            throw TransportError(.closed, server: server, "the server connection is closed", requestWasNotSent: true)
        }
        let response = try await support.execute {
            var headers = try await support.headers(accept: "application/json, text/event-stream", url: endpoint, forwarding: true)
            headers.replaceOrAdd(name: "Content-Type", value: "application/json")
            return HTTPRequest(method: "POST", url: endpoint, headers: headers, body: message, timeouts: support.timeouts)
        }
        guard (200..<300).contains(response.status) else { throw await support.statusError(response, url: endpoint) }
        _ = try? await response.body.collect(upTo: 1 << 20)
    }

    public func close() async {
        let reader = state.withLock { state in
            state.closed = true
            return state.reader
        }
        reader?.cancel()
    }
}
