import MCP

/// Everything a session serves, built once and shared by all sessions.
struct ServerCatalog: Sendable {
    let configuration: BuiltinServerConfiguration
    /// In `tools/list` order.
    let tools: [ToolEntry]
    let toolsByName: [String: ToolEntry]
    let resources: ResourceCatalog
    let prompts: PromptCatalog

    init(_ configuration: BuiltinServerConfiguration) {
        self.configuration = configuration
        let root = configuration.root
        let tools = [
            EchoTool.entry,
            CurrentTimeTool.entry,
            CalculateTool.entry,
            ReadFileTool.entry(root: root, defaultLimit: configuration.defaultReadLimit),
            ListDirectoryTool.entry(root: root),
        ] + configuration.extraTools
        let prompts = PromptCatalog(root: root, readLimit: configuration.defaultReadLimit, source: configuration.promptSource)
        self.tools = tools
        self.toolsByName = Dictionary(tools.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        self.prompts = prompts
        self.resources = ResourceCatalog(root: root, about: Self.about(configuration, tools: tools, prompts: prompts.prompts))
    }

    var capabilities: Server.Capabilities {
        Server.Capabilities(
            logging: .init(),
            prompts: .init(listChanged: false),
            resources: .init(subscribe: false, listChanged: false),
            tools: .init(listChanged: false))
    }

    var serverInfo: Server.Info {
        Server.Info(
            name: BuiltinServerConfiguration.serverName, version: configuration.version,
            title: "lmg built-in server",
            description: "Read-only tools for time, arithmetic and the files under \(configuration.root.path).")
    }

    /// What a model is told about this server when a client forwards `instructions`.
    var instructions: String {
        """
        Read-only helpers. current_time gives the date and time in any IANA zone; calculate evaluates \
        arithmetic exactly (prefer it to mental math); read_file and list_directory see only the files \
        under \(configuration.root.path), with paths relative to it. The prompt explain_file embeds a \
        file and asks for an explanation; the resource \(ResourceCatalog.aboutURI) describes all of this.
        """
    }

    static func about(_ configuration: BuiltinServerConfiguration, tools: [ToolEntry], prompts: [Prompt]) -> String {
        var text = """
            # lmg-builtin \(configuration.version)

            The MCP server built into `lmg`: `lmg mcp-server` speaks MCP over stdio, and \
            `lmg mcp-server --http PORT` speaks Streamable HTTP on 127.0.0.1. Everything it offers is \
            read-only. Files are served from the root `\(configuration.root.path)` only: paths that leave \
            it through `..` or symbolic links are refused, and so are binary files in the text tools.

            ## Tools


            """
        for tool in tools {
            text += "- `\(tool.name)` — \(tool.definition.description ?? "")\n"
        }
        text += """

            ## Resources

            - `\(ResourceCatalog.aboutURI)` — this page.
            - `file:///{+path}` (template) — a file under the root, by absolute path.

            ## Prompts


            """
        for prompt in prompts {
            let arguments = (prompt.arguments ?? []).map { $0.name + ($0.required == true ? "" : "?") }
            text += "- `\(prompt.name)(\(arguments.joined(separator: ", ")))` — \(prompt.description ?? "")\n"
        }
        return text
    }
}
