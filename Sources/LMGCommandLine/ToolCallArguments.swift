import ArgumentParser
import GatewayRuntime
import MCP
import MCPGateway

/// `SERVER TOOL [k=v ...] [--args JSON]`: how every command that calls one tool names it.
public struct ToolCallArguments: ParsableArguments, Sendable {
    @Argument(help: "The server's name in the configuration.")
    public var serverName: String

    @Argument(help: "The tool's name.")
    public var tool: String

    @Argument(help: "key=value arguments, typed by the tool's input schema.")
    public var pairs: [String] = []

    @Option(name: .long, help: "Arguments as a JSON object.")
    public var args: String?

    public init() {}

    /// The tool as the server lists it, with its arguments typed by its schema. A tool the server
    /// lacks (or the config hides) is a usage error naming the closest one it has.
    public func resolve(on runtime: GatewayRuntime) async throws -> ResolvedToolCall {
        let client = try await runtime.manager.client(named: serverName)
        let tools = try await client.listTools()
        guard let definition = tools.first(where: { $0.name == tool }), client.config.exposes(tool: tool) else {
            let names = tools.map(\.name).filter { client.config.exposes(tool: $0) }
            let hint = NameSuggestion.closest(to: tool, in: names).map { " (did you mean '\($0)'?)" } ?? ""
            throw RuntimeFailure.usage("server '\(serverName)' has no tool '\(tool)'\(hint)")
        }
        let arguments = try ToolArguments.build(json: args, pairs: pairs, schema: definition.inputSchema)
        let qualified = await runtime.manager.namespace().tools.first { $0.server == serverName && $0.tool.name == tool }
        return ResolvedToolCall(
            client: client, definition: definition, qualifiedName: qualified?.qualifiedName ?? tool, arguments: arguments)
    }
}

/// One tool, found and ready to call.
public struct ResolvedToolCall: Sendable {
    /// The server's connected client.
    public let client: MCPClient
    /// The tool as the server listed it.
    public let definition: Tool
    /// The name models call it by (`server__tool`).
    public let qualifiedName: String
    /// The arguments, typed by the tool's input schema.
    public let arguments: [String: Value]

    /// The arguments as compact JSON text, as a model would send them.
    public var argumentsJSON: String { ContentRenderer.json(.object(arguments)) }
}
