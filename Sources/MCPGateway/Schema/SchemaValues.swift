import Foundation
import MCP

/// What the schema checks ask of a value: its JSON type, JSON equality, and how it reads in a
/// message.
enum SchemaValues {
    static let knownTypes: Set<String> = ["null", "boolean", "integer", "number", "string", "array", "object"]

    /// Whether `value` is of the JSON Schema `type`: `2.0` is an integer, `"2"` is not a number,
    /// and binary data (a `data:` URL on the wire) is a string.
    static func value(_ value: Value, is type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("string", .data), ("array", .array), ("object", .object): true
        case ("integer", .int), ("number", .int), ("number", .double): true
        case ("integer", .double(let number)): number.isFinite && number == number.rounded()
        default: false
        }
    }

    /// `must be a string or null, not a number`.
    static func typeProblem(expected: [String], value: Value, at path: String) -> SchemaProblem {
        let names = expected.map(name(ofType:))
        let list = names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
        let actual: String
        if case .double(let number) = value, expected.contains("integer") {
            actual = json(.double(number))
        } else {
            actual = kind(of: value)
        }
        return SchemaProblem(path: path, message: "must be \(list), not \(actual)", expectedTypes: expected)
    }

    static func name(ofType type: String) -> String {
        switch type {
        case "integer": "an integer"
        case "array": "an array"
        case "object": "an object"
        case "null": "null"
        default: "a \(type)"
        }
    }

    static func kind(of value: Value) -> String {
        switch value {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string, .data: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// JSON equality: numbers compare by value (`1` equals `1.0`), objects whatever their order.
    static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.int(let x), .double(let y)), (.double(let y), .int(let x)): Double(x) == y
        case (.array(let x), .array(let y)): x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            x.count == y.count && x.allSatisfy { key, value in y[key].map { equal(value, $0) } ?? false }
        default: a == b
        }
    }

    /// Compact JSON, for values in messages.
    static func json(_ value: Value) -> String { ContentRenderer.json(value) }

    /// A number keyword as a Double; nil when it is not a number.
    static func number(_ value: Value?) -> Double? {
        switch value {
        case .int(let number)?: Double(number)
        case .double(let number)?: number
        default: nil
        }
    }

    /// A compiled `pattern`; nil when ICU cannot read it (then the pattern is not checked).
    static func regex(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: pattern)
    }

    /// JSON Schema patterns are not anchored: a match anywhere counts.
    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// Local `$ref`s: `#`, `#/$defs/X`, `#/definitions/X`, any JSON pointer into the document;
/// shared by the validator and the gateway's OpenAPI document, which rewrites them.
public enum SchemaReference {
    /// The schema `reference` points at in `root`; nil for a remote or unknown reference.
    public static func resolve(_ reference: String, in root: Value) -> Value? {
        guard reference.hasPrefix("#") else { return nil }
        var node = root
        for token in pointer(reference) ?? [] {
            switch node {
            case .object(let members):
                guard let next = members[token] else { return nil }
                node = next
            case .array(let items):
                guard let index = Int(token), items.indices.contains(index) else { return nil }
                node = items[index]
            default:
                return nil
            }
        }
        return pointer(reference) == nil ? nil : node
    }

    /// The tokens of a `#/a/b` fragment, unescaped (`%25`, `~1`, `~0`); nil when it is not a
    /// JSON pointer (e.g. an `$anchor` name).
    public static func pointer(_ reference: String) -> [String]? {
        let fragment = reference.dropFirst()
        if fragment.isEmpty { return [] }
        guard fragment.hasPrefix("/") else { return nil }
        return fragment.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            let decoded = String($0).removingPercentEncoding ?? String($0)
            return decoded.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }
}
