import Foundation
import MCP

/// Dotprompt's Picoschema, turned into the JSON Schema it stands for.
///
/// `city: string, the city's name` is a required string with a description; `units?: string`
/// an optional one (which may also be null); `tags(array): string`, `address(object): {...}`,
/// `units(enum): [metric, imperial]`; `(*): string` allows other keys of that type. A schema
/// that already is JSON Schema (a `type` of `object`, or `properties`) is kept as it is.
public enum Picoschema {
    static let scalarTypes: Set<String> = ["string", "number", "integer", "boolean", "null", "any"]

    /// The JSON Schema for `schema`, read at `path` of `document` (for errors).
    public static func jsonSchema(_ schema: Value, document: YAMLDocument, at path: String) throws(PromptFileError) -> Value {
        if isJSONSchema(schema) { return schema }
        switch schema {
        case .string(let text):
            return try scalar(text, document: document, at: path)
        case .object(let fields):
            return try object(fields, document: document, at: path)
        default:
            throw document.error("must be a Picoschema type (e.g. 'string') or an object of fields", at: path)
        }
    }

    /// True for a JSON Schema object rather than a Picoschema one, by dotprompt's own rule: a
    /// `type` naming a JSON type, or a `properties` object. (So a Picoschema field called `type`
    /// must be written `type(enum): [...]` or with a description, as in dotprompt.)
    public static func isJSONSchema(_ schema: Value) -> Bool {
        guard case .object(let object) = schema else { return false }
        if case .object = object["properties"] { return true }
        if case .string(let type) = object["type"] {
            return ["object", "array", "string", "number", "integer", "boolean", "null", "any"].contains(type)
        }
        if case .array = object["type"] { return true }
        return false
    }

    private static func scalar(_ text: String, document: YAMLDocument, at path: String) throws(PromptFileError) -> Value {
        let (type, description) = splitDescription(text)
        guard scalarTypes.contains(type) else {
            throw document.error("unknown Picoschema type '\(type)' (use string, number, integer, boolean, null or any)", at: path)
        }
        var schema: [String: Value] = type == "any" ? [:] : ["type": .string(type)]
        if let description { schema["description"] = .string(description) }
        return .object(schema)
    }

    private static func object(_ fields: [String: Value], document: YAMLDocument, at path: String) throws(PromptFileError) -> Value {
        var properties: [String: Value] = [:]
        var required: [Value] = []
        var additional: Value = .bool(false)
        for key in fields.keys.sorted() {
            let value = fields[key]!
            let fieldPath = path.isEmpty ? key : "\(path).\(key)"
            let parsed = try parseKey(key, document: document, at: fieldPath)
            var schema: Value
            switch parsed.modifier {
            case nil:
                schema = try jsonSchema(value, document: document, at: fieldPath)
            case "array":
                schema = .object(["type": "array", "items": try jsonSchema(value, document: document, at: fieldPath)])
            case "object":
                guard case .object(let nested) = value else { throw document.error("(object) needs a mapping of fields", at: fieldPath) }
                schema = try object(nested, document: document, at: fieldPath)
            case "enum":
                guard case .array(let choices) = value, !choices.isEmpty else { throw document.error("(enum) needs a list of values", at: fieldPath) }
                schema = .object(["enum": .array(choices)])
            default:
                throw document.error("unknown Picoschema modifier '(\(parsed.modifier!))' (use array, object or enum)", at: fieldPath)
            }
            if let description = parsed.description, case .object(var object) = schema {
                object["description"] = .string(description)
                schema = .object(object)
            }
            if parsed.name == "*" {
                additional = schema
                continue
            }
            if parsed.optional {
                schema = nullable(schema)
            } else {
                required.append(.string(parsed.name))
            }
            properties[parsed.name] = schema
        }
        var result: [String: Value] = ["type": "object", "properties": .object(properties), "additionalProperties": additional]
        if !required.isEmpty { result["required"] = .array(required) }
        return .object(result)
    }

    /// `name?(modifier, description)` in its parts.
    private static func parseKey(_ key: String, document: YAMLDocument, at path: String) throws(PromptFileError)
        -> (name: String, optional: Bool, modifier: String?, description: String?)
    {
        var name = key
        var modifier: String?
        var description: String?
        if let open = key.firstIndex(of: "(") {
            guard key.hasSuffix(")") else { throw document.error("a '(' in a field name must close at its end: 'name(array, description)'", at: path) }
            let inside = key[key.index(after: open)..<key.index(before: key.endIndex)]
            name = String(key[..<open])
            if name.isEmpty && inside == "*" { return ("*", false, nil, nil) }
            let (first, rest) = splitDescription(String(inside))
            modifier = first
            description = rest
        }
        let optional = name.hasSuffix("?")
        if optional { name.removeLast() }
        guard !name.isEmpty else { throw document.error("a field needs a name before '('", at: path) }
        return (name, optional, modifier, description)
    }

    private static func splitDescription(_ text: String) -> (String, String?) {
        guard let comma = text.firstIndex(of: ",") else { return (text.trimmingCharacters(in: .whitespaces), nil) }
        let head = text[..<comma].trimmingCharacters(in: .whitespaces)
        let tail = text[text.index(after: comma)...].trimmingCharacters(in: .whitespaces)
        return (head, tail.isEmpty ? nil : tail)
    }

    /// An optional field may also be null, as dotprompt allows.
    private static func nullable(_ schema: Value) -> Value {
        guard case .object(var object) = schema, case .string(let type) = object["type"], type != "null" else { return schema }
        object["type"] = .array([.string(type), "null"])
        return .object(object)
    }
}
