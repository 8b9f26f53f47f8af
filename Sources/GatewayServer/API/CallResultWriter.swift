import Foundation
import JSONRPC
import MCP

/// The bodies of the call routes without Foundation's JSON coders, which dominate a gateway
/// call's own time: the SDK's `Value` decoding tests every string against a regex (data URLs),
/// and `JSONEncoder` builds a tree and looks up generic metadata per value.
///
/// Byte for byte what the gateway's `JSONEncoder` (sorted keys, slashes unescaped) writes; a
/// result it does not handle (images, annotations, `_meta`, …) still goes through the encoder.
enum CallResultWriter {
    /// `result` as the answer's JSON body.
    static func response(_ result: CallTool.Result) -> APIResponse {
        guard let body = body(result) else { return .json(result) }
        return APIResponse(status: 200, headers: ["Content-Type": "application/json"], body: body)
    }

    /// The fast path's bytes, or nil when `result` holds anything but plain text blocks.
    static func body(_ result: CallTool.Result) -> Data? {
        guard result._meta == nil else { return nil }
        var writer = JSONWriter()
        writer.raw(#"{"content":["#)
        for (index, block) in result.content.enumerated() {
            guard case .text(let text, nil, nil) = block else { return nil }
            if index > 0 { writer.raw(",") }
            writer.raw(#"{"text":"#)
            writer.string(text)
            writer.raw(#","type":"text"}"#)
        }
        writer.raw("]")
        if let isError = result.isError {
            writer.raw(isError ? #","isError":true"# : #","isError":false"#)
        }
        if let structured = result.structuredContent {
            guard writesLikeTheEncoder(structured) else { return nil }
            writer.raw(#","structuredContent":"#)
            writer.value(structured)
        }
        writer.raw("}")
        return writer.data
    }

    /// Values the writer renders as `JSONEncoder` would: no fractional numbers (their digits may
    /// differ) and no data URLs.
    static func writesLikeTheEncoder(_ value: Value) -> Bool {
        switch value {
        case .null, .bool, .int, .string: true
        case .double(let number): number.rounded() == number && abs(number) < 9_007_199_254_740_992
        case .data: false
        case .array(let items): items.allSatisfy(writesLikeTheEncoder)
        case .object(let members): members.values.allSatisfy(writesLikeTheEncoder)
        }
    }

    /// A request body as a JSON object, parsed by `JSONValueParser` (the same values as the SDK's
    /// decoding); malformed or not an object is a 400 saying so, and so is an empty (or blank)
    /// body when `empty` names what is missing; without it an empty body is `{}`.
    static func object(_ body: Data, empty: String?, notObject: String) throws -> [String: Value] {
        guard body.contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) else {
            if let empty { throw APIError.badRequest(empty) }
            return [:]
        }
        let value: Value
        do {
            value = try JSONValueParser.parse(body)
        } catch {
            throw APIError.badRequest("the body is not valid JSON (\(error))")
        }
        guard case .object(let object) = value else { throw APIError.badRequest(notObject) }
        return object
    }
}
