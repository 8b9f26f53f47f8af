import ArgumentParser
import Foundation
import GatewayRuntime
import LMGCommandLine
import MCP
import MCPGateway
import ModelClient
import Orchestrator
import PromptTemplates

/// The variables of `render` and `run`: `key=value` pairs, typed by the input schema.
struct PromptVariables: ParsableArguments {
    @Argument(help: "The template: a name in the folder, a file, or a server's prompt as mcp:SERVER/PROMPT.")
    var name: String

    @Argument(help: "Variables as key=value (typed by the template's input schema; JSON values allowed).")
    var pairs: [String] = []

    @Option(name: .customLong("vars"), help: "Variables as one JSON object (pairs override its members).")
    var varsJSON: String?

    /// Loads the template and renders it with the variables; warnings go to stderr.
    func render(_ location: PromptLocation, config: GatewayConfig) throws -> RenderedPrompt {
        try PromptFailure.guarding {
            let library = location.library(config)
            let (template, warnings) = try library.load(name)
            for warning in warnings { Terminal.warning(warning) }
            let variables: [String: Value]
            do {
                variables = try ToolArguments.build(json: varsJSON, pairs: pairs, schema: template.inputSchema)
            } catch {
                // ToolArguments names its own flag; here the JSON comes from --vars.
                throw RuntimeFailure.usage("\(template.file): \("\(error)".replacingOccurrences(of: "--args", with: "--vars"))")
            }
            let rendered = try library.renderer().render(template, variables: variables)
            for warning in rendered.warnings { Terminal.warning(warning) }
            return rendered
        }
    }
}

extension PromptVariables {
    /// The MCP prompt `name` names (`mcp:SERVER/PROMPT`), if it names one.
    var mcpPrompt: MCPPromptReference? { MCPPromptReference.parse(name) }

    /// Renders a server's prompt through `manager`: the arguments checked against its listing,
    /// then `prompts/get`. Warnings go to stderr.
    func render(_ reference: MCPPromptReference, manager: MCPManager) async throws -> RenderedPrompt {
        let variables: [String: Value]
        do {
            variables = try ToolArguments.build(json: varsJSON, pairs: pairs, schema: nil)
        } catch {
            throw RuntimeFailure.usage("\(reference): \("\(error)".replacingOccurrences(of: "--args", with: "--vars"))")
        }
        let rendered = try await PromptFailure.guarding { try await reference.render(variables, through: manager) }
        for warning in rendered.warnings { Terminal.warning(warning) }
        return rendered
    }
}

/// `lmg prompt render NAME k=v`: the messages and model options, without asking the model.
struct PromptRenderCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "render", abstract: "Print the messages and model options a template renders to.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var location: PromptLocation
    @OptionGroup var variables: PromptVariables

    func run() async throws {
        if let reference = variables.mcpPrompt {
            try await CommandSession.run(global, only: reference.server) { runtime in
                try show(try await variables.render(reference, manager: runtime.manager))
                return 0
            }
            return
        }
        let runtime = try PromptFailure.guarding { try global.runtime() }
        try show(try variables.render(location, config: runtime.config))
    }

    private func show(_ rendered: RenderedPrompt) throws {
        if global.json {
            try Terminal.json(rendered)
            return
        }
        var lines: [String] = []
        for message in rendered.messages {
            lines.append("[\(message.role.rawValue)]")
            lines.append(message.text)
        }
        let options = [
            rendered.model.map { "model \($0)" }, rendered.settings.temperature.map { "temperature \($0)" },
            rendered.settings.maxOutputTokens.map { "max tokens \($0)" },
        ].compactMap { $0 } + rendered.extraRequestMembers.keys.sorted()
        if !options.isEmpty { lines.append("[options] \(options.joined(separator: ", "))") }
        Terminal.out(lines.joined(separator: "\n"))
    }
}

/// `lmg prompt run NAME k=v`: one exchange with the template's messages, options and tools.
struct PromptRunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Ask the model once with a template's messages, options and tools; print the answer.",
        discussion: "Exit status as lmg run: 0 answered; 1 the model failed or stopped without an answer; 2 usage.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var location: PromptLocation
    @OptionGroup var variables: PromptVariables

    @Option(name: .long, help: "Which tool calls may run: all, none, read-only.")
    var approve: RunCommand.ApprovalMode = .all

    @Flag(name: .customLong("quiet"), help: "No tool-call trace on stderr.")
    var quiet = false

    func run() async throws {
        let reference = variables.mcpPrompt
        var templated: RenderedPrompt?
        if reference == nil {
            let config = try PromptFailure.guarding { try GatewayRuntime.load(configPath: global.config).config }
            templated = try variables.render(location, config: config)
        }
        // A server's prompt: every server starts, for the tools, as `lmg run` offers them.
        try await CommandSession.run(global, servers: templated?.servers, requirement: .none) { runtime in
            let rendered: RenderedPrompt
            if let templated { rendered = templated } else { rendered = try await variables.render(reference!, manager: runtime.manager) }
            let router = rendered.router(over: runtime.manager)
            for pattern in rendered.unmatchedToolPatterns(in: await runtime.manager.namespace()) {
                Terminal.warning("\(rendered.file): tools: '\(pattern)' matches no tool of the connected servers")
            }
            let orchestrator = runtime.makeOrchestrator(router: router) { options in
                options = rendered.orchestratorOptions(base: options)
                options.approval = approve.policy
            }
            await orchestrator.setModel(rendered.model)
            return try await RunCommand.answer(
                await orchestrator.send(messages: rendered.split.messages), of: orchestrator, json: global.json, quiet: quiet)
        }
    }
}
