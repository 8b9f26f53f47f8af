import ArgumentParser
import GatewayRuntime
import LMGCommandLine
import ChatREPL
import Foundation
import MCPGateway

/// `lmg chat`: the REPL, and what `lmg` runs with no subcommand.
struct ChatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat", abstract: "Chat with the model and its tools in the terminal (the default).",
        discussion: """
            Type a message, or a command (/help lists them). Servers connect in the background. \
            Ctrl-C cancels a turn or clears the line; Ctrl-D or /quit leaves. With stdin not a \
            terminal, each line is one message and the answers go to stdout.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(name: .long, help: "No colours (also: NO_COLOR set, or stdout not a terminal).")
    var noColor = false

    @Option(name: .long, help: "Tool calls: on (run), off (never), ask (before each).")
    var approve: ApprovalChoice = .on

    @Option(name: .long, help: "Model name (default: model.model in the config, or $LMG_MODEL).")
    var model: String?

    @Option(name: .long, help: "System prompt (default: system_prompt in the config).")
    var system: String?

    @Flag(name: .long, help: "Pass tool images to the model as images (vision models).")
    var vision = false

    @Flag(name: .long, help: "Print answers as the model wrote them, without rendering their Markdown.")
    var noMarkdown = false

    @Flag(name: .long, help: "Do not show tools' images (inline where the terminal draws them, else saved under $XDG_CACHE_HOME/lmg/images).")
    var noImages = false

    enum ApprovalChoice: String, ExpressibleByArgument, CaseIterable {
        case on, off, ask
    }

    func run() async throws {
        let runtime: GatewayRuntime
        do {
            runtime = try global.runtime(ConfigOverrides(model: model, systemPrompt: system), answeredInputs: .all)
        } catch {
            throw ExitStatus.report(error)
        }
        let options = ChatOptions(
            noColor: noColor, approval: SlashCommand.ApprovalMode(rawValue: approve.rawValue) ?? .on,
            vision: vision, markdown: !noMarkdown, images: !noImages, historyPath: runtime.environment.historyPath)
        let session = ChatSession(runtime: runtime, options: options)
        let status = await session.run()
        if status != 0 { throw ExitCode(status) }
    }
}
