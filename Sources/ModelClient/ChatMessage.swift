import Foundation

/// One message of a conversation in the OpenAI Chat Completions form, so a saved conversation
/// can be replayed against any compatible endpoint as it is.
public struct ChatMessage: Codable, Sendable, Hashable {
    /// Who speaks.
    public enum Role: String, Codable, Sendable, Hashable {
        case system, user, assistant, tool
    }

    public var role: Role
    /// Text, or text and images for vision models; nil for an assistant turn of tool calls only.
    public var content: MessageContent?
    /// The calls an assistant turn asked for.
    public var toolCalls: [ToolCall]?
    /// On a tool message: the call it answers.
    public var toolCallID: String?
    /// On a tool message: the function name, which some endpoints want alongside the id.
    public var name: String?

    public init(
        role: Role, content: MessageContent?, toolCalls: [ToolCall]? = nil, toolCallID: String? = nil,
        name: String? = nil
    ) {
        self.role = role
        self.content = content
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
        self.name = name
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: .text(text)) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: .text(text)) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: .assistant, content: .text(text)) }

    /// A tool result answering `call`.
    public static func tool(_ text: String, answering call: ToolCall) -> ChatMessage {
        ChatMessage(role: .tool, content: .text(text), toolCallID: call.id, name: call.function.name)
    }

    /// The text parts joined; empty when there is none.
    public var text: String {
        switch content {
        case .text(let text): return text
        case .parts(let parts): return parts.compactMap(\.text).joined(separator: "\n")
        case nil: return ""
        }
    }

    enum CodingKeys: String, CodingKey {
        case role, content, name
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        // Assistant turns with only tool calls carry an explicit null: some servers reject a missing key.
        if let content { try container.encode(content, forKey: .content) } else { try container.encodeNil(forKey: .content) }
        try container.encodeIfPresent(toolCalls, forKey: .toolCalls)
        try container.encodeIfPresent(toolCallID, forKey: .toolCallID)
        try container.encodeIfPresent(name, forKey: .name)
    }
}

/// Message content: plain text, or parts (text and images) for endpoints that take images.
public enum MessageContent: Codable, Sendable, Hashable {
    case text(String)
    case parts([ContentPart])

    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .text(text)
        } else {
            self = .parts(try container.decode([ContentPart].self))
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .text(let text): try container.encode(text)
        case .parts(let parts): try container.encode(parts)
        }
    }
}

/// One part of a multi-part message.
public enum ContentPart: Codable, Sendable, Hashable {
    case text(String)
    /// An image as a URL; MCP images travel as `data:<mime>;base64,<data>` URLs.
    case imageURL(String)

    var text: String? {
        if case .text(let text) = self { return text }
        return nil
    }

    enum CodingKeys: String, CodingKey {
        case type, text
        case imageURL = "image_url"
    }

    struct ImageURL: Codable {
        var url: String
    }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .type) {
        case "image_url": self = .imageURL(try container.decode(ImageURL.self, forKey: .imageURL).url)
        default: self = .text(try container.decodeIfPresent(String.self, forKey: .text) ?? "")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let text):
            try container.encode("text", forKey: .type)
            try container.encode(text, forKey: .text)
        case .imageURL(let url):
            try container.encode("image_url", forKey: .type)
            try container.encode(ImageURL(url: url), forKey: .imageURL)
        }
    }
}

/// A function call the model asked for.
public struct ToolCall: Codable, Sendable, Hashable {
    public var id: String
    public var type: String
    public var function: FunctionCall

    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.type = "function"
        self.function = FunctionCall(name: name, arguments: arguments)
    }

    /// The function name and its arguments as the JSON text the model wrote (possibly invalid).
    public struct FunctionCall: Codable, Sendable, Hashable {
        public var name: String
        public var arguments: String

        public init(name: String, arguments: String) {
            self.name = name
            self.arguments = arguments
        }
    }
}
