import GatewayRuntime
import MCP
import MCPBuiltinServer
import PromptTemplates

/// The templates of a prompts folder as the built-in server's prompts: each template's input
/// schema becomes the prompt's arguments (typed again on the way in, as `lmg call` types them),
/// and its messages the prompt's — a system message as a user message, MCP prompts have no other.
struct TemplatePromptSource: BuiltinPromptSource {
    let library: PromptLibrary

    func prompts() -> [Prompt] {
        library.templates().map { template in
            Prompt(
                name: template.name, description: template.description,
                arguments: template.declaredVariables.map { .init(name: $0.name, description: $0.description, required: $0.required) })
        }
    }

    func get(_ name: String, arguments: [String: String]) throws -> GetPrompt.Result? {
        guard let template = library.template(named: name) else { return nil }
        let pairs = arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let variables = try ToolArguments.build(json: nil, pairs: pairs, schema: template.inputSchema)
        let rendered = try library.renderer().render(template, variables: variables)
        return GetPrompt.Result(
            description: template.description,
            messages: rendered.messages.map { message in
                message.role == .assistant ? .assistant(.text(text: message.text)) : .user(.text(text: message.text))
            })
    }
}
