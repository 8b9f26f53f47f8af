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

    /// The response carrying `result`.
    static func callTool(id: JSONRPCID, _ result: CallTool.Result) -> Data {
        guard result._meta == nil else { return encoded(id, result) }
        var writer = JSONWriter()
        writer.head(id)
        writer.raw(#"{"content":["#)
        for (index, block) in result.content.enumerated() {
            guard case .text(let text, nil, nil) = block else { return encoded(id, result) }
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

    private static func encoded(_ id: JSONRPCID, _ result: CallTool.Result) -> Data {
        BuiltinMCPServer.encode(id) { result }
    }
}

/// Appends JSON to a byte buffer; strings are escaped exactly as JSON requires, nothing more.
struct JSONWriter {
    private(set) var bytes: [UInt8] = []
    private static let hexDigits = Array("0123456789abcdef".utf8)

    init() {
        bytes.reserveCapacity(256)
    }

    var data: Data { Data(bytes) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// `{"jsonrpc":"2.0","id":…,"result":`
    mutating func head(_ id: JSONRPCID) {
        raw(#"{"jsonrpc":"2.0","id":"#)
        switch id {
        case .int(let number): bytes.append(contentsOf: String(number).utf8)
        case .string(let text): string(text)
        }
        raw(#","result":"#)
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                switch byte {
                case UInt8(ascii: "\""): raw(#"\""#)
                case UInt8(ascii: "\\"): raw(#"\\"#)
                case 0x0A: raw(#"\n"#)
                case 0x0D: raw(#"\r"#)
                case 0x09: raw(#"\t"#)
                case 0x08: raw(#"\b"#)
                case 0x0C: raw(#"\f"#)
                default:
                    raw(#"\u00"#)
                    bytes.append(Self.hexDigits[Int(byte >> 4)])
                    bytes.append(Self.hexDigits[Int(byte & 0xF)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func number(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        if let integer = Calculator.exactInteger(value) {
            bytes.append(contentsOf: String(integer).utf8)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    /// Objects are written with sorted keys, so equal values give equal bytes.
    mutating func value(_ value: Value) {
        switch value {
        case .null: raw("null")
        case .bool(let flag): flag ? raw("true") : raw("false")
        case .int(let number): bytes.append(contentsOf: String(number).utf8)
        case .double(let number): self.number(number)
        case .string(let text): string(text)
        case .data(let mimeType, let data): string(data.dataURLEncoded(mimeType: mimeType))
        case .array(let items):
            bytes.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                self.value(item)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let members):
            bytes.append(UInt8(ascii: "{"))
            for (index, key) in members.keys.sorted().enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                string(key)
                bytes.append(UInt8(ascii: ":"))
                self.value(members[key]!)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }
}
