import JSONRPC
import MCP

/// Wire shapes of the requests this client sends (the SDK's parameter types lack public
/// initializers for some fields, and these stay minimal on the hot path).
struct InitializeParams: Encodable {
    struct Info: Encodable {
        let name: String
        let version: String
    }

    let protocolVersion: String
    let capabilities: Value
    let clientInfo: Info
}

struct ProgressMeta: Encodable {
    let progressToken: JSONRPCID
}

struct CursorParams: Encodable {
    let cursor: String?
}

struct CallToolParams: JSONWritable {
    let name: String
    let arguments: [String: Value]?
    let _meta: ProgressMeta?

    func write(to writer: inout JSONWriter) {
        writer.raw(#"{"name":"#)
        writer.string(name)
        if let arguments {
            writer.raw(#","arguments":"#)
            writer.value(.object(arguments))
        }
        if let _meta {
            writer.raw(#","_meta":{"progressToken":"#)
            writer.id(_meta.progressToken)
            writer.raw("}")
        }
        writer.raw("}")
    }
}

struct ReadResourceParams: Encodable {
    let uri: String
}

struct GetPromptParams: Encodable {
    let name: String
    let arguments: [String: String]?
}

struct CancelledParams: Encodable {
    let requestId: JSONRPCID
    let reason: String?
}

struct EmptyParams: Codable {}

struct ProgressParams: Decodable {
    let progressToken: ProgressToken
    let progress: Double
    let total: Double?
    let message: String?
}

struct ListRootsResult: Encodable {
    let roots: [Root]
}
