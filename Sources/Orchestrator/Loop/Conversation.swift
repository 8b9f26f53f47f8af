import ModelClient
import MCP

/// A conversation to save and resume: the messages in OpenAI form, and the system prompt and
/// model it ran with.
public struct Conversation: Codable, Sendable, Hashable {
    /// Sent before `messages` in every request; kept apart so changing it applies to later turns.
    public var systemPrompt: String?
    /// The model name override; nil uses the model client's.
    public var model: String?
    public var messages: [ChatMessage]

    public init(systemPrompt: String? = nil, model: String? = nil, messages: [ChatMessage] = []) {
        self.systemPrompt = systemPrompt
        self.model = model
        self.messages = messages
    }

    /// What a request carries: the system prompt first, then the messages.
    var requestMessages: [ChatMessage] {
        guard let systemPrompt, !systemPrompt.isEmpty else { return messages }
        return [.system(systemPrompt)] + messages
    }

    /// The messages of an MCP prompt (`prompts/get`) in chat form, to seed a conversation.
    /// Images become image parts; resources their text, or a reference when binary.
    public static func messages(from prompt: GetPrompt.Result) -> [ChatMessage] {
        prompt.messages.map { message in
            let role: ChatMessage.Role = message.role == .assistant ? .assistant : .user
            switch message.content {
            case .text(let text):
                return ChatMessage(role: role, content: .text(text))
            case .image(let data, let mimeType):
                return ChatMessage(role: role, content: .parts([.imageURL("data:\(mimeType);base64,\(data)")]))
            case .audio(_, let mimeType):
                return ChatMessage(role: role, content: .text("[audio: \(mimeType)]"))
            case .resource(let resource, _, _):
                return ChatMessage(role: role, content: .text(resource.text.map { "[resource \(resource.uri)]\n\($0)" }
                    ?? "[resource \(resource.uri): \(resource.mimeType ?? "binary")]"))
            case .resourceLink(let uri, let name, _, _, _, _):
                return ChatMessage(role: role, content: .text("[resource link: \(uri) (\(name))]"))
            }
        }
    }

    /// A user message attaching a resource read from a server (`resources/read`): text contents
    /// inline, images as image parts, other binary contents described.
    public static func message(attaching contents: [Resource.Content], from server: String) -> ChatMessage {
        var parts: [ContentPart] = []
        for content in contents {
            let header = "[resource \(content.uri) from server '\(server)'\(content.mimeType.map { ", \($0)" } ?? "")]"
            if let text = content.text {
                parts.append(.text("\(header)\n\(text)"))
            } else if let blob = content.blob, let mime = content.mimeType, mime.hasPrefix("image/") {
                parts.append(.text(header))
                parts.append(.imageURL("data:\(mime);base64,\(blob)"))
            } else {
                parts.append(.text("\(header): binary, \(ToolResultFormatter.size(content.blob ?? "")) bytes, not shown"))
            }
        }
        if parts.isEmpty { parts = [.text("[resources from server '\(server)': empty]")] }
        if parts.count == 1, case .text(let text) = parts[0] { return .user(text) }
        return ChatMessage(role: .user, content: .parts(parts))
    }

    /// Makes the history valid for the next request after an interrupted turn: every tool call
    /// of an assistant message gets a tool message (endpoints reject unanswered calls).
    mutating func answerPendingCalls(with text: String) {
        var answered = Set(messages.compactMap(\.toolCallID))
        var index = 0
        while index < messages.count {
            let message = messages[index]
            index += 1
            guard message.role == .assistant, let calls = message.toolCalls else { continue }
            // Tool messages answering this turn follow it directly.
            var insertAt = index
            while insertAt < messages.count, messages[insertAt].role == .tool { insertAt += 1 }
            for call in calls where !answered.contains(call.id) {
                messages.insert(.tool(text, answering: call), at: insertAt)
                answered.insert(call.id)
                insertAt += 1
            }
            index = insertAt
        }
    }
}
