import Foundation
import MCP

/// A strict RFC 8259 parser from bytes straight to MCP's `Value`.
///
/// `JSONDecoder` reaches typed values through `Codable`'s generic containers, whose metadata
/// look-ups cost more than the parsing itself for the small messages of a tool call. This builds
/// the tree directly. It keeps the same reading of values as `Value`'s decoder: numbers equal to
/// an `Int` are `.int`, other numbers `.double`, `data:` URLs `.data`, and the first of duplicate
/// member names wins. It is stricter than Foundation (no trailing commas).
public enum JSONValueParser {
    /// Why bytes are not one JSON value; the offset is where reading stopped.
    public struct Failure: Error, Equatable, CustomStringConvertible {
        public let offset: Int
        public let reason: String
        public var description: String { "\(reason) at byte \(offset)" }
    }

    /// Nesting deeper than this is refused rather than risking the stack.
    public static let maxDepth = 512
    /// The ``Failure/reason`` of nesting deeper than ``maxDepth``.
    public static let tooDeep = "nesting too deep"

    /// Parses exactly one JSON value, with only whitespace around it.
    public static func parse(_ data: Data) throws(Failure) -> Value {
        do {
            return try data.withUnsafeBytes { (bytes: UnsafeRawBufferPointer) throws(Failure) -> Value in
                var reader = Reader(bytes: bytes)
                let value = try reader.value(depth: 0)
                reader.skipWhitespace()
                guard reader.offset == bytes.count else { throw reader.failure("unexpected text after the value") }
                return value
            }
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure(offset: 0, reason: "\(error)")
        }
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        func failure(_ reason: String) -> Failure { Failure(offset: offset, reason: reason) }

        mutating func skipWhitespace() {
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x20, 0x09, 0x0A, 0x0D: offset += 1
                default: return
                }
            }
        }

        mutating func value(depth: Int) throws(Failure) -> Value {
            skipWhitespace()
            guard offset < bytes.count else { throw failure("unexpected end of input") }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                guard depth < JSONValueParser.maxDepth else { throw failure(JSONValueParser.tooDeep) }
                return try object(depth: depth + 1)
            case UInt8(ascii: "["):
                guard depth < JSONValueParser.maxDepth else { throw failure(JSONValueParser.tooDeep) }
                return try array(depth: depth + 1)
            case UInt8(ascii: "\""):
                let text = try string()
                if text.hasPrefix("data:"), Data.isDataURL(string: text), let (mimeType, data) = Data.parseDataURL(text) {
                    return .data(mimeType: mimeType, data)
                }
                return .string(text)
            case UInt8(ascii: "t"): try literal("true"); return .bool(true)
            case UInt8(ascii: "f"): try literal("false"); return .bool(false)
            case UInt8(ascii: "n"): try literal("null"); return .null
            default: return try number()
            }
        }

        mutating func literal(_ word: StaticString) throws(Failure) {
            let count = word.utf8CodeUnitCount
            guard offset + count <= bytes.count,
                  memcmp(bytes.baseAddress! + offset, word.utf8Start, count) == 0
            else { throw failure("invalid literal") }
            offset += count
        }

        mutating func object(depth: Int) throws(Failure) -> Value {
            offset += 1
            var members: [String: Value] = [:]
            skipWhitespace()
            if offset < bytes.count && bytes[offset] == UInt8(ascii: "}") {
                offset += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else { throw failure("expected a member name") }
                let key = try string()
                skipWhitespace()
                guard offset < bytes.count, bytes[offset] == UInt8(ascii: ":") else { throw failure("expected ':'") }
                offset += 1
                let member = try value(depth: depth)
                // The first of duplicate names wins, as with `JSONDecoder`.
                if members.index(forKey: key) == nil { members[key] = member }
                skipWhitespace()
                guard offset < bytes.count else { throw failure("unexpected end of input") }
                switch bytes[offset] {
                case UInt8(ascii: ","): offset += 1
                case UInt8(ascii: "}"): offset += 1; return .object(members)
                default: throw failure("expected ',' or '}'")
                }
            }
        }

        mutating func array(depth: Int) throws(Failure) -> Value {
            offset += 1
            var items: [Value] = []
            skipWhitespace()
            if offset < bytes.count && bytes[offset] == UInt8(ascii: "]") {
                offset += 1
                return .array(items)
            }
            while true {
                items.append(try value(depth: depth))
                skipWhitespace()
                guard offset < bytes.count else { throw failure("unexpected end of input") }
                switch bytes[offset] {
                case UInt8(ascii: ","): offset += 1
                case UInt8(ascii: "]"): offset += 1; return .array(items)
                default: throw failure("expected ',' or ']'")
                }
            }
        }

        /// A string starting at the opening quote; the common case without escapes is one copy.
        mutating func string() throws(Failure) -> String {
            offset += 1
            let start = offset
            while offset < bytes.count {
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") {
                    let text = try validated(start, offset)
                    offset += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { return try escapedString(from: start) }
                guard byte >= 0x20 else { throw failure("control character in a string") }
                offset += 1
            }
            throw failure("unterminated string")
        }

        func validated(_ start: Int, _ end: Int) throws(Failure) -> String {
            let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            guard let text = String(validating: slice, as: UTF8.self) else { throw failure("invalid UTF-8 in a string") }
            return text
        }

        mutating func escapedString(from start: Int) throws(Failure) -> String {
            var utf8 = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<offset]))
            while offset < bytes.count {
                let byte = bytes[offset]
                offset += 1
                switch byte {
                case UInt8(ascii: "\""):
                    guard let text = String(validating: utf8, as: UTF8.self) else { throw failure("invalid UTF-8 in a string") }
                    return text
                case UInt8(ascii: "\\"):
                    guard offset < bytes.count else { throw failure("unterminated string") }
                    let escape = bytes[offset]
                    offset += 1
                    switch escape {
                    case UInt8(ascii: "\""): utf8.append(0x22)
                    case UInt8(ascii: "\\"): utf8.append(0x5C)
                    case UInt8(ascii: "/"): utf8.append(0x2F)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        var scalar = try hex4()
                        if (0xD800..<0xDC00).contains(scalar) {
                            // A high surrogate must be followed by an escaped low one.
                            guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u")
                            else { throw failure("unpaired surrogate in a string") }
                            offset += 2
                            let low = try hex4()
                            guard (0xDC00..<0xE000).contains(low) else { throw failure("unpaired surrogate in a string") }
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00..<0xE000).contains(scalar) {
                            throw failure("unpaired surrogate in a string")
                        }
                        utf8.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                    default:
                        throw failure("invalid escape in a string")
                    }
                default:
                    guard byte >= 0x20 else { throw failure("control character in a string") }
                    utf8.append(byte)
                }
            }
            throw failure("unterminated string")
        }

        mutating func hex4() throws(Failure) -> UInt32 {
            guard offset + 4 <= bytes.count else { throw failure("short \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[offset]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw failure("invalid \\u escape")
                }
                value = value << 4 | UInt32(digit)
                offset += 1
            }
            return value
        }

        /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
        mutating func number() throws(Failure) -> Value {
            let start = offset
            if offset < bytes.count && bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard offset < bytes.count, isDigit(bytes[offset]) else { throw failure("unexpected character") }
            if bytes[offset] == UInt8(ascii: "0") {
                offset += 1
            } else {
                while offset < bytes.count && isDigit(bytes[offset]) { offset += 1 }
            }
            var integral = true
            if offset < bytes.count && bytes[offset] == UInt8(ascii: ".") {
                integral = false
                offset += 1
                guard offset < bytes.count, isDigit(bytes[offset]) else { throw failure("expected a digit") }
                while offset < bytes.count && isDigit(bytes[offset]) { offset += 1 }
            }
            if offset < bytes.count && (bytes[offset] == UInt8(ascii: "e") || bytes[offset] == UInt8(ascii: "E")) {
                integral = false
                offset += 1
                if offset < bytes.count && (bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-")) { offset += 1 }
                guard offset < bytes.count, isDigit(bytes[offset]) else { throw failure("expected a digit") }
                while offset < bytes.count && isDigit(bytes[offset]) { offset += 1 }
            }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
            if integral, let integer = Int(text) { return .int(integer) }
            guard let double = Double(text), double.isFinite else { throw failure("number out of range") }
            // `JSONDecoder` reads `1e3` or `2.0` as the integer they equal, exactly; so does `Value`.
            if !integral, double.rounded() == double, let integer = Self.exactInteger(text) { return .int(integer) }
            return .double(double)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        /// The integer a number with a fraction or exponent equals, from its digits rather than
        /// through `Double` (which rounds past 2^53); nil when it is not one or does not fit.
        static func exactInteger(_ text: String) -> Int? {
            var digits = ""
            var exponent = 0
            var sawPoint = false
            var rest = Substring(text)
            let negative = rest.first == "-"
            if negative { rest = rest.dropFirst() }
            while let character = rest.first, character != "e", character != "E" {
                rest = rest.dropFirst()
                if character == "." { sawPoint = true; continue }
                digits.append(character)
                if sawPoint { exponent -= 1 }
            }
            // Zero is zero whatever its exponent, however long.
            if digits.allSatisfy({ $0 == "0" }) { return 0 }
            if !rest.isEmpty {
                // An exponent can be any run of digits (`0e9223372036854775807` is 0): add it
                // without trapping, and compare it below without negating or adding to it.
                guard let written = Int(rest.dropFirst().drop { $0 == "+" }) else { return nil }
                let (sum, overflowed) = exponent.addingReportingOverflow(written)
                guard !overflowed else { return nil }
                exponent = sum
            }
            if exponent < 0 {
                // The dropped digits must all be zeros.
                guard exponent >= -digits.count, digits.suffix(-exponent).allSatisfy({ $0 == "0" }) else { return nil }
                digits.removeLast(-exponent)
            } else {
                guard exponent <= 20 - digits.count else { return nil }
                digits += String(repeating: "0", count: exponent)
            }
            // Never empty here: dropping every digit needs them all zeros, which returned above.
            return Int((negative ? "-" : "") + digits)
        }
    }
}
