import Foundation
import GatewayRuntime
import MCP
import PromptTemplates

/// The prompt templates of `Prompts/` (or `prompts_dir`) in `lmg chat`: `/prompts` lists them
/// beside the servers' prompts, `/prompt NAME` starts from one, Tab completes their names.
extension ChatSession {
    var templateLibrary: PromptLibrary {
        PromptLibrary(directory: PromptLibrary.directory(explicit: nil, configured: config.promptsDirectory))
    }

    /// The names of the templates that load, sorted; none when the folder does not exist.
    func templateNames() -> [String] {
        let library = templateLibrary
        guard library.exists else { return [] }
        return library.templates().map(\.name).sorted()
    }

    /// The template `name`, when the folder has one (nil: the name is left to the servers' prompts).
    func template(named name: String) -> PromptTemplate? {
        templateLibrary.exists ? templateLibrary.template(named: name) : nil
    }

    /// `/prompts`: one line per template, as for the servers' prompts.
    func listTemplates() {
        let library = templateLibrary
        for template in library.exists ? library.templates() : [] {
            let arguments = template.declaredVariables.map { $0.required ? $0.name : "[\($0.name)]" }.joined(separator: " ")
            say(style.cyan(template.name) + " \(arguments)" + style.dim(" — template \(template.file)" + (template.description.map { ": \($0)" } ?? "")))
        }
    }

    /// `/prompt NAME k=v` for a template: its system messages become the conversation's system
    /// prompt, the rest are added, and a last user message is sent. The chat keeps its own model
    /// and tools; `lmg prompt run` applies the template's.
    func startFromTemplate(_ template: PromptTemplate, arguments: [String: String]) async throws {
        let variables: [String: Value]
        do {
            variables = try ToolArguments.build(json: nil, pairs: arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }, schema: template.inputSchema)
        } catch {
            throw ChatError("\(template.file): \(error)")
        }
        let rendered: RenderedPrompt
        do {
            rendered = try templateLibrary.renderer().render(template, variables: variables)
        } catch {
            throw ChatError("\(error)")
        }
        for warning in rendered.warnings { say(style.dim("warning: \(warning)")) }
        let (system, messages) = rendered.split
        if let system { await orchestrator.setSystemPrompt(system) }
        say(style.dim("template \(template.name): \(system == nil ? "" : "system prompt set, ")\(messages.count) message\(messages.count == 1 ? "" : "s") added"))
        if messages.last?.role == .user {
            await runTurn(await orchestrator.send(messages: messages))
        } else {
            await orchestrator.append(messages)
        }
    }
}
