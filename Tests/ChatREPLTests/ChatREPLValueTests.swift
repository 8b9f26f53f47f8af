@testable import ChatREPL
import Orchestrator
import Testing

/// The REPL's pure parts: command parsing, completion, input assembly and the tool lines.
@Suite("chat values")
struct ChatREPLValueTests {
    @Test func parsesEveryCommandOfTheCatalog() throws {
        #expect(try SlashCommand.parse("/tools").get() == .tools(server: nil))
        #expect(try SlashCommand.parse("/tools  builtin ").get() == .tools(server: "builtin"))
        #expect(try SlashCommand.parse("/read fx file:///notes.txt").get() == .read(server: "fx", uri: "file:///notes.txt"))
        #expect(try SlashCommand.parse(#"/call builtin__echo {"text": "a b"}"#).get() == .call(tool: "builtin__echo", json: #"{"text": "a b"}"#))
        #expect(try SlashCommand.parse("/call builtin__time").get() == .call(tool: "builtin__time", json: nil))
        #expect(try SlashCommand.parse("/approve ASK").get() == .approve(.ask))
        #expect(try SlashCommand.parse("/approve").get() == .approve(nil))
        #expect(try SlashCommand.parse("/system be brief, please").get() == .system("be brief, please"))
        #expect(try SlashCommand.parse("/system").get() == .system(nil))
        #expect(try SlashCommand.parse("/save /tmp/a conversation.json").get() == .save(path: "/tmp/a conversation.json"))
        #expect(try SlashCommand.parse("/exit").get() == .quit)
        #expect(try SlashCommand.parse("/export ~/chat.md").get() == .export(path: "~/chat.md"))
        #expect(SlashCommand.parse("/copy all") == .failure(.usage("/copy")))
        // Every command the help lists parses (with its arguments where it needs some).
        let samples = ["/prompt builtin__p", "/read s u", "/call t", "/save f", "/load f", "/export f.md"]
        for entry in SlashCommand.catalog {
            let line = samples.first { $0.hasPrefix(entry.name + " ") } ?? entry.name
            #expect((try? SlashCommand.parse(line).get()) != nil, "\(line)")
        }
    }

    @Test func readNeedsExactlyAServerAndAURI() {
        #expect(SlashCommand.parse("/read fx") == .failure(.usage("/read SERVER URI")))
        #expect(SlashCommand.parse("/read fx a b") == .failure(.usage("/read SERVER URI")))
    }

    @Test func promptArgumentsKeepQuotedSpaces() throws {
        #expect(try SlashCommand.parse(#"/prompt builtin__summarize topic="rainy days" style='very short' n=3"#).get()
            == .prompt(name: "builtin__summarize", arguments: ["topic": "rainy days", "style": "very short", "n": "3"]))
        #expect(try SlashCommand.parse(#"/prompt p text=a\ b"#).get() == .prompt(name: "p", arguments: ["text": "a b"]))
        #expect(try SlashCommand.parse(#"/prompt p empty="""#).get() == .prompt(name: "p", arguments: ["empty": ""]))
        #expect(SlashCommand.parse("/prompt p =x") == .failure(.invalid("/prompt arguments are key=value; '=x' is not")))
        #expect(SlashCommand.parse("/prompt") == .failure(.usage("/prompt NAME [k=v ...]")))
    }

    @Test func unknownCommandsSuggestTheClosest() {
        #expect(SlashCommand.parse("/tols") == .failure(.unknown("/tols", suggestion: "/tools")))
        #expect(SlashCommandError.unknown("/tols", suggestion: "/tools").description
            == "unknown command /tols (did you mean /tools?); /help lists them")
        #expect(SlashCommand.isCommand("/help"))
        #expect(!SlashCommand.isCommand("//not a command"))
    }

    @Test func completesByPosition() {
        let candidates = CompletionCandidates(
            servers: ["builtin", "fx"], tools: ["builtin__calculate", "builtin__echo", "fx__add"], prompts: ["builtin__summarize"])
        #expect(candidates.complete(word: "/to", before: "") == ["/tools"])
        #expect(candidates.complete(word: "/", before: "").count == SlashCommand.catalog.count)
        #expect(candidates.complete(word: "b", before: "/tools ") == ["builtin"])
        #expect(candidates.complete(word: "builtin__c", before: "/call ") == ["builtin__calculate"])
        #expect(candidates.complete(word: "", before: "/prompt ") == ["builtin__summarize"])
        #expect(candidates.complete(word: "a", before: "/approve ") == ["ask"])
        // After a command's last argument there is nothing to offer; in plain text, tool names.
        #expect(candidates.complete(word: "x", before: "/read fx ") == [])
        #expect(candidates.complete(word: "fx", before: "please use ") == ["fx__add"])
    }

    @Test func assemblesContinuationsAndPastes() {
        var assembler = InputAssembler()
        #expect(assembler.add(#"first \"#, moreInputPending: false) == .needMore(continuation: true))
        #expect(assembler.isCollecting)
        #expect(assembler.add("second", moreInputPending: false) == .complete("first \nsecond"))
        #expect(!assembler.isCollecting)
        // A pasted block: more bytes already waiting keep the lines together.
        #expect(assembler.add("a", moreInputPending: true) == .needMore(continuation: false))
        #expect(assembler.add("b", moreInputPending: true) == .needMore(continuation: false))
        #expect(assembler.add("c", moreInputPending: false) == .complete("a\nb\nc"))
        // An escaped backslash ends the line; Ctrl-C drops what was collected.
        #expect(assembler.add(#"path C:\\"#, moreInputPending: false) == .complete(#"path C:\\"#))
        _ = assembler.add(#"dropped \"#, moreInputPending: false)
        assembler.reset()
        #expect(assembler.add("kept", moreInputPending: false) == .complete("kept"))
    }

    static func request(_ arguments: String = #"{"text": "hi"}"#) -> ToolCallRequest {
        ToolCallRequest(id: "c1", qualifiedName: "builtin__echo", server: "builtin", tool: "echo", arguments: arguments, readOnly: true)
    }

    @Test func toolLinesFitTheWidth() {
        #expect(ToolLine.started(Self.request(), width: 80) == #"→ builtin__echo {"text": "hi"}"#)
        let long = ToolLine.started(Self.request(String(repeating: "x", count: 300)), width: 40)
        #expect(long.count == 39 && long.hasSuffix("…"))
        #expect(ToolLine.started(Self.request("{\n  \"a\": 1\n}"), width: 80) == #"→ builtin__echo {   "a": 1 }"#)

        let ok = ToolCallOutcome(
            request: Self.request(), status: .completed, isError: false, content: "hi", summary: "hi",
            duration: .milliseconds(12), truncated: false)
        #expect(ToolLine.finished(ok, width: 80) == ("✓", "✓ builtin__echo ok 12 ms: hi"))
        let failed = ToolCallOutcome(
            request: Self.request(), status: .completed, isError: true, content: "boom", summary: "boom",
            duration: .milliseconds(1500), truncated: false)
        #expect(ToolLine.finished(failed, width: 80).text == "✗ builtin__echo error 1.5 s: boom")
        let denied = ToolCallOutcome(
            request: Self.request(), status: .denied, isError: true, content: "", summary: "the user said no",
            duration: .zero, truncated: false)
        #expect(ToolLine.finished(denied, width: 80).text == "⊘ builtin__echo denied 0 ms: the user said no")

        let running = [(name: "builtin__echo", elapsed: Duration.milliseconds(1200), note: String?.none),
                       (name: "fx__add", elapsed: Duration.milliseconds(300), note: String?.none)]
        #expect(ToolLine.status(frame: 1, running: running, width: 80) == "⠙ builtin__echo 1.2s (+1 more)")
        #expect(ToolLine.status(frame: 0, running: [], width: 80) == "")
    }

    @Test func promptColoursAreBracketedForTheLineEditor() {
        let style = TerminalStyle(color: true, width: 80, interactive: true)
        #expect(style.promptSafe(style.dim("(1 server)") + " > ") == "\u{1}\u{1B}[2m\u{1}(1 server)\u{1}\u{1B}[0m\u{1} > ")
        let plain = TerminalStyle(color: false, width: 80, interactive: true)
        #expect(plain.promptSafe(plain.dim("(1 server)")) == "(1 server)")
    }

    @Test func colourFollowsNoColorAndDumbTerminals() {
        #expect(TerminalStyle.usesColor(terminal: true, noColor: false, environment: ["TERM": "xterm"]))
        #expect(TerminalStyle.usesColor(terminal: true, noColor: false, environment: ["NO_COLOR": ""]))
        #expect(!TerminalStyle.usesColor(terminal: true, noColor: false, environment: ["NO_COLOR": "1"]))
        #expect(!TerminalStyle.usesColor(terminal: true, noColor: true, environment: [:]))
        #expect(!TerminalStyle.usesColor(terminal: true, noColor: false, environment: ["TERM": "dumb"]))
        #expect(!TerminalStyle.usesColor(terminal: false, noColor: false, environment: ["TERM": "xterm"]))
    }
}
