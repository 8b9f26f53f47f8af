/// The body of a Chat Completions request.
public struct ChatRequest: Encodable, Sendable {
    /// nil: the model client uses its configured model.
    public var model: String?
    public var messages: [ChatMessage]
    public var tools: [FunctionTool]
    public var temperature: Double?
    public var maxTokens: Int?
    /// `auto`, `none`, `required` or `{"type": "function", "function": {"name": …}}`; nil sends none.
    public var toolChoice: JSONValue?
    /// Other members sent as they are (`seed`, `stop`, `response_format`, …): what a gateway's
    /// caller asked for and this type does not model. A member named like one above is not sent.
    public var extraMembers: [String: JSONValue]
    /// The model client decides: its configuration says whether to stream.
    var stream: Bool = false

    public init(
        model: String? = nil, messages: [ChatMessage], tools: [FunctionTool] = [], temperature: Double? = nil,
        maxTokens: Int? = nil, toolChoice: JSONValue? = nil, extraMembers: [String: JSONValue] = [:]
    ) {
        self.model = model
        self.messages = messages
        self.tools = tools
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.toolChoice = toolChoice
        self.extraMembers = extraMembers
    }

    /// The members this type writes itself; extra members never replace them.
    public static let modelledMembers: Set<String> = [
        "model", "messages", "tools", "temperature", "max_tokens", "tool_choice", "stream", "stream_options",
    ]

    struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    struct StreamOptions: Encodable {
        var include_usage = true
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        try container.encodeIfPresent(model, forKey: Key("model"))
        try container.encode(messages, forKey: Key("messages"))
        // An empty tools array is rejected by some endpoints: leave the key out instead.
        if !tools.isEmpty { try container.encode(tools, forKey: Key("tools")) }
        try container.encodeIfPresent(temperature, forKey: Key("temperature"))
        try container.encodeIfPresent(maxTokens, forKey: Key("max_tokens"))
        if !tools.isEmpty { try container.encodeIfPresent(toolChoice, forKey: Key("tool_choice")) }
        if stream {
            try container.encode(true, forKey: Key("stream"))
            try container.encode(StreamOptions(), forKey: Key("stream_options"))
        }
        for (name, value) in extraMembers where !Self.modelledMembers.contains(name) {
            try container.encode(value, forKey: Key(name))
        }
    }
}

/// One entry of the request's `tools` array.
public struct FunctionTool: Codable, Sendable, Hashable {
    public var type: String = "function"
    public var function: Function

    /// A function the model may call: the name it must use and the JSON Schema of its arguments.
    public struct Function: Codable, Sendable, Hashable {
        public var name: String
        public var description: String?
        public var parameters: JSONValue
        /// OpenAI's structured-outputs switch; nil sends none.
        public var strict: Bool?

        enum CodingKeys: String, CodingKey {
            case name, description, parameters, strict
        }

        public init(name: String, description: String?, parameters: JSONValue, strict: Bool? = nil) {
            (self.name, self.description, self.parameters, self.strict) = (name, description, parameters, strict)
        }

        /// `parameters` may be left out (a function without arguments): an empty object schema.
        public init(from decoder: Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            description = try container.decodeIfPresent(String.self, forKey: .description)
            parameters = try container.decodeIfPresent(JSONValue.self, forKey: .parameters)
                ?? .object(["type": .string("object"), "properties": .object([:])])
            strict = try container.decodeIfPresent(Bool.self, forKey: .strict)
        }
    }

    public init(name: String, description: String?, parameters: JSONValue) {
        function = Function(name: name, description: description, parameters: parameters)
    }
}
