import Foundation

/// One HTTP request as the gateway's core sees it: no framework types, so every route and
/// every error is tested without a port.
public struct APIRequest: Sendable {
    public var method: String
    /// The path without the query, e.g. `/mcp/tools`.
    public var path: String
    /// Query parameters; the first value of a repeated name wins.
    public var query: [String: String]
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: Data
    /// The route's `{name}` parameters, percent-decoded: set by `GatewayAPI.handle`.
    public var parameters: [String: String] = [:]

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: Data = Data()) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        var lowered: [String: String] = [:]
        for (name, value) in headers { lowered[name.lowercased()] = value }
        self.headers = lowered
        self.body = body
    }
}

/// What the core answers: a status, headers and a JSON body.
public struct APIResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data
    /// A body written as it is produced (server-sent events) instead of `body`; nil for the rest.
    public var stream: StreamingBody?
    /// The API key's name, for the access log; never sent.
    public var keyName: String?
    /// The pattern of the route that answered (`/mcp/servers/{name}`), for metrics and the access
    /// log; nil when no route matched. Never sent.
    public var route: String?

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// `value` as JSON with sorted keys, `Content-Type: application/json`.
    static func json<T: Encodable>(_ value: T, status: Int = 200) -> APIResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        do {
            return APIResponse(status: status, headers: ["Content-Type": "application/json"], body: try encoder.encode(value))
        } catch {
            return APIError(status: 500, code: "internal", message: "the answer could not be encoded").response
        }
    }
}
