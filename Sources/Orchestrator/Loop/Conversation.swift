import ModelClient
import MCP
import MCPGateway

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

    /// The messages of an MCP prompt (`prompts/get`) in chat form, to seed a conversation,
    /// rendered for the model (``ContentRenderer``): images become image parts unless
    /// `supportsImages` is false; resources their text, or a description when binary.
    public static func messages(from prompt: GetPrompt.Result, supportsImages: Bool = true) -> [ChatMessage] {
        let renderer = ContentRenderer.model(images: supportsImages)
        return prompt.messages.map { message in
            ChatMessage(role: message.role == .assistant ? .assistant : .user, rendered: renderer.render(message.content))
        }
    }

    /// A user message attaching a resource read from a server (`resources/read`): text contents
    /// inline under a header naming the server, images as image parts unless `supportsImages`
    /// is false, other binary contents described.
    public static func message(attaching contents: [Resource.Content], from server: String, supportsImages: Bool = true) -> ChatMessage {
        ChatMessage(role: .user, rendered: ContentRenderer.model(images: supportsImages).render(contents, from: server))
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
