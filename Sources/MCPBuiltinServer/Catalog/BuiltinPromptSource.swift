import MCP

/// Prompts the built-in server serves beside its own: the program hands in lmg's templates from
/// `Prompts/` (`lmg mcp-server --prompts DIR`), so any MCP host can use them. The server knows
/// nothing of template files; it asks the source at every list and get, so edits show at once.
public protocol BuiltinPromptSource: Sendable {
    /// The prompts, as `prompts/list` shows them.
    func prompts() -> [Prompt]
    /// The rendered prompt, or nil when `name` is not one of this source's. A thrown error's text
    /// goes back to the client as the invalid-params message.
    func get(_ name: String, arguments: [String: String]) throws -> GetPrompt.Result?
}
