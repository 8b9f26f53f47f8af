import Foundation
import Locking
#if canImport(Glibc)
import Glibc
#endif

/// The one-shot HTTP listener on 127.0.0.1 that receives the authorization redirect (RFC 8252
/// §7.3): it answers the browser with a small page and hands back the redirect's query.
///
/// Plain sockets on a thread of its own rather than an HTTP framework: it serves one GET, on
/// loopback, for a few minutes at most. Other paths (a browser's `/favicon.ico`) get a 404 and
/// the wait goes on.
public final class LoopbackRedirectListener: Sendable {
    public let port: Int
    public let path: String
    private let socket: Int32
    private let stopped = Locked(false)

    /// `http://127.0.0.1:PORT/callback`, what the authorization request names.
    public var redirectURI: String { "http://127.0.0.1:\(port)\(path)" }

    /// Listens on `preferredPort` when it is free (a registration made with it keeps working at
    /// servers that compare ports), else on any free port.
    public init(preferredPort: Int? = nil, path: String = "/callback") throws(SignInError) {
        var bound: (Int32, Int)?
        for candidate in [preferredPort, 0].compactMap({ $0 }) {
            if let socket = Self.listen(port: candidate) { bound = socket; break }
        }
        guard let (socket, port) = bound else {
            throw SignInError(.endpoint, server: nil, "cannot listen on 127.0.0.1 for the sign-in redirect: \(String(cString: strerror(errno)))")
        }
        self.socket = socket
        self.port = port
        self.path = path
    }

    deinit { close(socket) }

    /// Stops a wait in progress; the listener takes no more connections.
    public func stop() { stopped.withLock { $0 = true } }

    /// What the browser is shown, given the redirect's query.
    public typealias Page = @Sendable ([String: String]) -> (status: Int, html: String)

    /// Waits up to `timeout` for a GET of `path`, answers it with `page`, returns its query;
    /// nil when the time ran out or the wait was stopped or cancelled.
    public func waitForRedirect(timeout: Duration, page: @escaping Page) async -> [String: String]? {
        let deadline = ContinuousClock.now + timeout
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread { [self] in
                    continuation.resume(returning: acceptLoop(until: deadline, page: page))
                }
            }
        } onCancel: { stop() }
    }

    private func acceptLoop(until deadline: ContinuousClock.Instant, page: Page) -> [String: String]? {
        while ContinuousClock.now < deadline, !stopped.withLock({ $0 }) {
            var poller = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            let client = accept(socket, nil, nil)
            guard client >= 0 else { continue }
            defer { close(client) }
            guard let target = Self.readRequestTarget(client) else { continue }
            let parts = URLComponents(string: "http://127.0.0.1" + target)
            guard parts?.path == path else {
                Self.respond(client, status: 404, html: "<!doctype html><title>Not found</title><p>Not found.")
                continue
            }
            var query: [String: String] = [:]
            for item in parts?.queryItems ?? [] where query[item.name] == nil { query[item.name] = item.value ?? "" }
            let answer = page(query)
            Self.respond(client, status: answer.status, html: answer.html)
            return query
        }
        return nil
    }

    /// The request line's target of a GET, read within 5 s; nil for anything else.
    static func readRequestTarget(_ client: Int32) -> String? {
        var received = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .seconds(5)
        while received.count < 16_384, ContinuousClock.now < deadline {
            if let end = received.firstRange(of: [13, 10]) {
                let line = String(decoding: received[..<end.lowerBound], as: UTF8.self).split(separator: " ")
                guard line.count == 3, line[0] == "GET" else { return nil }
                return String(line[1])
            }
            var poller = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 500) > 0 else { continue }
            let count = recv(client, &buffer, buffer.count, 0)
            guard count > 0 else { return nil }
            received += buffer[..<count]
        }
        return nil
    }

    static func respond(_ client: Int32, status: Int, html: String) {
        let body = Array(html.utf8)
        let reason = status == 200 ? "OK" : status == 404 ? "Not Found" : "Bad Request"
        let head = "HTTP/1.1 \(status) \(reason)\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: \(body.count)\r\n"
            + "Cache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nConnection: close\r\n\r\n"
        let bytes = Array(head.utf8) + body
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { return }
            sent += count
        }
    }

    /// A listening socket on 127.0.0.1:`port` (0: any) and the port it got.
    static func listen(port: Int) -> (Int32, Int)? {
        let fd = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
        guard bound == 0, Glibc.listen(fd, 8) == 0 else {
            close(fd)
            return nil
        }
        var actual = sockaddr_in()
        var length = size
        _ = withUnsafeMutablePointer(to: &actual) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, Int(UInt16(bigEndian: actual.sin_port)))
    }
}
