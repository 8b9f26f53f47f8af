/// The body of a Chat Completions request.
public struct ChatRequest: Encodable, Sendable {
    /// nil: the model client uses its configured model.
    public var model: String?
    public var messages: [ChatMessage]
    public var tools: [FunctionTool]
    public var temperature: Double?
    public var maxTokens: Int?
    /// The model client decides: its configuration says whether to stream.
    var stream: Bool = false

    public init(
        model: String? = nil, messages: [ChatMessage], tools: [FunctionTool] = [], temperature: Double? = nil,
        maxTokens: Int? = nil
    ) {
        self.model = model
        self.messages = messages
        self.tools = tools
        self.temperature = temperature
        self.maxTokens = maxTokens
    }

    enum CodingKeys: String, CodingKey {
        case model, messages, tools, temperature, stream
        case maxTokens = "max_tokens"
        case streamOptions = "stream_options"
    }

    struct StreamOptions: Encodable {
        var include_usage = true
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encode(messages, forKey: .messages)
        // An empty tools array is rejected by some endpoints: leave the key out instead.
        if !tools.isEmpty { try container.encode(tools, forKey: .tools) }
        try container.encodeIfPresent(temperature, forKey: .temperature)
        try container.encodeIfPresent(maxTokens, forKey: .maxTokens)
        if stream {
            try container.encode(true, forKey: .stream)
            try container.encode(StreamOptions(), forKey: .streamOptions)
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
    }

    public init(name: String, description: String?, parameters: JSONValue) {
        function = Function(name: name, description: description, parameters: parameters)
    }
}
