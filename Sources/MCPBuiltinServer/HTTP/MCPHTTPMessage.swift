import Foundation

/// An HTTP request as the Streamable HTTP rules see it, free of any server framework.
public struct MCPHTTPRequest: Sendable {
    public var method: String
    /// Header values by lowercased name; repeated headers joined with ", ".
    public var headers: [String: String]
    public var body: Data

    public init(method: String, headers: [String: String] = [:], body: Data = Data()) {
        self.method = method.uppercased()
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { $0 + ", " + $1 })
        self.body = body
    }

    public subscript(header name: String) -> String? { headers[name.lowercased()] }
}

/// The answer to an `MCPHTTPRequest`, for a framework adapter to send as is.
public struct MCPHTTPResponse: Sendable, Equatable {
    public var status: Int
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}
