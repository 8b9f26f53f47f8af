import MCP
import MCPGateway
import ModelClient

/// The two functions through which a model reads MCP resources itself: `lmg_list_resources`
/// and `lmg_read_resource`, offered beside the MCP tools whenever the router has a server with
/// resources (``OrchestratorOptions/modelResources``).
///
/// Their names have no `__` and do not end in a hash, so no MCP tool's qualified name can ever
/// be one of them (``ToolNamespace/couldBeQualifiedName(_:)``). They change nothing, so they
/// count as read-only for approvals.
public enum ResourceFunction: String, Sendable, CaseIterable {
    /// Lists resources and resource templates, of every server or one.
    case list = "lmg_list_resources"
    /// Reads one resource by URI (a listed one, or one built from a template).
    case read = "lmg_read_resource"

    /// The function as the model is offered it.
    public var definition: FunctionTool {
        FunctionTool(name: rawValue, description: description, parameters: JSONValue(schema))
    }

    /// Both definitions, built once: they go with every model request.
    static let definitions = allCases.map(\.definition)
    /// Both schemas, built once: every call is checked against one.
    static let schemas = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.makeSchema()) })

    /// The JSON Schema of its arguments; calls are checked against it before they run.
    public var schema: Value { Self.schemas[self] ?? makeSchema() }

    private func makeSchema() -> Value {
        let server: Value = .object([
            "type": "string",
            "description": .string(self == .list
                ? "Only this server's resources. Leave it out to list every server's."
                : "The server to read from; needed only when several servers list the same URI."),
        ])
        switch self {
        case .list:
            return .object(["type": "object", "properties": .object(["server": server]), "additionalProperties": false])
        case .read:
            return .object([
                "type": "object",
                "properties": .object([
                    "uri": .object([
                        "type": "string",
                        "description": "The resource's URI, as listed, or built from a resource template by filling in its {variables}.",
                    ]),
                    "server": server,
                ]),
                "required": ["uri"],
                "additionalProperties": false,
            ])
        }
    }

    var description: String {
        switch self {
        case .list:
            return "Lists the resources (files, documents, records, … that the connected MCP servers expose) as JSON: each with its uri, name, description, mimeType and server, and the resource templates (uriTemplate) from which more URIs can be built. Call it to find out what you can read with lmg_read_resource."
        case .read:
            return "Reads one resource by its URI and returns its contents. The URI comes from lmg_list_resources, or from a resource template with its {variables} filled in."
        }
    }
}

/// The resource functions' part of one round: which are offered, and running a call of one.
struct ResourceFunctions {
    let router: any ToolRouter
    /// The servers whose resources are offered, when any are.
    let servers: [String]

    /// The functions to offer: none when the option is off, no server has resources, or the app
    /// offers functions of the same names itself (its own win).
    static func offered(by router: any ToolRouter, enabled: Bool, external: Set<String>) async -> ResourceFunctions? {
        guard enabled, !ResourceFunction.allCases.contains(where: { external.contains($0.rawValue) }) else { return nil }
        let servers = await router.resourceServers()
        return servers.isEmpty ? nil : ResourceFunctions(router: router, servers: servers)
    }

    var definitions: [FunctionTool] { ResourceFunction.definitions }

    /// What the model is told, and whether it was an error.
    struct Answer: Sendable {
        var content: RenderedContent
        var isError: Bool
        /// The server that answered a read.
        var server: String?
    }

    /// Runs one call with arguments already checked against the function's schema.
    func run(_ function: ResourceFunction, _ arguments: [String: Value], renderer: ContentRenderer, limit: Int) async -> Answer {
        let server = arguments["server"]?.stringValue
        if let server, !servers.contains(server) {
            let close = NameSuggestion.ranked(to: server, in: servers)
            return .error("there is no server '\(server)' with resources"
                + (close.isEmpty ? "" : " (did you mean \(close.map { "'\($0)'" }.joined(separator: ", "))?)")
                + "; servers with resources: \(servers.joined(separator: ", ")).")
        }
        switch function {
        case .list:
            return await list(server.map { [$0] } ?? servers, limit: limit)
        case .read:
            guard let uri = arguments["uri"]?.stringValue else { return .error("the argument 'uri' is required.") }
            return await read(uri, server: server, renderer: renderer)
        }
    }
}

extension ResourceFunctions.Answer {
    static func error(_ text: String, server: String? = nil) -> Self {
        .init(content: RenderedContent(text: "Error: " + text), isError: true, server: server)
    }
}
