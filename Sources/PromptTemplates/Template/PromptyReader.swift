import Foundation
import MCP

/// Reads a Microsoft Prompty file (`.prompty`) into the same template a dotprompt file makes:
/// `model.parameters` become the sampling options, `inputs` the input schema (an input without
/// a default is required), `sample` the defaults, and `system:` / `user:` / `assistant:` lines
/// the role markers. The body's `{{name}}` substitutions read as Mustache; Jinja statements
/// (`{% … %}`) are refused with their line rather than rendered wrong.
enum PromptyReader {
    static let rootKeys: Set<String> = ["name", "description", "authors", "version", "tags", "model", "inputs", "outputs", "sample", "template", "base"]
    static let inputTypes: Set<String> = ["string", "number", "integer", "boolean", "object", "array"]

    static func read(_ text: String, file: String, defaultName: String) throws(PromptFileError) -> (PromptTemplate, warnings: [String]) {
        let split = try FrontMatter.split(text, file: file)
        let document = try YAMLDocument.parse(split.yaml, file: file, firstLine: 2)
        let body = try roleMarkers(split.body, file: file, firstLine: split.bodyLine)
        var template = PromptTemplate(name: defaultName, body: body, file: file, bodyLine: split.bodyLine, format: .prompty)
        let fields = FieldReader(document: document)
        guard let root = try fields.object(document.root, at: "") else { return (template, []) }
        var warnings = fields.unknownKeys(root, known: rootKeys, at: nil)
        if let name = try fields.string(root["name"], at: "name"), !name.isEmpty { template.name = name }
        template.description = try fields.string(root["description"], at: "description")
        if let model = try fields.object(root["model"], at: "model") {
            let configuration = try fields.object(model["configuration"], at: "model.configuration") ?? [:]
            template.model = try fields.string(configuration["model"] ?? configuration["azure_deployment"] ?? configuration["name"], at: "model.configuration.model")
            if let parameters = try fields.object(model["parameters"], at: "model.parameters") {
                template.settings.temperature = try fields.number(parameters["temperature"], at: "model.parameters.temperature")
                template.settings.maxOutputTokens = try fields.int(parameters["max_tokens"], at: "model.parameters.max_tokens", minimum: 1)
                template.settings.topP = try fields.number(parameters["top_p"], at: "model.parameters.top_p")
                template.settings.stopSequences = try fields.strings(parameters["stop"], at: "model.parameters.stop")
                warnings += fields.unknownKeys(parameters, known: ["temperature", "max_tokens", "top_p", "stop"], at: "model.parameters")
            }
            if case .object(let format)? = model["response"] ?? model["response_format"], case .string("json_object")? = format["type"] {
                template.output.format = "json"
            }
        }
        let sample = try fields.object(root["sample"], at: "sample") ?? [:]
        if let inputs = try fields.object(root["inputs"], at: "inputs") {
            template.inputSchema = try schema(inputs, document: document)
            for (name, input) in inputs {
                if case .object(let spec) = input, let value = spec["default"] { template.defaults[name] = value }
            }
        }
        template.defaults.merge(sample) { declared, _ in declared }
        return (template, warnings)
    }

    /// `inputs` (`name: {type, description, default}`, or `name: type`) as JSON Schema.
    static func schema(_ inputs: [String: Value], document: YAMLDocument) throws(PromptFileError) -> Value {
        var properties: [String: Value] = [:]
        var required: [Value] = []
        for name in inputs.keys.sorted() {
            var property: [String: Value] = [:]
            var hasDefault = false
            switch inputs[name]! {
            case .string(let type):
                property["type"] = .string(type)
            case .object(let spec):
                if let type = spec["type"] { property["type"] = type }
                if let description = spec["description"] { property["description"] = description }
                hasDefault = spec["default"] != nil
            case .null:
                break
            default:
                throw document.error("must be a type name or {type, description, default}", at: "inputs.\(name)")
            }
            if case .string(let type)? = property["type"], !inputTypes.contains(type) {
                throw document.error("unknown type '\(type)' (use \(inputTypes.sorted().joined(separator: ", ")))", at: "inputs.\(name).type")
            }
            properties[name] = .object(property)
            if !hasDefault { required.append(.string(name)) }
        }
        var schema: [String: Value] = ["type": "object", "properties": .object(properties)]
        if !required.isEmpty { schema["required"] = .array(required) }
        return .object(schema)
    }

    /// Rewrites each role line (`system:`, `# user:`) as a dotprompt role marker on the same line,
    /// so line numbers in errors stay the file's.
    static func roleMarkers(_ body: String, file: String, firstLine: Int) throws(PromptFileError) -> String {
        var lines: [String] = []
        for (offset, line) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.contains("{%") {
                throw PromptFileError(
                    file: file, line: firstLine + offset,
                    message: "Jinja statements ({% … %}) are not supported: lmg renders Prompty bodies as Mustache ({{#list}}…{{/list}} for loops)")
            }
            var trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("#") { trimmed = trimmed.dropFirst().trimmingCharacters(in: .whitespaces) }
            if trimmed.hasSuffix(":"), let role = RoleMarker.role(named: String(trimmed.dropLast()).lowercased()) {
                lines.append("{{role \"\(role.rawValue)\"}}")
            } else {
                lines.append(String(line))
            }
        }
        return lines.joined(separator: "\n")
    }
}
