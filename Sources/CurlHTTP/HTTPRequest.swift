import Foundation

/// Limits for one request; nil means none.
public struct HTTPTimeouts: Sendable, Hashable {
    /// To establish the connection (DNS, TCP, TLS).
    public var connect: Duration?
    /// For the whole exchange, body included: leave nil for long-lived event streams.
    public var total: Duration?
    /// With no byte received for this long, the transfer fails (rounded up to whole seconds).
    public var idle: Duration?

    /// The longest a connection may take to open: a server that cannot be reached in 10 s is
    /// down, whatever longer limit its requests have.
    public static let connectCap: Duration = .seconds(10)

    public init(connect: Duration? = HTTPTimeouts.connectCap, total: Duration? = nil, idle: Duration? = nil) {
        self.connect = connect
        self.total = total
        self.idle = idle
    }
}

/// One HTTP request. Redirects are not followed: MCP endpoints answer where they are asked.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: HTTPHeaders
    public var body: Data?
    public var timeouts: HTTPTimeouts

    public init(
        method: String = "GET", url: String, headers: HTTPHeaders = [:], body: Data? = nil,
        timeouts: HTTPTimeouts = .init()
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeouts = timeouts
    }
}

/// A request prints without its body (a token request's form carries the client secret) and
/// with credential headers redacted.
extension HTTPRequest: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "\(method) \(url) headers: \(headers.debugDescription), body: \(body?.count ?? 0) bytes" }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(self, children: ["method": method, "url": url, "headers": headers, "bodyBytes": body?.count ?? 0, "timeouts": timeouts],
               displayStyle: .struct)
    }
}
