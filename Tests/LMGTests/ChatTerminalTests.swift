import Foundation
import TestSupport
import Testing

/// `lmg chat` in a real pseudo-terminal (tmux), against the scripted model server, the built-in
/// server and the Python MCP fixture.
@Suite("lmg chat in a terminal")
struct ChatTerminalTests {
    /// A config with the built-in server, optionally the Python fixture as `fx`, and the model at `modelURL`.
    static func config(modelURL: String, fixture: String? = nil) throws -> String {
        var servers = #""builtin": {"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#
        if let fixture {
            servers += #", "fx": {"command": "\#(Repo.python)", "args": ["\#(Repo.fixture("mcp_fixture.py"))", "--record", "\#(fixture)"]}"#
        }
        return try writeConfig(#"{"model": {"base_url": "\#(modelURL)", "model": "scripted"}, "mcpServers": {\#(servers)}}"#)
    }

    static func stateDirectory() -> String {
        let path = NSTemporaryDirectory() + "lmg-chat-state-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func chat(_ config: String, state: String = stateDirectory(), extra: [String] = []) async throws -> TmuxSession {
        try await TmuxSession.start([Repo.lmgBinary, "chat", "--config", config] + extra, environment: ["XDG_STATE_HOME": state])
    }

    @Test func streamsAnswersAndShowsToolCalls() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let chat = try await Self.chat(try Self.config(modelURL: model.baseURL))
        defer { chat.stop() }
        try await chat.waitFor("(1 server, 5 tools) >")
        try await chat.enter("hello there")
        try await chat.waitFor("You said: hello there")
        try await chat.enter(#"call builtin__echo {"text": "from the tool"}"#)
        let screen = try await chat.waitFor("Tool results: from the tool")
        #expect(screen.contains(#"→ builtin__echo {"text": "from the tool"}"#))
        #expect(screen.contains("✓ builtin__echo ok"))
        // Streamed: part of a slow answer is on screen before the rest has arrived.
        try await chat.enter("slow 30")
        let partial = try await chat.waitFor("tick")
        #expect(partial.components(separatedBy: "tick").count - 1 < 30)
        try await chat.waitFor("tick", count: 30, timeout: .seconds(20))
    }

    @Test func tabCompletesCommandsAndToolNames() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let chat = try await Self.chat(try Self.config(modelURL: model.baseURL))
        defer { chat.stop() }
        try await chat.waitFor("(1 server, 5 tools) >")
        try await chat.type("/too")
        try await chat.press("Tab")
        try await chat.waitFor("> /tools")
        try await chat.press("C-c")
        // Ctrl-C reaches the editor through a pipe of its own: keys typed before it has cleared
        // the line would land on the old one (seen on a loaded machine), so wait for the empty prompt.
        try await chat.waitFor("an empty prompt line") { $0.split(separator: "\n").last?.hasSuffix("tools) >") == true }
        try await chat.type("/call builtin__cal")
        try await chat.press("Tab")
        try await chat.waitFor("> /call builtin__calculate")
        try await chat.enter(#" {"expression": "6*7"}"#)
        try await chat.waitFor("✓ builtin__calculate ok")
        try await chat.waitFor("42")
    }

    @Test func ctrlCCancelsATurnAndTheSessionGoesOn() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let chat = try await Self.chat(try Self.config(modelURL: model.baseURL))
        defer { chat.stop() }
        try await chat.waitFor("(1 server, 5 tools) >")
        try await chat.enter("slow 100")
        try await chat.waitFor("tick")
        // Well before the 100 ticks would end (no wall-clock bound: this machine is shared).
        try await chat.press("C-c")
        try await chat.waitFor("cancelled", timeout: .seconds(5))
        try await chat.waitFor("(1 server, 5 tools) >", count: 2)
        try await chat.enter("still here?")
        let screen = try await chat.waitFor("You said: still here?")
        #expect(screen.components(separatedBy: "tick").count - 1 < 100)
        // Ctrl-C at the prompt drops the line being typed.
        try await chat.type("half a thought")
        try await chat.press("C-c")
        try await chat.enter("fresh")
        try await chat.waitFor("You said: fresh")
        #expect(!(try await chat.screen()).contains("You said: half a thought"))
    }

    @Test func historySurvivesARestart() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let config = try Self.config(modelURL: model.baseURL)
        let state = Self.stateDirectory()
        let first = try await Self.chat(config, state: state)
        defer { first.stop() }
        try await first.waitFor("server")
        try await first.enter("remember this line")
        try await first.waitFor("You said: remember this line")
        try await first.press("C-d")
        try await first.waitFor("[exited 0]")
        #expect(FileManager.default.fileExists(atPath: state + "/lmg/history"))

        let second = try await Self.chat(config, state: state)
        defer { second.stop() }
        try await second.waitFor("server")
        try await second.press("Up")
        try await second.waitFor("> remember this line")
    }

    @Test func saveThenLoadRestoresTheConversation() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let file = NSTemporaryDirectory() + "lmg-conversation-\(UUID().uuidString).json"
        let chat = try await Self.chat(try Self.config(modelURL: model.baseURL))
        defer { chat.stop() }
        try await chat.waitFor("server")
        try await chat.enter("keep me")
        try await chat.waitFor("You said: keep me")
        try await chat.enter("/save \(file)")
        try await chat.waitFor("saved 2 messages")
        try await chat.enter("/clear")
        try await chat.waitFor("conversation cleared")
        try await chat.enter("/load \(file)")
        try await chat.waitFor("loaded 2 messages")
        try await chat.enter("/history")
        try await chat.waitFor("assistant: You said: keep me")
        let saved = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: file))) as? [String: Any]
        #expect((saved?["messages"] as? [[String: Any]])?.first?["content"] as? String == "keep me")
        // The next request carries the loaded history.
        try await chat.enter("and now")
        try await chat.waitFor("You said: and now")
        let last = try model.bodies().last?["messages"] as? [[String: Any]]
        #expect(last?.compactMap { $0["content"] as? String }.contains("keep me") == true)
    }

    @Test func approvalsAskYesAlwaysNo() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let record = NSTemporaryDirectory() + "lmg-fx-\(UUID().uuidString).txt"
        let chat = try await Self.chat(try Self.config(modelURL: model.baseURL, fixture: record), extra: ["--approve", "ask"])
        defer { chat.stop() }
        try await chat.waitFor("(2 servers,", timeout: .seconds(45))
        let call = #"call fx__add {"a": 2, "b": 3}"#
        try await chat.enter(call)
        try await chat.waitFor("[y]es, [a]lways, [n]o")
        try await chat.enter("n")
        try await chat.waitFor("⊘ fx__add denied")
        try await chat.waitFor("The user denied this tool call")
        #expect(Self.toolCalls(record) == 0)

        try await chat.enter(call)
        try await chat.waitFor("[y]es, [a]lways, [n]o", count: 2)
        try await chat.enter("y")
        try await chat.waitFor("✓ fx__add ok")
        #expect(Self.toolCalls(record) == 1)

        try await chat.enter(call)
        try await chat.waitFor("[y]es, [a]lways, [n]o", count: 3)
        try await chat.enter("a")
        try await chat.waitFor("✓ fx__add ok", count: 2)
        try await chat.enter(call)
        try await chat.waitFor("✓ fx__add ok", count: 3)
        #expect(try await chat.screen().components(separatedBy: "[y]es, [a]lways, [n]o").count - 1 == 3, "'always' must stop the questions")
        #expect(Self.toolCalls(record) == 3)

        // Reading a resource changes nothing: it runs without a question, and the text reaches the model.
        try await chat.enter(#"call lmg_read_resource {"uri": "fixture://greeting"}"#)
        try await chat.waitFor("✓ lmg_read_resource ok")
        try await chat.waitFor("Hello from the lmg test fixture")
        #expect(try await chat.screen().components(separatedBy: "[y]es, [a]lways, [n]o").count - 1 == 3)
    }

    static func toolCalls(_ record: String) -> Int {
        ((try? String(contentsOfFile: record, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0 == "tool add" }.count
    }

    @Test func anUnreachableModelLeavesCallWorking() async throws {
        let chat = try await Self.chat(try Self.config(modelURL: "http://127.0.0.1:9/v1"))
        defer { chat.stop() }
        try await chat.waitFor("(1 server, 5 tools) >")
        try await chat.enter("/call builtin__echo {\"text\": \"no model needed\"}")
        try await chat.waitFor("✓ builtin__echo ok")
        try await chat.enter("hello?")
        let screen = try await chat.waitFor("OPENAI_BASE_URL", count: 2)
        #expect(screen.contains("http://127.0.0.1:9/v1"))
        try await chat.enter("/tools")
        try await chat.waitFor("builtin__read_file")
    }

    @Test func promptTemplatesAreListedCompletedAndUsed() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let prompts = Repo.root.appendingPathComponent("Prompts").path
        let config = try writeConfig(
            #"{"model": {"base_url": "\#(model.baseURL)", "model": "scripted"}, "prompts_dir": "\#(prompts)", "mcpServers": {"builtin": {"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}}}"#)
        let chat = try await Self.chat(config)
        defer { chat.stop() }
        try await chat.waitFor("(1 server, 5 tools) >")
        try await chat.enter("/prompts")
        try await chat.waitFor("— template \(prompts)/timezone.prompt")
        try await chat.type("/prompt calc")
        try await chat.press("Tab")
        try await chat.waitFor("> /prompt calculator")
        try await chat.enter(" question=\"What is 2+2?\"")
        try await chat.waitFor("template calculator: system prompt set, 1 message added")
        try await chat.waitFor("You said: What is 2+2?")
        let system = try #require(try model.bodies().last?["messages"] as? [[String: Any]]).first
        #expect((system?["content"] as? String)?.hasPrefix("You are a careful calculator assistant.") == true)
        try await chat.enter("/prompt timezone city=Oslo")
        try await chat.waitFor("variable 'zone' is required")
    }

    /// Tab after `/prompt NAME` offers its arguments, then the server's values (completion/complete).
    @Test func promptArgumentsCompleteFromTheServer() async throws {
        let record = NSTemporaryDirectory() + "lmg-completion-\(UUID().uuidString)"
        let chat = try await Self.chat(try Self.config(modelURL: "http://127.0.0.1:9/v1", fixture: record))
        defer { chat.stop() }
        try await chat.waitFor("(2 servers,", timeout: .seconds(45))
        // The prompt list is fetched once a prompt command ran.
        try await chat.enter("/prompts")
        try await chat.waitFor("fx__review_code")
        try await chat.type("/prompt fx__review_code code=x lang")
        try await chat.press("Tab")
        try await chat.waitFor("> /prompt fx__review_code code=x language=")
        try await chat.type("py")
        try await chat.press("Tab")
        try await chat.waitFor("> /prompt fx__review_code code=x language=python")
        try await chat.press("C-u")
        // A template's start, then the server's values for its variable.
        try await chat.type("/read fx fixture://it")
        try await chat.press("Tab")
        try await chat.waitFor("> /read fx fixture://items/")
        try await chat.type("1")
        try await chat.press("Tab")
        try await chat.press("Tab")
        try await chat.waitFor("fixture://items/12")
    }

    /// A resource `/read` attached is watched: when its server says it changed, a notice says so.
    @Test func anAttachedResourceThatChangesIsNamed() async throws {
        let record = NSTemporaryDirectory() + "lmg-updates-\(UUID().uuidString)"
        let chat = try await Self.chat(try Self.config(modelURL: "http://127.0.0.1:9/v1", fixture: record))
        defer { chat.stop() }
        try await chat.waitFor("(2 servers,", timeout: .seconds(45))
        try await chat.enter("/read fx fixture://greeting")
        try await chat.waitFor("lmg says when it changes")
        try await chat.enter(#"/call fx__touch_resource {"uri": "fixture://greeting"}"#)
        try await chat.waitFor("touched fixture://greeting")
        try await chat.enter("")
        try await chat.waitFor("fixture://greeting on 'fx' changed since it was attached")
    }

    @Test func pipedStdinAnswersOnStdout() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let result = try await runLMG(
            ["chat", "--config", try Self.config(modelURL: model.baseURL)],
            stdin: "hi\ncall builtin__echo {\"text\": \"piped\"}\n/usage\n")
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "You said: hi")
        #expect(lines.dropFirst().first == "Tool results: piped")
        #expect(lines.last?.hasPrefix(" all  2 turns") == true, "\(lines)")
        #expect(result.stderr.contains("✓ builtin__echo ok"))
    }

    @Test func pipedAnswersStayAsTheModelWroteThem() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let result = try await runLMG(["chat", "--config", try Self.config(modelURL: model.baseURL)], stdin: "markdown\n")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("This is **bold** and `code`, see [the docs](https://example.org/docs)."))
        #expect(result.stdout.contains("```swift\nlet answer = 42"))
        #expect(!result.stdout.contains("\u{1B}"))
    }
}
