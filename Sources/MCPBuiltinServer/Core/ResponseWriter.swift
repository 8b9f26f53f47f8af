import Foundation
import JSONRPC
import MCP

/// Hand-written JSON for the hottest responses: tool results made of text, and empty results.
///
/// `JSONEncoder` builds an intermediate tree and looks up generic metadata per call; writing the
/// bytes directly takes a fraction of that. Anything unusual (images, embedded resources,
/// `_meta`) still goes through `JSONRPCCoding`, so the output is always what the SDK types encode.
enum ResponseWriter {
    /// `{"jsonrpc":"2.0","id":…,"result":{}}`.
    static func empty(id: JSONRPCID) -> Data {
        var writer = JSONWriter()
        writer.head(id)
        writer.raw("{}}")
        return writer.data
    }

    /// The response carrying `result`; `members` go first in it (2026-07-28's `resultType`).
    static func callTool(id: JSONRPCID, _ result: CallTool.Result, members: [UInt8] = []) -> Data {
        guard result._meta == nil else { return encoded(id, result, members) }
        var writer = JSONWriter()
        writer.head(id)
        writer.raw("{")
        if !members.isEmpty {
            writer.raw(bytes: members)
            writer.raw(",")
        }
        writer.raw(#""content":["#)
        for (index, block) in result.content.enumerated() {
            guard case .text(let text, nil, nil) = block else { return encoded(id, result, members) }
            if index > 0 { writer.raw(",") }
            writer.raw(#"{"type":"text","text":"#)
            writer.string(text)
            writer.raw("}")
        }
        writer.raw("]")
        if let structured = result.structuredContent {
            writer.raw(#","structuredContent":"#)
            writer.value(structured)
        }
        if let isError = result.isError {
            writer.raw(isError ? #","isError":true"# : #","isError":false"#)
        }
        writer.raw("}}")
        return writer.data
    }

    private static func encoded(_ id: JSONRPCID, _ result: CallTool.Result, _ members: [UInt8]) -> Data {
        BuiltinMCPServer.encode(id, adding: members) { result }
    }
}
