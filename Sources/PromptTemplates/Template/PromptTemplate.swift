import MCP

/// One prompt template, as loaded from `Prompts/NAME.prompt` (dotprompt) or `NAME.prompty`
/// (Microsoft Prompty): the model options and tools in its front matter, and its Mustache body.
///
/// A value: loading reads and checks the file once; ``PromptRenderer`` turns it and some
/// variables into messages any number of times.
public struct PromptTemplate: Sendable {
    /// Which syntax the file uses.
    public enum Format: String, Sendable, Codable {
        case dotprompt, prompty
    }

    /// What the model is asked to return (`output.format`, `output.schema`).
    public struct Output: Sendable, Equatable {
        /// `text` (the default) or `json`.
        public var format: String = "text"
        /// JSON Schema of a `json` answer, from Picoschema or JSON Schema.
        public var schema: Value?
    }

    /// The template's name: `name` in the front matter, else the file name without extension.
    public var name: String
    public var description: String?
    /// `model`: the model to ask, else the configured one.
    public var model: String?
    /// `config`: sampling options.
    public var settings: ModelSettings = .init()
    /// `input.schema` as JSON Schema (Picoschema converted); nil: any variables.
    public var inputSchema: Value?
    /// `input.default`: values for variables the caller leaves out.
    public var defaults: [String: Value] = [:]
    public var output = Output()
    /// `tools`: qualified MCP tool names or globs (`weather__*`); nil: every tool; empty: none.
    public var tools: [String]?
    /// `lmg.servers`: only these servers are started for the template; nil: every configured one.
    public var servers: [String]?
    /// `lmg.maxToolIterations`.
    public var maxToolIterations: Int?
    /// `lmg.toolChoice`: `auto`, `none`, `required`, or a qualified tool name.
    public var toolChoice: String?
    /// The Mustache body, role markers and all.
    public var body: String
    /// The file line the body starts on.
    public var bodyLine: Int
    /// Where it was read from.
    public var file: String
    public var format: Format
    /// Front-matter keys lmg does not know (other tools' extensions), kept for `show`.
    public var extensions: [String: Value] = [:]

    public init(name: String, body: String, file: String = "<memory>", bodyLine: Int = 1, format: Format = .dotprompt) {
        self.name = name
        self.body = body
        self.file = file
        self.bodyLine = bodyLine
        self.format = format
    }

    /// The variables the schema declares, and which of them are required.
    public var declaredVariables: [(name: String, required: Bool, description: String?)] {
        guard case .object(let schema) = inputSchema, case .object(let properties) = schema["properties"] else { return [] }
        var required: Set<String> = []
        if case .array(let names) = schema["required"] {
            for case .string(let name) in names { required.insert(name) }
        }
        return properties.keys.sorted().map { name in
            var description: String?
            if case .object(let property) = properties[name], case .string(let text) = property["description"] { description = text }
            return (name, required.contains(name) && defaults[name] == nil, description)
        }
    }
}

/// Sampling options from a template's `config` (dotprompt) or `model.parameters` (Prompty).
public struct ModelSettings: Sendable, Equatable {
    public var temperature: Double?
    public var maxOutputTokens: Int?
    public var topP: Double?
    public var stopSequences: [String]?
    /// Sent as `top_k`, which llama.cpp and vLLM read (OpenAI ignores it).
    public var topK: Int?

    public init(temperature: Double? = nil, maxOutputTokens: Int? = nil, topP: Double? = nil, stopSequences: [String]? = nil) {
        (self.temperature, self.maxOutputTokens, self.topP, self.stopSequences) = (temperature, maxOutputTokens, topP, stopSequences)
    }
}
