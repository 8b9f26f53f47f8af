import MCP

/// The `error` member of a JSON-RPC response, as sent on the wire.
public struct JSONRPCErrorObject: Error, Codable, Sendable, Hashable, CustomStringConvertible {
    public var code: Int
    public var message: String
    public var data: Value?

    public init(code: Int, message: String, data: Value? = nil) {
        self.code = code
        self.message = message
        self.data = data
    }

    public var description: String { "\(message) (JSON-RPC error \(code))" }

    /// Standard codes from the JSON-RPC 2.0 specification.
    public static let parseError = -32700
    public static let invalidRequest = -32600
    public static let methodNotFound = -32601
    public static let invalidParams = -32602
    public static let internalError = -32603
    /// 2026-07-28: an `Mcp-*` header is missing or does not match the body.
    public static let headerMismatch = -32020
    /// 2026-07-28: the request needs a client capability its `_meta` did not declare.
    public static let missingClientCapability = -32021
    /// 2026-07-28: the request's protocol version is not one the server speaks; `data.supported` lists them.
    public static let unsupportedProtocolVersion = -32022
    /// MCP's code for a request the server does not recognise as a resource.
    public static let resourceNotFound = -32002
}
