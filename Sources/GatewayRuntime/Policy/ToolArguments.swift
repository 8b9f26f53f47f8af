import Foundation
import MCP

/// Builds tool arguments from `--args JSON` and `key=value` words, typed by the input schema,
/// for every front end that takes arguments as words (`lmg call`, `/prompt`, prompt tests).
public enum ToolArguments {
    /// `a=2` becomes an integer where the schema says integer; strings stay strings; arrays and
    /// objects parse as JSON. Keys not in the schema are guessed: JSON if it parses, else a string.
    public static func build(json: String?, pairs: [String], schema: Value?) throws -> [String: Value] {
        var arguments: [String: Value] = [:]
        if let json {
            guard let data = json.data(using: .utf8), let value = try? JSONDecoder().decode(Value.self, from: data) else {
                throw ToolArgumentError("--args is not valid JSON: \(json.count > 60 ? String(json.prefix(60)) + "…" : json)")
            }
            guard case .object(let object) = value else { throw ToolArgumentError("--args must be a JSON object") }
            arguments = object
        }
        let properties = schema?.objectValue?["properties"]?.objectValue ?? [:]
        for pair in pairs {
            let (key, raw) = try split(pair)
            arguments[key] = try typed(raw, key: key, schema: properties[key])
        }
        return arguments
    }

    /// `key=value` at the first `=`; a word without a key is a usage error.
    public static func split(_ pair: String) throws -> (key: String, value: String) {
        guard let eq = pair.firstIndex(of: "="), eq != pair.startIndex else {
            throw ToolArgumentError("argument '\(pair)' is not of the form key=value")
        }
        return (String(pair[..<eq]), String(pair[pair.index(after: eq)...]))
    }

    /// One value typed by its property schema; `key` names it in errors.
    public static func typed(_ raw: String, key: String, schema: Value?) throws -> Value {
        let types = schemaTypes(schema)
        func fail(_ expected: String) -> ToolArgumentError {
            ToolArgumentError("argument '\(key)': '\(raw)' is not \(expected)")
        }
        if types.isEmpty { return parsedJSON(raw) ?? .string(raw) }
        if types.contains("string") { return .string(raw) }
        if types.contains("integer"), let value = Int(raw) { return .int(value) }
        if types.contains("number"), let value = Double(raw) {
            return value == value.rounded() && abs(value) < 1e15 && !raw.contains(".") ? .int(Int(value)) : .double(value)
        }
        if types.contains("boolean") {
            switch raw.lowercased() {
            case "true", "yes", "1": return .bool(true)
            case "false", "no", "0": return .bool(false)
            default: break
            }
        }
        if types.contains("null") && raw == "null" { return .null }
        if types.contains("array") || types.contains("object"), let value = parsedJSON(raw) {
            if case .array = value, types.contains("array") { return value }
            if case .object = value, types.contains("object") { return value }
        }
        throw fail(types.sorted().joined(separator: " or "))
    }

    /// The JSON Schema `type`s a property allows, looking into anyOf/oneOf.
    public static func schemaTypes(_ schema: Value?) -> Set<String> {
        guard let object = schema?.objectValue else { return [] }
        var types: Set<String> = []
        switch object["type"] {
        case .string(let type)?: types.insert(type)
        case .array(let list)?: types.formUnion(list.compactMap(\.stringValue))
        default: break
        }
        for key in ["anyOf", "oneOf"] {
            for option in object[key]?.arrayValue ?? [] { types.formUnion(schemaTypes(option)) }
        }
        if types.isEmpty, object["enum"] != nil { types.insert("string") }
        return types
    }

    static func parsedJSON(_ raw: String) -> Value? {
        guard let data = raw.data(using: .utf8) else { return nil }
        return try? JSONDecoder().decode(Value.self, from: data)
    }
}

/// Arguments that do not fit: names the argument and what was expected.
public struct ToolArgumentError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
