import CurlHTTP
import Foundation
import HTTPTypes
import JSONRPC
import Logging
import NIOPosix
import NIOWebSocket
import Locking
import WSClient

/// MCP over a WebSocket (`ws://`, `wss://`; `"type": "ws"`): the `mcp` subprotocol, one JSON-RPC
/// message a text frame, pings to keep the connection alive and to notice a dead one, and the
/// close handshake on ``close()``. Built on swift-websocket's client (NIO); the lifecycle rules
/// live in ``WebSocketLifecycle``.
///
/// Like stdio, answers arrive on the one channel, so requests are sent and their responses
/// matched by id. When the connection drops, the client is told, and the manager's restart
/// policy connects again, as for a process that exited.
public final class WebSocketTransport: MCPTransport {
    public let server: String
    let url: String
    let headers: [HeaderConfig]
    let authorizer: (any RequestAuthorizer)?
    let connectTimeout: Duration
    /// A ping every this long; no pong by the next one closes the connection as dead.
    let pingInterval: Duration
    /// The largest message either way (frames and whole messages).
    let maxMessageBytes: Int

    private typealias Lifecycle = WebSocketLifecycle<WebSocketOutboundWriter, CheckedContinuation<Void, any Error>>
    private let lifecycle = Locked(Lifecycle())
    private let connection = Locked<Task<Void, Never>?>(nil)
    /// The connect time limit; cancelled once `start` is answered.
    private let connectTimer = Locked<Task<Void, Never>?>(nil)
    /// The connection's own event loop, shut down by ``close()``.
    private let group = Locked<MultiThreadedEventLoopGroup?>(nil)

    public var exchangeCarriesResponse: Bool { false }

    public init(
        server: String, url: String, headers: [HeaderConfig] = [], authorizer: (any RequestAuthorizer)? = nil,
        connectTimeout: Duration = .seconds(10), pingInterval: Duration = .seconds(20), maxMessageBytes: Int = 16 << 20
    ) {
        self.server = server
        self.url = url
        self.headers = headers
        self.authorizer = authorizer
        self.connectTimeout = connectTimeout
        self.pingInterval = pingInterval
        self.maxMessageBytes = maxMessageBytes
    }

    public func start(_ handlers: TransportHandlers) async throws {
        guard case .success(let target) = Self.clientURL(url) else {
            throw TransportError(
                .connectFailed, server: server, "\(Redaction.url(url)) is not a ws(s) URL without user info or an IPv6 literal host", requestWasNotSent: true)
        }
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: maxMessageBytes, additionalHeaders: try await upgradeHeaders(), closeTimeout: Self.closeTimeout,
            autoPing: .enabled(timePeriod: pingInterval), validateUTF8: true)
        try await withCheckedThrowingContinuation { (waiter: CheckedContinuation<Void, any Error>) in
            guard lifecycle.withLock({ $0.connecting(waiter) }) else {
                waiter.resume(throwing: Lifecycle.closedByUs(server))
                return
            }
            // A thread of its own, made only once the connection is wanted: a loop left running
            // would keep the process from exiting.
            let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            group.withLock { $0 = loop }
            // The time limit first, so that an opening that is quick still finds it to cancel.
            let timer = Task { [self, connectTimeout] in
                guard (try? await Task.sleep(for: connectTimeout)) != nil else { return }
                let error = TransportError(.timedOut, server: server, "the WebSocket did not open within \(connectTimeout)", requestWasNotSent: true)
                perform(lifecycle.withLock { $0.connectTimedOut(error, server: server) }, handlers)
            }
            connectTimer.withLock { $0 = timer }
            let task = Task { [self] in
                // The client is not Sendable: it is made and run in this task alone.
                let client = WebSocketClient(url: target, configuration: configuration, eventLoopGroup: loop, logger: Self.silent) { [self] inbound, outbound, _ in
                    perform(lifecycle.withLock { $0.opened(outbound, server: server) }, handlers)
                    for try await message in inbound.messages(maxSize: maxMessageBytes) {
                        switch message {
                        case .text(let text): try handlers.deliver(json: Data(text.utf8), server: server)
                        case .binary(let buffer): try handlers.deliver(json: Data(buffer.readableBytesView), server: server)
                        }
                    }
                }
                var failure: TransportError?
                do {
                    failure = closeError(try await client.run())
                } catch let error as TransportError {
                    failure = error
                } catch {
                    failure = describe(error, afterOpening: lifecycle.withLock { $0.hasOpened })
                }
                perform(lifecycle.withLock { $0.ended(failure, server: server) }, handlers)
            }
            connection.withLock { $0 = task }
        }
    }

    public func send(_ message: Data, expecting: JSONRPCID?) async throws {
        guard let writer = lifecycle.withLock({ $0.writer }) else {
            throw TransportError(.closed, server: server, "the WebSocket is not open", requestWasNotSent: true)
        }
        do {
            try await writer.write(.text(String(decoding: message, as: UTF8.self)))
        } catch {
            throw TransportError(.connectFailed, server: server, "cannot write to the WebSocket: \(error)")
        }
    }

    public func close() async {
        perform(lifecycle.withLock { $0.closeAsked() }, nil)
        // The close handshake, then the connection's end, for at most the client's close timeout
        // and a second. The client waits on an upgrade without heeding cancellation, so a server
        // that accepted the connection and never answered is cut off by closing the loop under it.
        if let task = connection.withLock({ $0 }) {
            // Not a task group: one would wait for the connection's task, however long it hangs.
            let answered = Locked(false)
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let once: @Sendable () -> Void = { if answered.withLock({ let first = !$0; $0 = true; return first }) { done.resume() } }
                Task { await task.value; once() }
                Task { try? await Task.sleep(for: Self.closeTimeout + .seconds(1)); once() }
            }
        }
        if let loop = group.withLock({ state -> MultiThreadedEventLoopGroup? in defer { state = nil }; return state }) {
            try? await loop.shutdownGracefully()
        }
    }

    deinit {
        group.withLock { $0 }?.shutdownGracefully { _ in }
    }

    /// How long the close handshake may take before the client drops the connection.
    static let closeTimeout: Duration = .seconds(2)

    /// Why a URL cannot go to the WebSocket client as it is.
    enum URLProblem: Error {
        case notWebSocket, userInfo, ipv6Literal
    }

    /// `url` as the WebSocket client reads it: the scheme lowercased (its TLS choice is
    /// case-sensitive). Refused with user info (its parser would take `user@` for the host, so a
    /// host checked elsewhere would not be the host connected to) or an IPv6 literal (which it
    /// cannot read). The config reader and ``start(_:)`` both ask this.
    static func clientURL(_ url: String) -> Result<String, URLProblem> {
        guard var parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(), scheme == "ws" || scheme == "wss",
              let host = parts.host, !host.isEmpty
        else { return .failure(.notWebSocket) }
        guard parts.user == nil, parts.password == nil else { return .failure(.userInfo) }
        guard !host.contains(":"), !url.contains("[") else { return .failure(.ipv6Literal) }
        parts.scheme = scheme
        return parts.string.map { .success($0) } ?? .failure(.notWebSocket)
    }

    /// Static headers, the subprotocol, then Authorization from the authorizer.
    private func upgradeHeaders() async throws -> HTTPFields {
        var fields = HTTPFields()
        for header in headers {
            guard let name = HTTPField.Name(header.key) else {
                throw TransportError(.connectFailed, server: server, "header '\(header.key)' is not a valid header name", requestWasNotSent: true)
            }
            fields.append(HTTPField(name: name, value: header.value))
        }
        fields[.secWebSocketProtocol] = "mcp"
        if let authorizer {
            do {
                if let value = try await authorizer.authorization(for: url) { fields[.authorization] = value }
            } catch let error as TransportError {
                throw error
            } catch {
                throw TransportError(.unauthorized, server: server, "could not obtain credentials: \(error)", requestWasNotSent: true)
            }
        }
        return fields
    }

    private func perform(_ action: Lifecycle.Action, _ handlers: TransportHandlers?) {
        switch action {
        case .none:
            break
        case .resumeStart(let waiter):
            connectTimer.withLock { $0 }?.cancel()
            waiter.resume()
        case .failStart(let waiter, let error):
            connectTimer.withLock { $0 }?.cancel()
            connection.withLock { $0 }?.cancel()
            waiter.resume(throwing: error)
        case .sendClose(let writer):
            Task { try? await writer.close(.normalClosure, reason: nil) }
        case .failStartAndSendClose(let waiter, let error, let writer):
            connectTimer.withLock { $0 }?.cancel()
            waiter.resume(throwing: error)
            Task { try? await writer.close(.normalClosure, reason: nil) }
        case .reportClose(let error):
            handlers?.onClose(error)
        }
    }

    /// How the connection ended, as an error: nil for a normal closure. No close frame at all
    /// means the connection dropped, or the client gave up on a peer that stopped answering pings.
    private func closeError(_ frame: WebSocketCloseFrame?) -> TransportError? {
        guard let frame else {
            return TransportError(
                .connectFailed, server: server, "the WebSocket connection was lost (it ended without a close frame, or the server stopped answering pings)")
        }
        if frame.closeCode == .normalClosure { return nil }
        let reason = frame.reason.flatMap { $0.isEmpty ? nil : ": \($0)" } ?? ""
        return TransportError(.connectFailed, server: server, "the server closed the WebSocket (\(Self.describe(frame.closeCode))\(reason))")
    }

    /// A one-line error for what the WebSocket client threw. After the opening, a failure may
    /// have come after a request was written: it is not marked as never sent, so a call that may
    /// have run is not sent again.
    private func describe(_ error: any Error, afterOpening: Bool) -> TransportError {
        if afterOpening, !(error is WebSocketClientError), !(error is CancellationError) {
            return TransportError(.connectFailed, server: server, "the WebSocket connection failed: \(error)")
        }
        if let error = error as? WebSocketClientError {
            switch error {
            case .webSocketUpgradeFailed:
                return TransportError(
                    .connectFailed, server: server,
                    "\(Redaction.url(url)) refused the WebSocket upgrade (is it a WebSocket MCP endpoint? does it need credentials?)", requestWasNotSent: true)
            case .invalidURL:
                return TransportError(.connectFailed, server: server, "\(Redaction.url(url)) is not a WebSocket URL", requestWasNotSent: true)
            case .serverSentMessageTooLarge:
                return TransportError(.protocolViolation, server: server, "the server sent a message over \(maxMessageBytes) bytes")
            default:
                return TransportError(.protocolViolation, server: server, "WebSocket: \(error)")
            }
        }
        if error is CancellationError { return Lifecycle.closedByUs(server) }
        return TransportError(.connectFailed, server: server, "cannot connect to \(Redaction.url(url)): \(error)", requestWasNotSent: true)
    }

    static func describe(_ code: WebSocketErrorCode) -> String {
        switch code {
        case .goingAway: "going away"
        case .protocolError: "protocol error"
        case .unacceptableData: "unacceptable data"
        case .dataInconsistentWithMessage: "bad data"
        case .policyViolation: "policy violation"
        case .messageTooLarge: "message too large"
        case .missingExtension: "missing extension"
        case .unexpectedServerError: "server error"
        case .unknown(let value): "code \(value)"
        case .normalClosure: "normal closure"
        }
    }

    /// The client library's own log lines are not ours to print: failures reach the user as errors.
    private static let silent = Logger(label: "lmg.websocket") { _ in SwiftLogNoOpLogHandler() }
}
