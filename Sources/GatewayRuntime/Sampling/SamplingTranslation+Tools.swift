import Foundation
import MCP
import ModelClient
import Orchestrator

/// Sampling with tools (2025-11-25): the server offers tools to lmg's model and runs the ones it
/// calls itself. The offered tools become the model's functions, `tool_use` blocks its tool calls,
/// `tool_result` blocks its `tool` messages, and a turn that calls tools a `toolUse` result.
extension SamplingTranslation {
    /// The model's functions and `tool_choice` for `params["tools"]` / `params["toolChoice"]`.
    static func tools(_ params: [String: Value]) -> Result<([FunctionTool], JSONValue?), Refusal> {
        var tools: [FunctionTool] = []
        if let raw = params["tools"] {
            guard case .array(let entries) = raw else { return .failure(Refusal("tools must be an array")) }
            var names: Set<String> = []
            for (index, entry) in entries.enumerated() {
                guard case .object(let tool) = entry, let name = tool["name"]?.stringValue, !name.isEmpty else {
                    return .failure(Refusal("tool \(index + 1) has no name"))
                }
                guard names.insert(name).inserted else { return .failure(Refusal("tool '\(name)' is offered twice")) }
                let raw = tool["inputSchema"] ?? .object(["type": "object"])
                guard case .object = raw else { return .failure(Refusal("tool '\(name)' has an inputSchema that is not an object")) }
                // The same schema fixes as the MCP tools the orchestrator offers (an object needs properties).
                let schema = JSONValue(ToolSchemaConverter.parameters(raw))
                tools.append(FunctionTool(name: name, description: tool["description"]?.stringValue, parameters: schema))
            }
        }
        guard let choice = params["toolChoice"] else { return .success((tools, nil)) }
        guard case .object(let object) = choice else { return .failure(Refusal("toolChoice must be an object")) }
        switch object["mode"]?.stringValue {
        case nil: return .success((tools, nil))
        case let mode? where ["auto", "required", "none"].contains(mode):
            if mode == "required" && tools.isEmpty { return .failure(Refusal("toolChoice is required, and no tools are offered")) }
            return .success((tools, tools.isEmpty ? nil : .string(mode)))
        case let mode?:
            return .failure(Refusal("toolChoice mode '\(mode)' is not auto, required or none"))
        }
    }

    /// An assistant message's `tool_use` block as the model's tool call.
    static func toolCall(_ block: [String: Value]) -> Result<ToolCall, Refusal> {
        guard let id = block["id"]?.stringValue, !id.isEmpty, let name = block["name"]?.stringValue, !name.isEmpty else {
            return .failure(Refusal("a tool_use block needs an id and a name"))
        }
        let input = block["input"] ?? .object([:])
        guard case .object = input, let data = try? JSONEncoder().encode(JSONValue(input)) else {
            return .failure(Refusal("tool_use '\(id)' has an input that is not an object"))
        }
        return .success(ToolCall(id: id, name: name, arguments: String(decoding: data, as: UTF8.self)))
    }

    /// A user message's `tool_result` block as the model's `tool` message: its text blocks, an
    /// error said as one, what a chat model cannot read named in brackets.
    static func toolResult(_ block: [String: Value]) -> Result<ChatMessage, Refusal> {
        guard let id = block["toolUseId"]?.stringValue, !id.isEmpty else {
            return .failure(Refusal("a tool_result block needs a toolUseId"))
        }
        var lines: [String] = []
        if case .array(let content)? = block["content"] {
            for item in content {
                guard case .object(let part) = item else { continue }
                if part["type"]?.stringValue == "text" {
                    lines.append(part["text"]?.stringValue ?? "")
                } else {
                    lines.append("[\(part["type"]?.stringValue ?? "content") not shown]")
                }
            }
        }
        if lines.isEmpty, let structured = block["structuredContent"], let data = try? JSONEncoder().encode(JSONValue(structured)) {
            lines.append(String(decoding: data, as: UTF8.self))
        }
        var text = lines.joined(separator: "\n")
        if block["isError"]?.boolValue == true { text = "error: " + text }
        return .success(ChatMessage(role: .tool, content: .text(text), toolCallID: id))
    }

    /// The model's tool call as a `tool_use` block; arguments that are not a JSON object are the
    /// model's mistake, and the server hears so rather than getting arguments lmg made up.
    static func toolUse(_ call: ToolCall) throws(Refusal) -> Value {
        let arguments = call.function.arguments.trimmingCharacters(in: .whitespacesAndNewlines)
        let input: Value
        if arguments.isEmpty {
            input = .object([:])
        } else if let parsed = try? JSONDecoder().decode(Value.self, from: Data(arguments.utf8)), case .object = parsed {
            input = parsed
        } else {
            throw Refusal("lmg's model called \(call.function.name) with arguments that are not a JSON object")
        }
        return ["type": "tool_use", "id": .string(call.id), "name": .string(call.function.name), "input": input]
    }
}
