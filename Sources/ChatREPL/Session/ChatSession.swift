import CSystemShims
import CurlHTTP
import Foundation
import GatewayRuntime
import Logging
import MCP
import MCPGateway
import ModelClient
import Orchestrator
import Locking

/// `lmg chat`: the conversation loop in a terminal (or over a pipe).
///
/// Servers connect in the background so the prompt is ready at once; failures and an unreachable
/// model are named once, before the next prompt. Messages go to the orchestrator; lines starting
/// with `/` are commands, several of which (/tools, /call, /read, /prompt) need no model.
///
/// Sendable without exceptions: every stored part is a value, an actor or lock-guarded; the
/// tasks it starts are kept under a `Locked`.
public final class ChatSession: Sendable {
    let runtime: GatewayRuntime
    let options: ChatOptions
    let orchestrator: Orchestrator
    var config: GatewayConfig { runtime.config }
    var manager: MCPManager { runtime.manager }
    /// The model endpoint's URL, for the banner and `/model`.
    var modelURL: String { runtime.config.model.baseURL ?? "(none)" }
    let style: TerminalStyle
    let display: TurnDisplay
    let notices = Notices()
    let interactive: Bool
    let terminal = TerminalThread()
    let reader: LineReader
    let watcher: InterruptWatcher?
    /// The background work the session starts: server connects and the config watcher.
    private struct Background {
        var connecting: Task<Void, Never>?
        /// Applies edits of the config file's servers while the session runs.
        var reloader: ConfigReloader?
        /// Tells when an attached resource changed.
        var updates: Task<Void, Never>?
    }
    private let background = Locked(Background())
    /// Name clashes already shown, so each is named once.
    private let reportedCollisions = Locked<Set<String>>([])
    /// Names for tab completion, refreshed before each prompt.
    private let candidates = CandidateStore()
    /// The prompt templates' names, read from disk at the first prompt and whenever the servers'
    /// prompts are fetched again, not before every line.
    private let templateNamesRead = Locked<[String]?>(nil)
    /// The approval mode, which servers' sampling requests follow as tool calls do.
    let approvalMode = Locked(SlashCommand.ApprovalMode.on)
    /// Servers the person let use the model for the rest of the session ("always").
    let samplingAllowed = Locked<Set<String>>([])
    /// Resources `/read` attached whose server announces changes.
    let attachedResources = Locked<Set<MCPResourceUpdate>>([])
    /// How many times servers may use the model in one turn; reset as each turn begins.
    let samplingBudget = SamplingBudget(perTurn: 10)
    /// Approvals and servers' questions, asked one at a time.
    let questions = QuestionQueue()
    /// The tokens each turn used, for `/usage`.
    let ledger = Locked(UsageLedger())

    /// A session over `runtime` (servers not yet connected: the session connects them in the
    /// background); `--model` and `--system` are already in the runtime's configuration.
    public init(runtime: GatewayRuntime, options: ChatOptions) {
        self.runtime = runtime
        self.options = options
        interactive = isatty(STDIN_FILENO) == 1
        style = TerminalStyle.detect(noColor: options.noColor)
        let images = options.images && style.interactive
            ? ImageDisplay(
                graphics: interactive ? ImageDisplay.probe() : nil,
                cache: ImageCache(environment: ProcessInfo.processInfo.environment), style: style)
            : nil
        display = TurnDisplay(style: style, markdown: options.markdown, images: images)
        orchestrator = runtime.makeOrchestrator { loop in
            loop.supportsImages = options.vision
            loop.autoApproveReadOnly = options.autoApproveReadOnly
        }
        if interactive {
            // Ctrl-C is ours now: it clears the line or cancels the turn (see InterruptWatcher).
            TerminationSignals.release([SIGINT])
            let watcher = InterruptWatcher()
            self.watcher = watcher
            let candidates = candidates
            EditLineReader.setCompletions { word, before in candidates.current.complete(word: word, before: before) }
            reader = EditLineReader(historyPath: options.historyPath, interruptFD: watcher.promptFD, notices: notices)
        } else {
            watcher = nil
            reader = PipeLineReader()
        }
    }

    /// Runs until /quit, Ctrl-D or the end of piped input; shuts every server down. Returns the exit status.
    public func run() async -> Int32 {
        // Everything the session starts carries this: a server's elicitation reaches the person.
        await ServerRequestRelays.$current.withValue(ChatInputRelay(session: self)) { await converse() }
    }

    private func converse() async -> Int32 {
        await applyApproval(options.approval)
        startConnecting()
        watchAttachedResources()
        await startReloading()
        if interactive {
            say(style.bold("lmg chat") + style.dim(" · model \(runtime.model.modelName) at \(modelURL) · /help for commands, Ctrl-D to quit"))
            probeModel()
        } else {
            // A script's first message should see every tool.
            await background.withLock { $0.connecting }?.value
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
        let (connecting, reloader, updates) = background.withLock { ($0.connecting, $0.reloader, $0.updates) }
        connecting?.cancel()
        updates?.cancel()
        await reloader?.stop()
        await runtime.shutdown()
        return 0
    }

    // MARK: - Start-up

    /// A notice, before the next prompt, when a resource attached to the conversation changed.
    private func watchAttachedResources() {
        let updates = manager.resourceUpdates()
        let task = Task { [weak self] in
            for await update in updates where self?.attachedResources.withLock({ $0.contains(update) }) == true {
                self?.notices.post("\(update.uri) on '\(update.server)' changed since it was attached; /read \(update.server) \(update.uri) attaches it again")
            }
        }
        background.withLock { $0.updates = task }
    }

    /// Connects every server concurrently; as each one is up (or fails) the prompt's counts and the
    /// completion names are refreshed in place, and a failure is named once.
    private func startConnecting() {
        let manager = manager, notices = notices, servers = config.servers, interactive = interactive
        let task = Task { [weak self] in
            await withTaskGroup(of: Void.self) { group in
                for server in servers {
                    group.addTask {
                        do {
                            try await manager.addServer(server)
                        } catch where interactive && ChatSession.wantsSignIn(error, server) {
                            await self?.signIn(server)
                        } catch {
                            // The error names the server already.
                            if server.enabled { notices.post("not available: \(error)") }
                        }
                        await self?.serversChanged()
                    }
                }
            }
        }
        background.withLock { $0.connecting = task }
    }

    /// Watches the config file: server changes apply at once, a broken edit is named and ignored.
    private func startReloading() async {
        guard let path = config.path else { return }
        let notices = notices
        // The notices below are the report; a log line on the same terminal would repeat them.
        var quiet = Logger(label: "lmg.reload")
        quiet.logLevel = .critical
        guard let reloader = runtime.makeReloader(logger: quiet, onEvent: { [weak self] event in
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
        }) else { return }
        background.withLock { $0.reloader = reloader }
        await reloader.start()
    }

    func serversChanged() async {
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
        let endpoint = (config.model.baseURL ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
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
        var templates = fetch ? nil : templateNamesRead.withLock { $0 }
        if templates == nil {
            templates = templateNames()
            templateNamesRead.withLock { $0 = templates }
        }
        let namespace = PromptNamespace(listed)
        let prompts = (templates ?? []) + namespace.prompts.map(\.qualifiedName)
        var arguments: [String: [String]] = [:]
        for entry in namespace.prompts { arguments[entry.qualifiedName] = (entry.prompt.arguments ?? []).map(\.name) }
        let manager = manager
        candidates.current = CompletionCandidates(
            servers: status.map(\.name), tools: tools, prompts: prompts, promptArguments: arguments,
            values: { prompt, argument, value, context in
                guard let entry = namespace.resolve(prompt) else { return [] }
                // Tab waits for the server a moment at most, on the terminal's own thread.
                return Self.waiting(upTo: .milliseconds(500)) {
                    (try? await manager.complete(
                        server: entry.server, .prompt(entry.prompt.name), argument: argument, value: value, context: context,
                        timeout: .milliseconds(500))) ?? []
                } ?? []
            },
            resources: { server, word in
                Self.waiting(upTo: .milliseconds(700)) {
                    var found = ((try? await manager.listResources(server: server)) ?? []).map(\.uri).filter { $0.hasPrefix(word) }
                    for template in (try? await manager.listResourceTemplates(server: server)) ?? [] {
                        switch CompletionCandidates.templateCompletion(template.uriTemplate, word: word) {
                        case .none: break
                        case .start(let start): found.append(start)
                        case .variable(let start, let name, let typed):
                            let values = (try? await manager.complete(
                                server: server, .resourceTemplate(template.uriTemplate), argument: name, value: typed,
                                timeout: .milliseconds(500))) ?? []
                            found += values.map { start + $0 }
                        }
                    }
                    return found
                } ?? []
            })
    }

    /// Runs `work` and waits for it on this (non-async) thread, at most `limit`: nil past it.
    static func waiting<T: Sendable>(upTo limit: Duration, _ work: @escaping @Sendable () async -> T) -> T? {
        let done = DispatchSemaphore(value: 0)
        let result = Locked<T?>(nil)
        let task = Task {
            let value = await work()
            result.withLock { $0 = value }
            done.signal()
        }
        let nanoseconds = Int(limit.components.seconds) * 1_000_000_000 + Int(limit.components.attoseconds / 1_000_000_000)
        if done.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .timedOut {
            task.cancel()
            return nil
        }
        return result.withLock { $0 }
    }

    // MARK: - Turns

}

/// The completion snapshot: written before each prompt, read by libedit's callback on the
/// terminal thread.
final class CandidateStore: Sendable {
    private let value = Locked(CompletionCandidates())
    var current: CompletionCandidates {
        get { value.withLock { $0 } }
        set { value.withLock { $0 = newValue } }
    }
}
