import MCP
import MCPGateway
import Orchestrator

/// A server's MCP prompt used where a template goes: `mcp:SERVER/PROMPT` in `lmg prompt render`,
/// `run` and a test file's `prompt`. The server renders it (`prompts/get`); this value checks the
/// variables against the prompt's declared arguments and turns the result into a
/// ``RenderedPrompt`` like a template's, so everything after rendering is the same.
///
/// The explicit `mcp:` form never collides with a template's name or file, and names the one
/// server to start.
public struct MCPPromptReference: Sendable, Hashable, CustomStringConvertible {
    public var server: String
    public var prompt: String

    public init(server: String, prompt: String) {
        (self.server, self.prompt) = (server, prompt)
    }

    /// `mcp:SERVER/PROMPT`; nil for anything else (a template's name or file).
    public static func parse(_ text: String) -> MCPPromptReference? {
        guard text.hasPrefix("mcp:") else { return nil }
        let rest = text.dropFirst(4)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let server = String(rest[..<slash]), prompt = String(rest[rest.index(after: slash)...])
        guard !server.isEmpty, !prompt.isEmpty else { return nil }
        return MCPPromptReference(server: server, prompt: prompt)
    }

    public var description: String { "mcp:\(server)/\(prompt)" }

    /// The variables as the prompt's string arguments (JSON text for other values), checked
    /// against `declared` (the server's listing): a missing required argument is an error naming
    /// it; an unknown one is a warning and is not sent (servers such as the Python SDK's refuse
    /// a prompt call with an argument they do not declare), as a template ignores one.
    public func arguments(_ variables: [String: Value], declared: [Prompt.Argument]?) throws(PromptFileError) -> (arguments: [String: String], warnings: [String]) {
        let arguments = variables.mapValues { value in
            if case .string(let text) = value { return text }
            return ContentRenderer.json(value)
        }
        guard let declared else { return (arguments, []) }
        for argument in declared where argument.required == true && arguments[argument.name] == nil {
            throw PromptFileError(file: description, message: "argument '\(argument.name)' is required (give \(argument.name)=VALUE)", isAboutVariables: true)
        }
        let known = Set(declared.map(\.name))
        let warnings = arguments.keys.sorted().filter { !known.contains($0) }.map {
            "\(description): '\($0)' is not an argument of this prompt, ignored (it has: \(declared.isEmpty ? "none" : declared.map(\.name).joined(separator: ", ")))"
        }
        return (arguments.filter { known.contains($0.key) }, warnings)
    }

    /// The server's answer as a rendered prompt: its messages, no options of its own, every tool
    /// (as `lmg run` offers them), and the variables it was given.
    public func rendered(_ result: GetPrompt.Result, variables: [String: Value], warnings: [String] = []) throws(PromptFileError) -> RenderedPrompt {
        let messages = Conversation.messages(from: result)
        guard !messages.isEmpty else { throw PromptFileError(file: description, message: "the server's prompt has no messages") }
        return RenderedPrompt(
            name: "\(server)/\(prompt)", file: description, messages: messages, model: nil, settings: .init(), responseFormat: nil,
            tools: nil, servers: nil, maxToolIterations: nil, toolChoice: nil, variables: variables, warnings: warnings)
    }

    /// Lists the server's prompts, checks the variables against this one's arguments, and gets it.
    public func render(_ variables: [String: Value], through manager: MCPManager) async throws -> RenderedPrompt {
        let declared = try await listing(from: manager)
        let (arguments, warnings) = try self.arguments(variables, declared: declared.arguments)
        let result = try await manager.getPrompt(server: server, name: prompt, arguments: arguments)
        return try rendered(result, variables: variables, warnings: warnings)
    }

    /// The server's listing of this prompt; a usage error naming the prompts it has when none is called so.
    public func listing(from manager: MCPManager) async throws -> Prompt {
        let listed = try await manager.listPrompts(server: server)
        guard let declared = listed.first(where: { $0.name == prompt }) else {
            let names = listed.map(\.name).sorted()
            throw PromptFileError(
                file: description, message: "server '\(server)' has no prompt '\(prompt)' (it has: \(names.isEmpty ? "none" : names.joined(separator: ", ")))",
                isAboutVariables: true)
        }
        return declared
    }

    /// A stand-in template for test suites and listings: the reference as name and file, no body.
    public var template: PromptTemplate {
        PromptTemplate(name: "\(server)/\(prompt)", body: "", file: description)
    }
}
