import Foundation
import MCP
import MCPGateway

/// Reads a dotprompt file (`.prompt`): YAML front matter, then the Mustache body.
///
/// The keys are dotprompt's (`name`, `description`, `model`, `config`, `input`, `output`,
/// `tools`, and `variant`, `version`, `metadata` kept for other tools); lmg's own are dotted,
/// as dotprompt allows for extensions: `lmg.servers`, `lmg.maxToolIterations`, `lmg.toolChoice`
/// (a nested `lmg:` mapping works too). Other dotted keys are other tools' and are kept.
enum DotpromptReader {
    static let rootKeys: Set<String> = [
        "name", "description", "model", "config", "input", "output", "tools", "variant", "version", "metadata", "raw", "ext",
    ]
    static let configKeys: Set<String> = ["temperature", "maxOutputTokens", "topP", "topK", "stopSequences"]
    static let lmgKeys: Set<String> = ["servers", "maxToolIterations", "toolChoice"]

    static func read(_ text: String, file: String, defaultName: String) throws(PromptFileError) -> (PromptTemplate, warnings: [String]) {
        let split = try FrontMatter.split(text, file: file)
        let document = try YAMLDocument.parse(split.yaml, file: file, firstLine: 2)
        var template = PromptTemplate(name: defaultName, body: split.body, file: file, bodyLine: split.bodyLine)
        let fields = FieldReader(document: document)
        guard let root = try fields.object(document.root, at: "") else { return (template, []) }
        var warnings: [String] = []
        var lmg: [String: Value] = [:]
        for (key, value) in root where key.contains(".") {
            if key.hasPrefix("lmg.") { lmg[String(key.dropFirst(4))] = value } else { template.extensions[key] = value }
        }
        if let nested = try fields.object(root["lmg"], at: "lmg") { lmg.merge(nested) { old, _ in old } }
        warnings += fields.unknownKeys(root.filter { !$0.key.contains(".") && $0.key != "lmg" }, known: rootKeys, at: nil)

        if let name = try fields.string(root["name"], at: "name") {
            guard !name.isEmpty, !name.contains("/") else { throw document.error("must be a name without '/'", at: "name") }
            template.name = name
        }
        template.description = try fields.string(root["description"], at: "description")
        template.model = try fields.string(root["model"], at: "model")
        if let config = try fields.object(root["config"], at: "config") {
            warnings += fields.unknownKeys(config, known: configKeys, at: "config")
            template.settings = try settings(config, fields: fields)
        }
        if let input = try fields.object(root["input"], at: "input") {
            warnings += fields.unknownKeys(input, known: ["schema", "default"], at: "input")
            if let schema = input["schema"], schema != .null {
                template.inputSchema = try Picoschema.jsonSchema(schema, document: document, at: "input.schema")
            }
            template.defaults = try fields.object(input["default"], at: "input.default") ?? [:]
        }
        if let output = try fields.object(root["output"], at: "output") {
            warnings += fields.unknownKeys(output, known: ["format", "schema"], at: "output")
            if let format = try fields.string(output["format"], at: "output.format") {
                guard ["text", "json"].contains(format) else { throw document.error("must be text or json", at: "output.format") }
                template.output.format = format
            }
            if let schema = output["schema"], schema != .null {
                template.output.schema = try Picoschema.jsonSchema(schema, document: document, at: "output.schema")
                if output["format"] == nil { template.output.format = "json" }
            }
        }
        template.tools = try fields.strings(root["tools"], at: "tools")
        warnings += fields.unknownKeys(lmg, known: lmgKeys, at: "lmg")
        template.servers = try fields.strings(lmg["servers"], at: "lmg.servers")
        template.maxToolIterations = try fields.int(lmg["maxToolIterations"], at: "lmg.maxToolIterations", minimum: 1)
        template.toolChoice = try fields.string(lmg["toolChoice"], at: "lmg.toolChoice")
        return (template, warnings)
    }

    static func settings(_ config: [String: Value], fields: FieldReader) throws(PromptFileError) -> ModelSettings {
        var settings = ModelSettings()
        settings.temperature = try fields.number(config["temperature"], at: "config.temperature")
        if let temperature = settings.temperature, !(0...2).contains(temperature) {
            throw fields.document.error("must be between 0 and 2", at: "config.temperature")
        }
        settings.maxOutputTokens = try fields.int(config["maxOutputTokens"], at: "config.maxOutputTokens", minimum: 1)
        settings.topP = try fields.number(config["topP"], at: "config.topP")
        if let topP = settings.topP, !(0...1).contains(topP) { throw fields.document.error("must be between 0 and 1", at: "config.topP") }
        settings.stopSequences = try fields.strings(config["stopSequences"], at: "config.stopSequences")
        settings.topK = try fields.int(config["topK"], at: "config.topK", minimum: 1)
        return settings
    }
}
