import MCP
import ModelClient

/// A template rendered with its variables: the messages, and what the template says about the
/// request — everything a front end needs to ask the model, nothing it must work out again.
public struct RenderedPrompt: Sendable {
    /// The template's name.
    public var name: String
    /// The file it came from.
    public var file: String
    /// In order; a leading system message is the conversation's system prompt.
    public var messages: [ChatMessage]
    /// The template's `model`; nil: the configured one.
    public var model: String?
    public var settings: ModelSettings
    /// OpenAI's `response_format` for `output.format: json` (with the schema when one is given).
    public var responseFormat: JSONValue?
    /// Qualified tool names or globs the model may call; nil: every tool of ``servers``.
    public var tools: [String]?
    /// Servers to start; nil: every configured one.
    public var servers: [String]?
    public var maxToolIterations: Int?
    /// OpenAI's `tool_choice` from `lmg.toolChoice`.
    public var toolChoice: JSONValue?
    /// The variables used: the caller's, over the template's defaults.
    public var variables: [String: Value]
    /// Non-fatal findings (an unknown variable, one the body uses without a value), one line each.
    public var warnings: [String]

    /// The system prompt (the leading system messages, joined) and the rest.
    public var split: (system: String?, messages: [ChatMessage]) {
        let leading = messages.prefix { $0.role == .system }
        let system = leading.isEmpty ? nil : leading.map(\.text).joined(separator: "\n\n")
        return (system, Array(messages.dropFirst(leading.count)))
    }

    /// Request members ``ChatRequest`` does not model: `top_p`, `stop`, `top_k`, `response_format`.
    public var extraRequestMembers: [String: JSONValue] {
        var members: [String: JSONValue] = [:]
        if let topP = settings.topP { members["top_p"] = .double(topP) }
        if let stop = settings.stopSequences { members["stop"] = .array(stop.map(JSONValue.string)) }
        if let topK = settings.topK { members["top_k"] = .int(topK) }
        if let responseFormat { members["response_format"] = responseFormat }
        return members
    }
}

extension RenderedPrompt: Encodable {
    enum CodingKeys: String, CodingKey {
        case name, file, messages, model, temperature, max_tokens, extra, tools, servers, max_tool_iterations, tool_choice, variables, warnings
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(file, forKey: .file)
        try container.encode(messages, forKey: .messages)
        try container.encodeIfPresent(model, forKey: .model)
        try container.encodeIfPresent(settings.temperature, forKey: .temperature)
        try container.encodeIfPresent(settings.maxOutputTokens, forKey: .max_tokens)
        if !extraRequestMembers.isEmpty { try container.encode(extraRequestMembers, forKey: .extra) }
        try container.encodeIfPresent(tools, forKey: .tools)
        try container.encodeIfPresent(servers, forKey: .servers)
        try container.encodeIfPresent(maxToolIterations, forKey: .max_tool_iterations)
        try container.encodeIfPresent(toolChoice, forKey: .tool_choice)
        try container.encode(variables, forKey: .variables)
        try container.encode(warnings, forKey: .warnings)
    }
}
