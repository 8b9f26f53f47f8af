import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import Tracing

#if canImport(Glibc)
import Glibc
#endif

/// `lmg serve` on Hummingbird: maps requests onto `GatewayAPI`, gives each an `X-Request-Id`,
/// refuses bodies over `maxBodyBytes` with 413 (at once when `Content-Length` says so) and bodies
/// slower than `bodyTimeout` with 408, closing those connections; closes connections idle for
/// `idleTimeout`; logs one line per request, and on SIGTERM or SIGINT stops accepting, lets
/// requests in flight finish (up to `grace`), then returns.
public struct GatewayHTTPServer: Sendable {
    public let api: GatewayAPI
    public let host: String
    /// 0 lets the system pick a free port (reported to `onListening`).
    public let port: Int
    public let maxBodyBytes: Int
    public let grace: Duration
    public let idleTimeout: Duration
    public let bodyTimeout: Duration
    let logger: Logger

    public init(
        api: GatewayAPI, host: String, port: Int, maxBodyBytes: Int = 4 << 20, grace: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60), bodyTimeout: Duration = .seconds(30), logger: Logger
    ) {
        (self.api, self.host, self.port, self.maxBodyBytes, self.grace, self.logger) = (api, host, port, maxBodyBytes, grace, logger)
        (self.idleTimeout, self.bodyTimeout) = (idleTimeout, bodyTimeout)
    }

    /// Serves until SIGTERM or SIGINT; `onListening` gets the bound port once it accepts.
    public func run(onListening: @escaping @Sendable (Int) async -> Void) async throws {
        let api = api, limits = BodyLimits(maxBytes: maxBodyBytes, timeout: bodyTimeout), logger = logger
        let responder = CallbackResponder<GatewayRequestContext> { request, context in
            await Self.respond(to: request, api: api, limits: limits, logger: logger, channel: context.channel)
        }
        let app = Application(
            responder: responder,
            server: .http1(configuration: .init(idleTimeout: .nanoseconds(Int64(idleTimeout / .nanoseconds(1))))),
            configuration: ApplicationConfiguration(address: .hostname(host, port: port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
        // Services stop in reverse order: the /mcp sessions end first, so their open GET streams
        // do not hold the server's shutdown for the whole grace period.
        var configuration = ServiceGroupConfiguration(services: [app, SessionCloser(api: api)], logger: logger)
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        configuration.maximumGracefulShutdownDuration = grace
        do {
            try await ServiceGroup(configuration: configuration).run()
        } catch let error as IOError {
            throw GatewayServerError.cannotListen(host: host, port: port, reason: String(cString: strerror(error.errnoCode)))
        }
    }

    static func respond(to request: Request, api: GatewayAPI, limits: BodyLimits, logger: Logger, channel: any Channel) async -> Response {
        let started = ContinuousClock.now
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let id = headers["x-request-id"].flatMap { $0.count <= 128 ? $0 : nil } ?? UUID().uuidString.lowercased()
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where query[String(name)] == nil { query[String(name)] = String(value) }
        // One trace per request, joining the caller's when it sent a `traceparent`.
        var context = InstrumentationContext.topLevel
        InstrumentationSystem.instrument.extract(headers, into: &context, using: LowercasedHeaders())
        let method = request.method.rawValue, path = request.uri.path
        return await withSpan("\(method) \(path)", context: context, ofKind: .server) { span in
            let reply = await handle(request, headers: headers, query: query, api: api, limits: limits, channel: channel)
            span.operationName = "\(method) \(reply.route ?? path)"
            span.attributes["http.request.method"] = method
            span.attributes["url.path"] = path
            if let route = reply.route { span.attributes["http.route"] = route }
            span.attributes["http.response.status_code"] = reply.status
            if reply.status >= 500 { span.setStatus(SpanStatus(code: .error)) }
            return finish(reply, request: request, id: id, started: started, api: api, logger: logger, channel: channel)
        }
    }

    /// The API's answer to `request` (a body over the limit or unreadable answered here).
    private static func handle(
        _ request: Request, headers: [String: String], query: [String: String], api: GatewayAPI, limits: BodyLimits, channel: any Channel
    ) async -> APIResponse {
        var reply: APIResponse
        let maxBodyBytes = limits.maxBytes
        do {
            let buffer = try await limits.collect(request, declaredLength: headers["content-length"])
            let body = buffer.withUnsafeReadableBytes { Data($0) }
            let apiRequest = APIRequest(method: request.method.rawValue, path: request.uri.path, query: query, headers: headers, body: body)
            reply = request.method == .post && (OpenAIError.isOpenAIPath(request.uri.path) || GatewayAPI.isModernMCP(apiRequest))
                ? await handleCancellingOnDisconnect(apiRequest, api: api, channel: channel)
                : await api.handle(apiRequest)
        } catch is NIOTooManyBytesError {
            reply = APIError(status: 413, code: "body_too_large", message: "the request body is over \(maxBodyBytes) bytes (server.max_body_bytes)").response
            BodyLimits.closeSoon(channel, answering: &reply)
        } catch is BodyLimits.TooSlow {
            reply = APIError(status: 408, code: "body_timeout", message: "the request body did not arrive within \(limits.timeout) (server.body_timeout)").response
            BodyLimits.closeSoon(channel, answering: &reply)
        } catch {
            reply = APIError.badRequest("the request body could not be read").response
        }
        // Refused before routing: still in OpenAI's shape on its routes.
        if reply.route == nil, OpenAIError.isOpenAIPath(request.uri.path) { reply = OpenAIError.reshaped(reply) }
        return reply
    }

    /// The access-log line, the metrics and the Hummingbird response of `reply`.
    private static func finish(
        _ reply: APIResponse, request: Request, id: String, started: ContinuousClock.Instant, api: GatewayAPI, logger: Logger, channel: any Channel
    ) -> Response {
        var reply = reply
        reply.headers["X-Request-Id"] = id
        let elapsed = ContinuousClock.now - started
        api.metrics.recordRequest(method: request.method.rawValue, route: reply.route, status: reply.status, duration: elapsed)
        let ms = elapsed.components
        logger.notice("request", metadata: [
            "id": "\(id)", "method": "\(request.method.rawValue)", "path": "\(request.uri.path)", "status": "\(reply.status)",
            "route": "\(reply.route ?? GatewayMetrics.unmatchedRoute)", "key": "\(reply.keyName ?? "-")",
            "ms": "\(String(format: "%.2f", Double(ms.seconds) * 1000 + Double(ms.attoseconds) / 1e15))",
        ])
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        return Response(status: HTTPResponse.Status(code: reply.status), headers: fields, body: responseBody(reply, channel: channel))
    }
}

extension GatewayHTTPServer {
    /// Answers `request` in a task that the client closing its connection cancels: an OpenAI
    /// client that gives up on a non-streamed answer stops the model request and the tool calls
    /// (streamed answers watch the connection themselves). For `/mcp` only in 2026-07-28, where
    /// closing the connection is how a client cancels; before, a disconnection is not one.
    static func handleCancellingOnDisconnect(_ request: APIRequest, api: GatewayAPI, channel: any Channel) async -> APIResponse {
        let task = Task { await api.handle(request) }
        let watcher = ClientGoneWatcher { task.cancel() }
        try? await channel.pipeline.addHandler(watcher, position: .first).get()
        let reply = await withTaskCancellationHandler { await task.value } onCancel: { task.cancel() }
        channel.pipeline.removeHandler(watcher).whenComplete { _ in }
        return reply
    }
}

/// Ends every `/mcp` session when shutdown begins, which finishes their event streams.
struct SessionCloser: Service {
    let api: GatewayAPI

    func run() async throws {
        try? await gracefulShutdown()
        api.mcpSessions.closeAll()
        api.mcpListeners.closeAll()
        api.mcpInteractive.closeAll()
        api.mcpChanges.stop()
    }
}

/// Why the gateway could not start serving.
public enum GatewayServerError: Error, Equatable, CustomStringConvertible {
    /// The address is taken or not ours to bind.
    case cannotListen(host: String, port: Int, reason: String)

    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason): "cannot listen on \(host):\(port): \(reason)"
        }
    }
}

/// Reads a caller's trace context from the request's headers (names lowercased).
struct LowercasedHeaders: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? {
        carrier[key.lowercased()]
    }
}
