import Foundation
import MCP

/// Appends JSON to a byte buffer; strings are escaped exactly as JSON requires, nothing more.
public struct JSONWriter {
    /// What was written so far.
    public private(set) var bytes: [UInt8] = []
    private static let hexDigits = Array("0123456789abcdef".utf8)

    public init() {
        bytes.reserveCapacity(256)
    }

    /// The bytes as `Data`.
    public var data: Data { Data(bytes) }

    /// Appends `text` as is: punctuation and literals known to be valid JSON.
    public mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends bytes already known to be valid JSON (written by another `JSONWriter`).
    public mutating func raw(bytes more: [UInt8]) {
        bytes.append(contentsOf: more)
    }

    /// `{"jsonrpc":"2.0","id":…,"result":`
    public mutating func head(_ id: JSONRPCID) {
        raw(#"{"jsonrpc":"2.0","id":"#)
        self.id(id)
        raw(#","result":"#)
    }

    /// A request id: a number or a string.
    public mutating func id(_ id: JSONRPCID) {
        switch id {
        case .int(let number): bytes.append(contentsOf: String(number).utf8)
        case .string(let text): string(text)
        }
    }

    /// A JSON string literal.
    public mutating func string(_ text: String) {
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

    /// A number; integral values within 2^53 are written without a fraction, as `JSONEncoder` does.
    public mutating func number(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        if value == 0 && value.sign == .minus { return raw("-0") }
        if value.rounded() == value, abs(value) < 9_007_199_254_740_992 {
            bytes.append(contentsOf: String(Int(value)).utf8)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    /// Objects are written with sorted keys, so equal values give equal bytes.
    public mutating func value(_ value: Value) {
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

/// Params that write their own JSON, for the hot requests; `JSONRPCCoding` uses this instead of
/// `JSONEncoder` when the params conform. The bytes must be what `Encodable` would produce.
public protocol JSONWritable: Encodable {
    func write(to writer: inout JSONWriter)
}
