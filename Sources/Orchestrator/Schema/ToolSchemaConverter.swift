import MCP
import MCPGateway
import ModelClient

/// Turns the manager's tools into the `tools` array of a Chat Completions request.
///
/// Input schemas pass through intact (`$defs`, `$ref`, `anyOf`, nested objects): rewriting them
/// loses meaning. Only a missing, empty or non-object schema is replaced, because endpoints
/// reject a function whose parameters are not an object schema.
public enum ToolSchemaConverter {
    /// One function per tool, named by its qualified name.
    public static func functions(for tools: [QualifiedTool]) -> [FunctionTool] {
        tools.map(function(for:))
    }

    public static func function(for tool: QualifiedTool) -> FunctionTool {
        let description = tool.tool.description?.isEmpty == false
            ? tool.tool.description
            : tool.tool.title ?? "Tool '\(tool.tool.name)' of the MCP server '\(tool.server)'."
        return FunctionTool(name: tool.qualifiedName, description: description, parameters: JSONValue(parameters(tool.tool.inputSchema)))
    }

    /// The schema as given when it is an object schema; a valid empty object schema otherwise.
    public static func parameters(_ schema: Value) -> Value {
        guard case .object(var object) = schema, !object.isEmpty else { return emptyObjectSchema }
        let composite = ["anyOf", "oneOf", "allOf", "$ref"].contains { object[$0] != nil }
        switch object["type"] {
        case nil where !composite:
            object["type"] = "object"
        case .string(let type)? where type != "object":
            return emptyObjectSchema
        default:
            break
        }
        if object["type"] == "object", object["properties"] == nil { object["properties"] = .object([:]) }
        return .object(object)
    }

    static let emptyObjectSchema: Value = .object(["type": "object", "properties": .object([:])])
}

extension JSONValue {
    /// An MCP value as plain JSON, as it goes on the wire (binary data as its `data:` URL).
    public init(_ value: Value) {
        switch value {
        case .null: self = .null
        case .bool(let flag): self = .bool(flag)
        case .int(let number): self = .int(number)
        case .double(let number): self = .double(number)
        case .string(let text): self = .string(text)
        case .data(let mimeType, let data):
            self = .string("data:\(mimeType ?? "application/octet-stream");base64,\(data.base64EncodedString())")
        case .array(let items): self = .array(items.map(JSONValue.init))
        case .object(let members): self = .object(members.mapValues(JSONValue.init))
        }
    }
}
