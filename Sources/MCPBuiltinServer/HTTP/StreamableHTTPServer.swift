import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Streamable HTTP transport on Hummingbird: 127.0.0.1 only, one path, bytes in and out.
///
/// Everything MCP-specific is in `StreamableHTTPEndpoint`; this adapter maps Hummingbird's
/// request and response types onto it and runs the server until SIGTERM or SIGINT.
public struct StreamableHTTPServer: Sendable {
    /// Where every request goes; kept apart so it can be tested without a socket.
    public let endpoint: StreamableHTTPEndpoint
    /// The port asked for; 0 lets the system pick a free one (reported to `onListening`).
    public let port: Int
    /// Loopback only: this server reads local files and has no authentication.
    public static let host = "127.0.0.1"
    private let logger: Logger

    /// `logger` also receives Hummingbird's own messages, so it should write to stderr.
    public init(endpoint: StreamableHTTPEndpoint, port: Int, logger: Logger) {
        self.endpoint = endpoint
        self.port = port
        self.logger = logger
    }

    /// Serves until SIGTERM or SIGINT (graceful: running requests finish), or until the task is
    /// cancelled. `onListening` gets the bound port once the socket accepts connections.
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await run(handlingSignals: true, onListening: onListening)
    }

    /// `handlingSignals: false` leaves SIGTERM/SIGINT alone, for servers run inside tests.
    func run(handlingSignals: Bool, onListening: @escaping @Sendable (Int) async -> Void) async throws {
        let endpoint = self.endpoint
        let port = self.port
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            try await Self.respond(to: request, endpoint: endpoint)
        }
        // One event loop that also runs the handlers: a request is read, answered and written on
        // one thread, with no hop to the task pool and back (which cost more than the answer).
        let loop = EventLoopGroupProvider.singleton.eventLoopGroup.next()
        let app = Application(
            responder: responder,
            configuration: ApplicationConfiguration(address: .hostname(Self.host, port: port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            eventLoopGroupProvider: .shared(loop),
            logger: logger)
        do {
            try await withTaskExecutorPreference(EventLoopTaskExecutor(loop)) {
                if handlingSignals {
                    try await app.runService()
                } else {
                    try await app.run()
                }
            }
        } catch let error as IOError {
            // At this level an I/O error is the listening socket's: the port is taken or forbidden.
            throw StreamableHTTPServerError.cannotListen(
                host: Self.host, port: port, reason: String(cString: strerror(error.errnoCode)))
        }
    }

    static func respond(to request: Request, endpoint: StreamableHTTPEndpoint) async throws -> Response {
        guard request.uri.path == StreamableHTTPEndpoint.path else {
            return Response(status: .notFound)
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        var exchange = MCPHTTPRequest(method: request.method.rawValue, headers: headers)
        if let refusal = endpoint.precheck(exchange) { return response(refusal) }
        do {
            let buffer = try await request.body.collect(upTo: endpoint.maxBodyBytes)
            exchange.body = buffer.withUnsafeReadableBytes { Data($0) }
        } catch is NIOTooManyBytesError {
            return response(endpoint.bodyTooLarge())
        }
        return response(await endpoint.respond(to: exchange))
    }

    static func response(_ reply: MCPHTTPResponse) -> Response {
        var fields = HTTPFields()
        for (name, value) in reply.headers {
            if let name = HTTPField.Name(name) { fields[name] = value }
        }
        let body = reply.body.isEmpty ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: reply.body))
        return Response(status: HTTPResponse.Status(code: reply.status), headers: fields, body: body)
    }
}

/// A NIO event loop as a `TaskExecutor`, so the handlers' tasks run on the loop's thread.
final class EventLoopTaskExecutor: TaskExecutor {
    let loop: any EventLoop

    init(_ loop: any EventLoop) {
        self.loop = loop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}

/// Why the HTTP transport could not start.
public enum StreamableHTTPServerError: Error, Equatable, CustomStringConvertible {
    /// The port is taken or not ours to bind; `reason` is the system's word for it.
    case cannotListen(host: String, port: Int, reason: String)

    /// One line for the terminal.
    public var description: String {
        switch self {
        case .cannotListen(let host, let port, let reason): "cannot listen on \(host):\(port): \(reason)"
        }
    }
}
