import ArgumentParser
import Foundation
import GatewayRuntime
import LMGCommandLine
import MCP
import MCPGateway
import PromptTemplates

/// `lmg prompt`: the prompt templates under `Prompts/` — list, show, render, run, test.
struct PromptCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prompt", abstract: "Use and test the prompt templates in Prompts/ (dotprompt and Prompty files).",
        discussion: """
            Templates are found in --prompts DIR, else prompts_dir in the config, else ./Prompts. \
            (`lmg prompts` lists the MCP servers' prompts.)
            """,
        subcommands: [PromptListCommand.self, PromptShowCommand.self, PromptRenderCommand.self, PromptRunCommand.self, PromptTestCommand.self])
}

/// Where the templates are, shared by the `prompt` subcommands.
struct PromptLocation: ParsableArguments {
    @Option(name: .long, help: "The templates' folder (default: prompts_dir in the config, else ./Prompts).")
    var prompts: String?

    func library(_ config: GatewayConfig) -> PromptLibrary {
        PromptLibrary(directory: PromptLibrary.directory(explicit: prompts, configured: config.promptsDirectory))
    }
}

/// A template file's problem as the runtime's failure: a bad file exits 1, bad variables 2.
enum PromptFailure {
    static func runtime(_ error: PromptFileError) -> RuntimeFailure {
        RuntimeFailure(error.description, category: error.isAboutVariables ? .usage : .modelFailure)
    }

    /// Runs `body`, turning template errors into the documented statuses.
    static func guarding<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            throw mapped(error)
        }
    }

    /// The same for asynchronous work (a server's prompt).
    static func guarding<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw mapped(error)
        }
    }

    private static func mapped(_ error: any Error) -> any Error {
        switch error {
        case let error as PromptFileError: ExitStatus.report(runtime(error))
        case let error as ExitCode: error
        default: ExitStatus.report(error)
        }
    }
}

struct PromptListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the templates.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var location: PromptLocation

    struct Row: Encodable {
        var name: String
        var file: String
        var description: String?
        var variables: [String]
        var tools: [String]?
        var tests: String?
    }

    func run() async throws {
        let runtime = try PromptFailure.guarding { try global.runtime() }
        let library = location.library(runtime.config)
        guard library.exists else {
            throw ExitStatus.report(RuntimeFailure.usage("\(library.directory): no prompts folder (use --prompts DIR or prompts_dir in the config)"))
        }
        var rows: [Row] = []
        var failed = false
        for file in library.templateFiles() {
            let loaded: Result<(template: PromptTemplate, warnings: [String]), PromptFileError> = Result { () throws(PromptFileError) in try PromptLibrary.loadFile(file) }
            switch loaded {
            case .success(let (template, _)):
                let base = (file as NSString).deletingPathExtension
                let tests = ["\(base).tests.yaml", "\(base).tests.yml"].first { FileManager.default.fileExists(atPath: $0) }
                rows.append(Row(
                    name: template.name, file: file, description: template.description,
                    variables: template.declaredVariables.map { $0.name + ($0.required ? "" : "?") }, tools: template.tools, tests: tests))
            case .failure(let error):
                Terminal.error(error.description)
                failed = true
            }
        }
        if global.json {
            try Terminal.json(rows)
        } else if rows.isEmpty {
            Terminal.out("no templates in \(library.directory)")
        } else {
            Terminal.out(Terminal.table(["NAME", "VARIABLES", "TESTS", "DESCRIPTION"], rows.map { row in
                [row.name, row.variables.joined(separator: " "), row.tests == nil ? "-" : "yes", ToolsCommand.firstLine(row.description)]
            }))
        }
        if failed { throw ExitCode(1) }
    }
}

struct PromptShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a template: its options, variables, tools and body.")

    @OptionGroup var global: GlobalOptions
    @OptionGroup var location: PromptLocation

    @Argument(help: "The template: a name in the folder, a file, or a server's prompt as mcp:SERVER/PROMPT.")
    var name: String

    func run() async throws {
        if let reference = MCPPromptReference.parse(name) {
            try await showServerPrompt(reference)
            return
        }
        let runtime = try PromptFailure.guarding { try global.runtime() }
        let (template, warnings) = try PromptFailure.guarding { try location.library(runtime.config).load(name) }
        for warning in warnings { Terminal.warning(warning) }
        if global.json {
            try Terminal.json(TemplateSummary(template))
            return
        }
        var lines = ["\(template.name)  (\(template.file), \(template.format.rawValue))"]
        if let description = template.description { lines.append(description) }
        if let model = template.model { lines.append("model: \(model)") }
        let settings = template.settings
        let options = [
            settings.temperature.map { "temperature \($0)" }, settings.maxOutputTokens.map { "max tokens \($0)" },
            settings.topP.map { "top_p \($0)" }, settings.stopSequences.map { "stop \($0)" },
        ].compactMap { $0 }
        if !options.isEmpty { lines.append("options: \(options.joined(separator: ", "))") }
        for variable in template.declaredVariables {
            let value = template.defaults[variable.name].map { " = \(ContentRenderer.json($0))" } ?? ""
            lines.append("  \(variable.name)\(variable.required ? "" : "?")\(value)\(variable.description.map { "  \($0)" } ?? "")")
        }
        lines.append("tools: \(template.tools.map { $0.isEmpty ? "none" : $0.joined(separator: ", ") } ?? "all")")
        if let servers = template.servers { lines.append("servers: \(servers.joined(separator: ", "))") }
        if template.output.format != "text" { lines.append("output: \(template.output.format)\(template.output.schema == nil ? "" : " with a schema")") }
        lines.append("---")
        lines.append(template.body)
        Terminal.out(lines.joined(separator: "\n"))
    }
}

extension PromptShowCommand {
    /// A server's prompt: its description and arguments, from the server's listing.
    func showServerPrompt(_ reference: MCPPromptReference) async throws {
        try await CommandSession.run(global, only: reference.server) { runtime in
            let prompt = try await PromptFailure.guarding { try await reference.listing(from: runtime.manager) }
            if global.json {
                try Terminal.json(prompt)
                return 0
            }
            var lines = ["\(reference.server)/\(prompt.name)  (\(reference), an MCP prompt)"]
            if let description = prompt.description { lines.append(description) }
            for argument in prompt.arguments ?? [] {
                lines.append("  \(argument.name)\(argument.required == true ? "" : "?")\(argument.description.map { "  \($0)" } ?? "")")
            }
            Terminal.out(lines.joined(separator: "\n"))
            return 0
        }
    }
}

/// `lmg prompt show --json`.
struct TemplateSummary: Encodable {
    var name: String
    var file: String
    var format: String
    var description: String?
    var model: String?
    var input_schema: Value?
    var defaults: [String: Value]
    var output_format: String
    var tools: [String]?
    var servers: [String]?
    var body: String

    init(_ template: PromptTemplate) {
        (name, file, format, description, model) = (template.name, template.file, template.format.rawValue, template.description, template.model)
        (input_schema, defaults, output_format) = (template.inputSchema, template.defaults, template.output.format)
        (tools, servers, body) = (template.tools, template.servers, template.body)
    }
}
