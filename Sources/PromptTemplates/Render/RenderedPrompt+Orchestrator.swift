import MCP
import MCPGateway
import ModelClient
import Orchestrator

extension RenderedPrompt {
    /// Names the resource functions answer to: a template lists them in `tools` to offer them.
    static let resourceFunctionNames = ResourceFunction.allCases.map(\.rawValue)

    /// `base` with what the template sets: its system messages as the system prompt (none when
    /// it has none, whatever the config says, so the template alone decides what is sent), its
    /// sampling options, `response_format`, `tool_choice` and iteration limit; resource functions
    /// only when `tools` is absent or names them.
    public func orchestratorOptions(base: OrchestratorOptions = .init()) -> OrchestratorOptions {
        var options = base
        options.systemPrompt = split.system
        options.temperature = settings.temperature ?? base.temperature
        options.maxTokens = settings.maxOutputTokens ?? base.maxTokens
        options.toolChoice = toolChoice ?? base.toolChoice
        options.extraRequestMembers.merge(extraRequestMembers) { _, template in template }
        if let maxToolIterations { options.maxToolIterations = maxToolIterations }
        options.modelResources = base.modelResources && offersResources
        return options
    }

    /// True when the model may list and read resources under this template.
    public var offersResources: Bool {
        guard let tools else { return true }
        return tools.map(Glob.init).contains { pattern in Self.resourceFunctionNames.contains(where: pattern.matches) }
    }

    /// `base` narrowed to the template's servers (`lmg.servers`) and tools (`tools` globs).
    public func router(over base: any ToolRouter) -> any ToolRouter {
        let servers = servers.map(Set.init)
        let patterns = tools?.map(Glob.init)
        let resources = offersResources
        return FilteredToolRouter(base, resourcesOf: { server in resources && (servers?.contains(server) ?? true) }) { tool in
            (servers?.contains(tool.server) ?? true) && (patterns?.contains { $0.matches(tool.qualifiedName) } ?? true)
        }
    }

    /// Glob patterns in `tools` that match no tool of `namespace` (nor a resource function):
    /// almost always a typo, which would otherwise just leave the model without the tool.
    public func unmatchedToolPatterns(in namespace: ToolNamespace) -> [String] {
        (tools ?? []).filter { pattern in
            let glob = Glob(pattern)
            return !namespace.tools.contains { glob.matches($0.qualifiedName) } && !Self.resourceFunctionNames.contains(where: glob.matches)
        }
    }
}
