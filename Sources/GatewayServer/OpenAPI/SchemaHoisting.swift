import Foundation
import MCP
import MCPGateway

/// One tool schema made fit to embed in the OpenAPI document: inside the document a `$ref` to
/// `#/$defs/X` would resolve against the document's root, so the schema's `$defs` and
/// `definitions` move to `components/schemas` under the tool's prefix and every local `$ref`
/// is rewritten to point there. What would resolve elsewhere or clash across tools (`$id`,
/// `$schema`, anchors, remote `$ref`s) is dropped: the document never sends a reader outside.
struct SchemaHoisting {
    /// Component names start with this, e.g. `builtin.read_file.`.
    let prefix: String
    /// The tool's own schema, which `#` and `#/properties/…` pointers refer to.
    let root: Value
    /// The hoisted definitions, by component name.
    private(set) var components: [String: Value] = [:]
    /// The component name of each definition, by `$defs/X` or `definitions/X`.
    private var names: [String: String] = [:]
    /// Set when something points into the schema itself, which is then hoisted too.
    private(set) var needsRoot = false

    static let droppedKeywords = ["$id", "$schema", "$anchor", "$dynamicAnchor", "$dynamicRef", "$recursiveAnchor", "$recursiveRef"]

    init(prefix: String, root: Value) {
        self.prefix = prefix
        self.root = root
        for container in ["$defs", "definitions"] {
            for name in (root.objectValue?[container]?.objectValue ?? [:]).keys.sorted() {
                var component = prefix + Self.componentName(name)
                while names.values.contains(component) { component += "_" }
                names[container + "/" + name] = component
            }
        }
    }

    /// `inputSchema` or `outputSchema` rewritten, its definitions hoisted into `components`.
    mutating func rewrite() -> Value {
        for container in ["$defs", "definitions"] {
            for (name, definition) in root.objectValue?[container]?.objectValue ?? [:] {
                if let component = names[container + "/" + name] { components[component] = schema(definition) }
            }
        }
        let rewritten = schema(root)
        guard case .object(var top) = rewritten else { return rewritten }
        top["$defs"] = nil
        top["definitions"] = nil
        if needsRoot { components[String(prefix.dropLast())] = .object(top) }
        return .object(top)
    }

    /// A schema position: its keywords cleaned, its `$ref` rewritten, its subschemas walked
    /// (never its data: `enum`, `const`, `default`, `examples` stay as they are).
    mutating func schema(_ value: Value) -> Value {
        guard case .object(var keywords) = value else { return value }
        for keyword in Self.droppedKeywords { keywords[keyword] = nil }
        if case .string(let reference)? = keywords["$ref"] {
            keywords["$ref"] = rewrite(reference).map(Value.string)
        }
        // Values the 2020-12 meta-schema refuses would make the whole document invalid.
        if let type = keywords["type"], !Self.validType(type) { keywords["type"] = nil }
        if let required = keywords["required"], required.arrayValue?.allSatisfy({ $0.stringValue != nil }) != true { keywords["required"] = nil }
        for (key, sub) in keywords {
            switch key {
            case "properties", "patternProperties", "$defs", "definitions", "dependentSchemas":
                if case .object(let members) = sub { keywords[key] = .object(members.mapValues { schema($0) }) }
            case "dependencies":
                if case .object(let members) = sub { keywords[key] = .object(members.mapValues { $0.objectValue != nil ? schema($0) : $0 }) }
            case "allOf", "anyOf", "oneOf", "prefixItems":
                if case .array(let items) = sub { keywords[key] = .array(items.map { schema($0) }) }
            case "items", "additionalItems", "additionalProperties", "unevaluatedItems", "unevaluatedProperties",
                 "contains", "propertyNames", "not", "if", "then", "else", "contentSchema":
                if case .array(let items) = sub { keywords[key] = .array(items.map { schema($0) }) } else { keywords[key] = schema(sub) }
            default:
                break
            }
        }
        return .object(keywords)
    }

    /// The document pointer for a reference in the tool's schema; nil (the `$ref` is dropped,
    /// leaving the schema more permissive) for a remote, anchor or dangling reference.
    mutating func rewrite(_ reference: String) -> String? {
        guard let tokens = SchemaReference.pointer(reference), SchemaReference.resolve(reference, in: root) != nil else { return nil }
        if tokens.count >= 2, let component = names[tokens[0] + "/" + tokens[1]] {
            return "#/components/schemas/" + Self.encode([component] + tokens.dropFirst(2)).dropFirst()
        }
        needsRoot = true
        return "#/components/schemas/" + Self.encode([String(prefix.dropLast())] + tokens).dropFirst()
    }

    /// `/a/b~1c` with each token escaped for a JSON pointer in a URI fragment.
    static func encode(_ tokens: [String]) -> String {
        tokens.map { token in
            let escaped = token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
            return "/" + (escaped.addingPercentEncoding(withAllowedCharacters: fragmentSafe) ?? escaped)
        }.joined()
    }

    static let fragmentSafe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~!$&'()*+,;=:@")

    static func validType(_ type: Value) -> Bool {
        let known: Set<String> = ["null", "boolean", "integer", "number", "string", "array", "object"]
        switch type {
        case .string(let name): return known.contains(name)
        case .array(let names): return !names.isEmpty && names.allSatisfy { $0.stringValue.map(known.contains) ?? false }
        default: return false
        }
    }

    /// Component names may hold letters, digits, `.`, `-` and `_` only.
    static func componentName(_ text: String) -> String {
        let mapped = text.unicodeScalars.map { scalar -> String in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar)) ? String(scalar) : "_"
        }.joined()
        return mapped.isEmpty ? "_" : mapped
    }
}
