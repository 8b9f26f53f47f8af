import Foundation

/// An HTTP request as the Streamable HTTP rules see it, free of any server framework.
public struct MCPHTTPRequest: Sendable {
    /// Uppercased, as HTTP spells methods.
    public var method: String
    /// Header values by lowercased name; repeated headers joined with ", ".
    public var headers: [String: String]
    /// The raw body: one JSON-RPC message for POST.
    public var body: Data

    /// Header names are lowercased here, so lookups need not care how the client spelled them.
    public init(method: String, headers: [String: String] = [:], body: Data = Data()) {
        self.method = method.uppercased()
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $0 + ", " + $1 })
        self.body = body
    }

    /// A header by any spelling of its name.
    public subscript(header name: String) -> String? { headers[name.lowercased()] }
}

/// The answer to an `MCPHTTPRequest`, for a framework adapter to send as is.
public struct MCPHTTPResponse: Sendable, Equatable {
    /// The HTTP status code.
    public var status: Int
    /// Lowercased names; adapters copy them as they are.
    public var headers: [String: String]
    /// Empty for 202, 204 and 405.
    public var body: Data

    /// A response for an adapter to send.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
