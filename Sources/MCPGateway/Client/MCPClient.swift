import EventLoops
import CurlHTTP
import Foundation
import JSONRPC
import Logging
import MCP
import Locking

/// A connection to one MCP server over any transport: initialize, requests with timeouts and
/// cancellation, server-to-client requests, notifications and cached lists.
///
/// Inbound messages are handled on the transport's own thread under a lock, so a response
/// reaches its waiting caller with a single continuation resume: no actor hop on the hot path.
public final class MCPClient: Sendable {
    /// Protocol versions this client speaks, newest first: 2026-07-28 (no session; every
    /// request carries its version) and the revisions negotiated by `initialize`.
    public static let supportedProtocolVersions = ProtocolNegotiation.modernVersions + ProtocolNegotiation.legacyVersions

    /// The entry this client was made from.
    public let config: MCPServerConfig
    let options: MCPClientOptions
    let state: Locked<ClientState>
    /// Where the server's log messages are written, beside a stdio server's stderr.
    let logFile: ServerLogFile
    /// One re-initialization at a time after the HTTP session expired.
    let reinitializeGate = Locked<Task<Void, any Error>?>(nil)

    /// The server's name in the config; every error names it.
    public var name: String { config.name }

    public init(config: MCPServerConfig, options: MCPClientOptions = .init()) {
        self.config = config
        self.options = options
        self.state = Locked(ClientState())
        self.logFile = ServerLogFile(directory: options.logDirectory, server: config.name)
    }

    // MARK: - What initialize told us

    /// The negotiated protocol version, once connected.
    public var protocolVersion: String? { state.withLock { $0.initializeResult?.protocolVersion } }
    /// Which generation of the protocol the connection speaks, once connected.
    public var era: ProtocolEra? {
        state.withLock { state in state.initializeResult == nil ? nil : (state.envelope == nil ? .legacy : .modern) }
    }
    /// The server's name and version from initialize.
    public var serverInfo: Server.Info? { state.withLock { $0.initializeResult?.serverInfo } }
    /// What the server offers (tools, resources, prompts, list_changed).
    public var serverCapabilities: Server.Capabilities? { state.withLock { $0.initializeResult?.capabilities } }
    /// Usage hints the server gave for models.
    public var instructions: String? { state.withLock { $0.initializeResult?.instructions } }
    /// Which transport is in use: "stdio", "http", "sse" (also after a fallback) or "ws".
    public var transportName: String { state.withLock { $0.transportName ?? config.transport.rawValue } }
    /// The stdio server's pid while it runs (nil for HTTP servers).
    public var processID: Int32? { (state.withLock { $0.transport } as? StdioTransport)?.processID }
    /// The executor whose thread reads this server's messages.
    ///
    /// A task running there (`withTaskExecutorPreference(client.preferredExecutor)`) is resumed
    /// by the thread that read its response, with no hand-off to another thread: the lowest
    /// latency for tight loops of calls. Code there must not block, or every server it serves waits.
    public var preferredExecutor: any TaskExecutor {
        config.transport == .stdio ? IOEventLoop.shared : options.http.executor
    }
    /// True between a successful `connect()` and the connection's end.
    public var isConnected: Bool { state.withLock { $0.phase == .ready } }
    /// Why the connection ended, if it did on its own.
    public var closeReason: TransportError? { state.withLock { $0.closeReason } }

    /// Called after a server's `list_changed` notification once the cache is refreshed.
    public func onListChanged(_ handler: @escaping @Sendable (MCPListKind) -> Void) {
        state.withLock { $0.listChangedHandlers.append(handler) }
    }

    /// Called with a resource's URI when the server says it changed (`notifications/resources/updated`).
    public func onResourceUpdated(_ handler: @escaping @Sendable (String) -> Void) {
        state.withLock { $0.resourceUpdateHandlers.append(handler) }
    }

    /// Called with the params of each `notifications/message` (a server's log message), on the
    /// transport's thread: keep it quick.
    public func onLog(_ handler: @escaping @Sendable (Value) -> Void) {
        state.withLock { $0.logHandlers.append(handler) }
    }

    // MARK: - Lifecycle

    /// Starts the transport and performs the initialize handshake.
    ///
    /// A `url` entry without `type` that rejects the Streamable HTTP POST (400, 404 or 405) is
    /// retried over the legacy HTTP+SSE transport, as the spec's compatibility section describes.
    public func connect() async throws {
        // One `timeout` for the whole connect, the fallback to legacy SSE included.
        let deadline = ContinuousClock.now + config.timeout
        do {
            try await connect(using: makeTransport(config.transport))
        } catch let error as MCPClientError where config.fallbackToSSE && Self.suggestsLegacySSE(error) {
            options.logger.debug("falling back to HTTP+SSE", metadata: ["server": "\(name)"])
            await resetForReconnect()
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero else {
                throw MCPClientError(.timedOut(config.timeout), server: name, method: "initialize", "no answer within \(describe(config.timeout))")
            }
            try await connect(using: makeTransport(.sse), limit: remaining)
        }
    }

    static func suggestsLegacySSE(_ error: MCPClientError) -> Bool {
        if case .transport(.httpStatus(let status)) = error.kind { return [400, 404, 405].contains(status) }
        return false
    }

    func makeTransport(_ kind: MCPServerConfig.TransportKind) -> any MCPTransport {
        // Client credentials win over a static token: they can be renewed, the token cannot. A
        // server with neither may want a person's sign-in.
        let authorizer: (any RequestAuthorizer)? = options.authorizer
            ?? OAuth2Authorizer(config: config, manager: options.tokenManager)
            ?? config.oauth2Token.flatMap { $0.isEmpty ? nil : StaticTokenAuthorizer(token: $0) }
            ?? options.signIns.map { SignInAuthorizer(config: config, store: $0, http: options.http) }
        switch kind {
        case .stdio:
            return StdioTransport(
                server: name, command: options.executable(for: config.command ?? ""), arguments: config.args, environment: config.env,
                cwd: config.cwd, logDirectory: options.logDirectory, grace: options.shutdownGrace)
        case .http:
            return StreamableHTTPTransport(
                server: name, url: config.url ?? "", headers: config.headers, forwardHeaders: config.forwardHeaders, authorizer: authorizer,
                http: options.http, connectTimeout: min(config.timeout, HTTPTimeouts.connectCap))
        case .sse:
            return LegacySSETransport(
                server: name, url: config.url ?? "", headers: config.headers, forwardHeaders: config.forwardHeaders, authorizer: authorizer,
                http: options.http, connectTimeout: min(config.timeout, HTTPTimeouts.connectCap))
        case .ws:
            return WebSocketTransport(
                server: name, url: config.url ?? "", headers: config.headers, authorizer: authorizer,
                connectTimeout: min(config.timeout, HTTPTimeouts.connectCap), pingInterval: options.webSocketPingInterval)
        }
    }

    /// `limit`: what is left of the entry's `timeout` (all of it, unless a first attempt used some).
    func connect(using transport: any MCPTransport, limit: Duration? = nil) async throws {
        let accepted = state.withLock { state -> Bool in
            guard state.phase == .idle else { return false }
            state.phase = .connecting
            state.transport = transport
            state.transportName = Self.transportName(transport)
            return true
        }
        guard accepted else {
            throw MCPClientError(.notConnected, server: name, "connect() called on a client that is connecting, connected or closed")
        }
        let handlers = TransportHandlers(
            onMessage: { [weak self] data in self?.receive(data) },
            onClose: { [weak self] error in self?.transportClosed(error) })
        do {
            // Starting (spawn, first HTTP exchange) and initializing share one `timeout`, so a
            // connect never takes longer than the entry says.
            try await withTimeout(limit ?? config.timeout, method: "initialize", reporting: config.timeout) {
                try await transport.start(handlers)
                try await self.negotiate(on: transport)
            }
        } catch {
            await transport.close()
            state.withLock { $0.phase = .closed }
            if let error = error as? MCPClientError { throw error }
            if let error = error as? TransportError { throw MCPClientError(error, method: "initialize") }
            throw MCPClientError(.transport(.connectFailed), server: name, method: "initialize", "\(error)")
        }
    }

    func initialize(on transport: any MCPTransport, version: String) async throws {
        let params = InitializeParams(
            protocolVersion: version, capabilities: declaredCapabilities(modern: false),
            clientInfo: .init(name: options.clientName, version: options.clientVersion))
        let message = try await completedResponse("initialize", allowedBeforeReady: true) { _ in params }
        let result: Initialize.Result
        do {
            result = try message.result(as: Initialize.Result.self)
        } catch {
            throw MCPClientError(.protocolViolation, server: name, method: "initialize", "\(error)")
        }
        if case .only(let pinned) = config.protocolPreference, pinned != result.protocolVersion {
            throw MCPClientError(
                .unsupportedVersion(result.protocolVersion), server: name, method: "initialize",
                "the server answered MCP \(result.protocolVersion), and protocol_version asks for \(pinned) only")
        }
        guard ProtocolNegotiation.legacyVersions.contains(result.protocolVersion) else {
            let ours = ProtocolNegotiation.legacyVersions.joined(separator: ", ")
            throw MCPClientError(
                .unsupportedVersion(result.protocolVersion), server: name, method: "initialize",
                "the server speaks MCP \(result.protocolVersion); lmg's initialize speaks \(ours)")
        }
        state.withLock {
            $0.initializeResult = result
            $0.envelope = nil
            $0.callsToolsAsTasks = Self.offersToolTasks(message.members?["result"] ?? (try? message.result(as: Value.self)))
            $0.phase = .ready
        }
        await transport.didInitialize(protocolVersion: result.protocolVersion)
        try await notify("notifications/initialized", params: EmptyParams?.none)
        if let level = config.logLevel, result.capabilities.logging != nil {
            // Older revisions set the level once per session; refused is no reason to fail.
            let _: Value? = try? await request("logging/setLevel", params: ["level": Value.string(level)] as [String: Value])
        }
    }

    private func resetForReconnect() async {
        state.withLock { state in
            state.phase = .idle
            state.transport = nil
            state.closeReason = nil
        }
    }

    /// Ends the session: fails pending requests, closes the transport (stdio: stdin, SIGTERM, SIGKILL).
    public func close() async {
        // Cancelled outside the lock: its cancellation handler takes the lock.
        state.withLock { state in
            defer { state.subscription = nil }
            return state.subscription
        }?.cancel()
        let (transport, waiters) = state.withLock { state in
            state.phase = .closed
            let waiters = state.pending.values.map(\.waiter)
            state.pending.removeAll()
            return (state.transport, waiters)
        }
        let error = MCPClientError(.notConnected, server: name, "the client was closed")
        for waiter in waiters { waiter.resume(.failure(error)) }
        await transport?.close()
    }

    static func transportName(_ transport: any MCPTransport) -> String {
        switch transport {
        case is StdioTransport: return "stdio"
        case is LegacySSETransport: return "sse"
        case is WebSocketTransport: return "ws"
        default: return "http"
        }
    }

    /// Runs `body` under a time limit, mapping the overrun to a timeout error for `method`.
    /// `reporting`: the limit the error names (the configured one, when `limit` is what was left of it).
    func withTimeout<T: Sendable>(
        _ limit: Duration, method: String, reporting: Duration? = nil, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let named = reporting ?? limit
        return try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: limit)
                throw MCPClientError(.timedOut(named), server: self.name, method: method, "no answer within \(describe(named))")
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }
}
