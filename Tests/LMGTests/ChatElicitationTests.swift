import Foundation
import TestSupport
import Testing

/// A server that asks the person something during a call (elicitation), against the Python SDK
/// fixture in both eras: `fx` speaks 2026-07-28 (an `input_required` result), `fxl` 2025-11-25
/// (the server's own `elicitation/create` request). Asked in a real terminal, declined elsewhere.
@Suite("Elicitation in lmg chat and the commands")
struct ChatElicitationTests {
    static func config() throws -> String {
        let fixture = Repo.fixture("mcp_fixture.py")
        return try writeConfig(#"""
            {"model": {"base_url": "http://127.0.0.1:9/v1", "model": "scripted"}, "mcpServers": {
              "fx": {"command": "\#(Repo.python)", "args": ["\#(fixture)"]},
              "fxl": {"command": "\#(Repo.python)", "args": ["\#(fixture)"], "protocol_version": "2025-11-25"}}}
            """#)
    }

    @Test func chatAsksTheFormInTheTerminalAndCtrlCDeclines() async throws {
        let chat = try await ChatTerminalTests.chat(try Self.config())
        defer { chat.stop() }
        try await chat.waitFor("(2 servers,", timeout: .seconds(45))
        try await chat.enter(#"/call fx__need_elicitation {"question": "Who are you?"}"#)
        try await chat.waitFor("server 'fx' asks: Who are you?")
        try await chat.waitFor("answer it? [y]es, [n]o")
        try await chat.enter("y")
        try await chat.waitFor("Name [text]:")
        try await chat.enter("")
        try await chat.waitFor("Name is required")
        try await chat.enter("Ada")
        try await chat.waitFor("elicited: Ada")

        try await chat.enter(#"/call fxl__ask_elicitation {"question": "And now?"}"#)
        try await chat.waitFor("server 'fxl' asks: And now?")
        try await chat.press("C-c")
        try await chat.waitFor("elicited: decline")
    }

    @Test func withoutATerminalItIsDeclinedAndSaid() async throws {
        let config = try Self.config()
        let piped = try await runLMG(["chat", "--config", config], stdin: "/call fx__need_elicitation {}\n")
        #expect(piped.stderr.contains("server 'fx' asked for input (Your name?); declined: input is not a terminal"), "\(piped)")

        for server in ["fx", "fxl"] {
            let tool = server == "fx" ? "need_elicitation" : "ask_elicitation"
            let call = try await runLMG(["call", "--config", config, server, tool])
            #expect(call.stderr.contains("server '\(server)' asked for input (Your name?); declined: this command cannot ask, lmg chat can"), "\(call)")
            // The older server hears "decline" and says so; the newer one's resolver fails the tool.
            #expect(server == "fxl" ? call.stdout.contains("elicited: decline") : call.status == 1, "\(call)")
        }
    }
}
