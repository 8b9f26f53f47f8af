import CSystemShims
import CurlHTTP
import Foundation
import Logging
import MCP
import MCPGateway
import Orchestrator
import Synchronization

/// `lmg chat`: the conversation loop in a terminal (or over a pipe).
///
/// Servers connect in the background so the prompt is ready at once; failures and an unreachable
/// model are named once, before the next prompt. Messages go to the orchestrator; lines starting
/// with `/` are commands, several of which (/tools, /call, /read, /prompt) need no model.
public final class ChatSession: @unchecked Sendable {
    let config: GatewayConfig
    let options: ChatOptions
    let manager: MCPManager
    let orchestrator: Orchestrator
    let model: OpenAIChatClient
    let style: TerminalStyle
    let display: TurnDisplay
    let notices = Notices()
    let interactive: Bool
    private let terminal = TerminalThread()
    private let reader: LineReader
    private let watcher: InterruptWatcher?
    private var connecting: Task<Void, Never>?
    /// Name clashes already shown, so each is named once.
    private let reportedCollisions = Mutex<Set<String>>([])
    /// Applies edits of the config file's servers while the session runs.
    private var reloader: ConfigReloader?
    /// Names for tab completion, refreshed before each prompt.
    private let candidates = CandidateBox()

    /// Makes a session with a new manager.
    public static func start(config: GatewayConfig, options: ChatOptions) async -> ChatSession {
        ChatSession(config: config, options: options, manager: MCPManager(policy: config.manager))
    }

    public init(config: GatewayConfig, options: ChatOptions, manager: MCPManager) {
        self.config = config
        self.options = options
        self.manager = manager
        interactive = isatty(STDIN_FILENO) == 1
        style = TerminalStyle.detect(noColor: options.noColor)
        display = TurnDisplay(style: style)
        var modelConfig = config.model.applyingEnvironment()
        if let name = options.model { modelConfig.name = name }
        model = OpenAIChatClient(config: modelConfig)
        var loopOptions = OrchestratorOptions(config: config)
        if let system = options.systemPrompt { loopOptions.systemPrompt = system }
        loopOptions.supportsImages = options.vision
        loopOptions.autoApproveReadOnly = options.autoApproveReadOnly
        orchestrator = Orchestrator(manager: manager, model: model, options: loopOptions)
        if interactive {
            // Ctrl-C is ours now: it clears the line or cancels the turn (see InterruptWatcher).
            TerminationSignals.release([SIGINT])
            let watcher = InterruptWatcher()
            self.watcher = watcher
            let candidates = candidates
            EditLineReader.completions = { word, before in candidates.value.complete(word: word, before: before) }
            reader = EditLineReader(historyPath: options.historyPath, interruptFD: watcher.promptFD, notices: notices)
        } else {
            watcher = nil
            reader = PipeLineReader()
        }
    }

    /// Runs until /quit, Ctrl-D or the end of piped input; shuts every server down. Returns the exit status.
    public func run() async -> Int32 {
        await applyApproval(options.approval)
        startConnecting()
        await startReloading()
        if interactive {
            say(style.bold("lmg chat") + style.dim(" · model \(model.modelName) at \(model.config.baseURL ?? "(none)") · /help for commands, Ctrl-D to quit"))
            probeModel()
        } else {
            // A script's first message should see every tool.
            await connecting?.value
        }
        var assembler = InputAssembler()
        loop: while true {
            // A prompt posted earlier is stale now: the one computed below is current.
            for line in notices.takeAll().lines { notice(line) }
            let live = !assembler.isCollecting
            let prompt = live ? await promptText() : "… "
            await refreshCandidates()
            let reader = reader
            let input = await terminal.run { reader.readLine(prompt: prompt, live: live) }
            switch input {
            case .endOfInput:
                break loop
            case .interrupted:
                assembler.reset()
                continue
            case .line(let line):
                let pending = interactive ? await terminal.run { reader.hasPendingInput() } : false
                guard case .complete(let message) = assembler.add(line, moreInputPending: pending) else { continue }
                let text = message.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !text.isEmpty else { continue }
                reader.remember(message)
                if SlashCommand.isCommand(text) {
                    if await command(text) == .quit { break loop }
                } else {
                    await runTurn(await orchestrator.send(text.hasPrefix("//") ? String(text.dropFirst()) : message))
                }
            }
        }
        connecting?.cancel()
        await reloader?.stop()
        await manager.shutdown()
        return 0
    }

    // MARK: - Start-up

    /// Connects every server concurrently; as each one is up (or fails) the prompt's counts and the
    /// completion names are refreshed in place, and a failure is named once.
    private func startConnecting() {
        let manager = manager, notices = notices, servers = config.servers
        connecting = Task { [weak self] in
            await withTaskGroup(of: Void.self) { group in
                for server in servers {
                    group.addTask {
                        do {
                            try await manager.addServer(server)
                        } catch {
                            // The error names the server already.
                            if server.enabled { notices.post("not available: \(error)") }
                        }
                        await self?.serversChanged()
                    }
                }
            }
        }
    }

    /// Watches the config file: server changes apply at once, a broken edit is named and ignored.
    private func startReloading() async {
        guard let path = config.path else { return }
        let notices = notices
        // The notices below are the report; a log line on the same terminal would repeat them.
        var quiet = Logger(label: "lmg.reload")
        quiet.logLevel = .critical
        let reloader = ConfigReloader(manager: manager, path: path, logger: quiet) { [weak self] event in
            switch event {
            case .applied(let diff) where !diff.isEmpty:
                notices.post("\(path) changed: \(diff.summary)")
                for server in diff.added + diff.changed {
                    if let failure = await self?.manager.status().first(where: { $0.name == server.name && $0.state == .failed }) {
                        notices.post("not available: \(failure.error ?? "server '\(server.name)' failed")")
                    }
                }
                await self?.serversChanged()
            case .applied:
                break
            case .rejected(let error):
                notices.post("\(error.description); still running the previous configuration")
            }
        }
        self.reloader = reloader
        await reloader.start()
    }

    private func serversChanged() async {
        let ticket = notices.ticket()
        for collision in await manager.namespace().collisions where reportedCollisions.withLock({ $0.insert(collision).inserted }) {
            notices.post("name clash: \(collision)")
        }
        guard interactive else { return }
        await refreshCandidates(fetch: true)
        notices.update(prompt: await promptText(), ticket: ticket)
    }

    /// Asks the model endpoint for its model list; an unreachable one is named with what to do.
    private func probeModel() {
        let endpoint = (model.config.baseURL ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        let notices = notices
        guard !endpoint.isEmpty else {
            Task { notices.post("no model endpoint configured: set OPENAI_BASE_URL or model.base_url; /tools, /call, /read and /prompt work without one") }
            return
        }
        Task {
            do {
                let response = try await HTTPClient.shared.execute(HTTPRequest(
                    url: endpoint + "/models", timeouts: HTTPTimeouts(connect: .seconds(3), total: .seconds(5))))
                _ = try? await response.body.collect(upTo: 1 << 20)
            } catch let error as HTTPClientError where error.requestWasNotSent {
                notices.post("the model endpoint \(endpoint) is not reachable (\(error.message.isEmpty ? "\(error.kind)" : error.message)): start it or set OPENAI_BASE_URL; /tools, /call, /read and /prompt work without it")
            } catch {}
        }
    }

    private func promptText() async -> String {
        let status = await manager.status()
        let enabled = status.filter { $0.state != .disabled }
        let ready = enabled.filter(\.isUsable)
        let tools = ready.reduce(0) { $0 + ($1.tools ?? 0) }
        let servers = ready.count == enabled.count ? "\(ready.count) server\(ready.count == 1 ? "" : "s")" : "\(ready.count)/\(enabled.count) servers"
        guard interactive else { return "" }
        // \u{1} brackets the colour codes so libedit leaves them out of the prompt's width.
        return style.promptSafe(style.dim("(\(servers), \(tools) tool\(tools == 1 ? "" : "s"))")) + " > "
    }

    /// `fetch`: ask servers for prompt lists not yet known; at the prompt only what is cached is
    /// used, so a slow server can never hold the prompt back.
    private func refreshCandidates(fetch: Bool = false) async {
        guard interactive else { return }
        let status = await manager.status()
        let tools = await manager.tools().map(\.qualifiedName)
        let listed = fetch ? await manager.listAvailablePrompts() : await manager.cachedPrompts()
        let prompts = PromptNamespace(listed).prompts.map(\.qualifiedName)
        candidates.value = CompletionCandidates(servers: status.map(\.name), tools: tools, prompts: prompts)
    }

    // MARK: - Turns

    /// Shows a turn's events; Ctrl-C cancels it (model request and tool calls) and returns here.
    func runTurn(_ stream: AsyncThrowingStream<OrchestratorEvent, Error>) async {
        let still = await stillConnecting()
        if !still.isEmpty {
            notice(style.dim("still connecting: \(still.joined(separator: ", ")); their tools join when they are up"))
        }
        await display.begin()
        let display = display
        let task = Task { () -> (any Error)? in
            do {
                for try await event in stream { await display.handle(event) }
                return Task.isCancelled ? CancellationError() : nil
            } catch {
                return error
            }
        }
        watcher?.onInterrupt { task.cancel() }
        let failure = await task.value
        watcher?.onInterrupt(nil)
        await display.end()
        switch failure {
        case nil: break
        case is CancellationError: notice(style.yellow("cancelled"))
        case let error?: notice(style.red("error: \(error)"))
        }
    }

    private func stillConnecting() async -> [String] {
        await manager.status().filter { $0.state == .connecting }.map(\.name)
    }

    /// Asks y / a / n for one call, on the terminal thread.
    func askApproval(_ request: ToolCallRequest) async -> ApprovalDecision {
        await display.pause()
        let question = style.promptSafe(style.yellow("run \(ToolLine.fit("\(request.qualifiedName) \(ToolLine.flatten(request.arguments))", width: style.width - 30))? [y]es, [a]lways, [n]o ")) 
        let reader = reader
        while true {
            switch await terminal.run({ reader.ask(question) }) {
            case .line(let answer):
                switch answer.trimmingCharacters(in: .whitespaces).lowercased() {
                case "y", "yes": return .once
                case "a", "always": return .always
                case "n", "no", "": return .deny(reason: "the user said no")
                default: continue
                }
            case .interrupted, .endOfInput:
                return .deny(reason: "the user interrupted")
            }
        }
    }

    func applyApproval(_ mode: SlashCommand.ApprovalMode) async {
        switch mode {
        case .on: await orchestrator.setApproval(.always)
        case .off: await orchestrator.setApproval(.never)
        case .ask: await orchestrator.setApproval(.ask { [weak self] request in await self?.askApproval(request) ?? .deny(reason: nil) })
        }
    }

    // MARK: - Output

    /// A line of output (answers of commands) on stdout.
    func say(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// A notice: stdout on a terminal, stderr when piped (stdout holds only answers).
    func notice(_ text: String) {
        let line = Data(((interactive ? "" : "lmg: ") + text + "\n").utf8)
        (interactive ? FileHandle.standardOutput : FileHandle.standardError).write(line)
    }
}

/// The completion snapshot, read by libedit's callback on the terminal thread.
final class CandidateBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored = CompletionCandidates()
    var value: CompletionCandidates {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
