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

struct CursorParams: Encodable {
    let cursor: String?
}

struct CallToolParams: JSONWritable {
    let name: String
    let arguments: [String: Value]?

    func write(to writer: inout JSONWriter) {
        writer.raw(#"{"name":"#)
        writer.string(name)
        if let arguments {
            writer.raw(#","arguments":"#)
            writer.value(.object(arguments))
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

/// A `server/discover` result (2026-07-28): what the server speaks and offers. Its name and
/// version travel in `_meta` (a draft put them at the top; both are read).
struct DiscoverResult: Decodable {
    let supportedVersions: [String]
    let capabilities: Server.Capabilities
    let instructions: String?
    let serverInfo: Server.Info?

    private enum CodingKeys: String, CodingKey {
        case supportedVersions, capabilities, instructions, serverInfo, _meta
    }

    private struct Meta: Decodable {
        let serverInfo: Server.Info?
        enum CodingKeys: String, CodingKey { case serverInfo = "io.modelcontextprotocol/serverInfo" }
    }

    init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        supportedVersions = try container.decode([String].self, forKey: .supportedVersions)
        capabilities = try container.decodeIfPresent(Server.Capabilities.self, forKey: .capabilities) ?? .init()
        instructions = try container.decodeIfPresent(String.self, forKey: .instructions)
        serverInfo = (try? container.decodeIfPresent(Meta.self, forKey: ._meta))?.serverInfo
            ?? (try? container.decodeIfPresent(Server.Info.self, forKey: .serverInfo))
    }
}

struct ProgressParams: Decodable {
    let progressToken: ProgressToken
    let progress: Double
    let total: Double?
    let message: String?
}
