import Foundation
import TestSupport
import Testing

/// `lmg chat` draws answers' Markdown on a terminal, shows tools' images, exports and copies:
/// read back from a real pseudo-terminal (tmux), styles included.
@Suite("lmg chat renders Markdown in a terminal")
struct ChatMarkdownTerminalTests {
    @Test func boldCodeTableAndLinkAreDrawn() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        // The test processes' NO_COLOR=1 (see runProcessBlocking) is lifted: an empty one allows colour.
        let chat = try await TmuxSession.start(
            [Repo.lmgBinary, "chat", "--config", try ChatTerminalTests.config(modelURL: model.baseURL)],
            environment: ["XDG_STATE_HOME": ChatTerminalTests.stateDirectory(), "NO_COLOR": ""])
        defer { chat.stop() }
        try await chat.waitFor("(1 server, 5 tools) >")
        try await chat.enter("markdown")
        let screen = try await chat.waitFor("Done.")
        #expect(screen.contains("This is bold and code, see the docs (https://example.org/docs)."))
        #expect(!screen.contains("**"))
        #expect(screen.contains("╭─ swift\n│ let answer = 42 // the answer\n╰─"))
        #expect(screen.contains("""
            ┌───────┬───────┐
            │ Name  │ Count │
            ├───────┼───────┤
            │ alpha │     1 │
            │ beta  │    22 │
            └───────┴───────┘
            """))
        #expect(screen.contains("Result\n──────"))
        let styled = try await chat.styledScreen()
        #expect(styled.contains("\u{1B}[1mbold"), "bold is drawn bold")
        #expect(styled.range(of: #"\x1B\[35m(\x1B\[[0-9;]*m)*let"#, options: .regularExpression) != nil, "the keyword is coloured")
        #expect(styled.contains("\u{1B}[4m"), "the link is underlined")
    }

    @Test func noColorKeepsTheLayoutAndLinksBecomeHyperlinks() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let config = try ChatTerminalTests.config(modelURL: model.baseURL)
        let chat = try await TmuxSession.start(
            [Repo.lmgBinary, "chat", "--config", config],
            environment: ["XDG_STATE_HOME": ChatTerminalTests.stateDirectory(), "NO_COLOR": "1", "LMG_HYPERLINKS": "1"])
        defer { chat.stop() }
        try await chat.waitFor("(1 server, 5 tools) >")
        try await chat.enter("markdown")
        let screen = try await chat.waitFor("Done.")
        #expect(screen.contains("This is bold and code, see the docs."), "the URL is in the hyperlink, not the text")
        #expect(screen.contains("│ alpha │     1 │"))
        let styled = try await chat.styledScreen()
        #expect(!styled.contains("\u{1B}[1mbold"))
    }

    /// The renderer wraps at the width the terminal has now: `capture-pane -J` joins lines the terminal
    /// wrapped, so a line longer than the pane would show if lmg still wrapped at the old width.
    @Test func aResizedTerminalIsFilledToItsNewWidth() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let chat = try await ChatTerminalTests.chat(try ChatTerminalTests.config(modelURL: model.baseURL))
        defer { chat.stop() }
        try await chat.waitFor("(1 server, 5 tools) >")
        try await chat.command("resize-window", "-t", "0", "-x", "40")
        let words = (1...30).map { "word\($0)" }.joined(separator: " ")
        try await chat.enter(words)
        let screen = try await chat.waitFor("word30", count: 2)
        let answer = screen.split(separator: "\n").drop { !$0.hasPrefix("You said:") }.prefix { !$0.contains(">") }
        #expect(answer.count > 3, "\(screen)")
        #expect(answer.allSatisfy { $0.count <= 40 }, "\(screen)")
    }

    @Test func aToolImageIsSavedAndNamed() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let cache = ChatTerminalTests.stateDirectory()
        let record = NSTemporaryDirectory() + "lmg-image-\(UUID().uuidString)"
        let config = try ChatTerminalTests.config(modelURL: model.baseURL, fixture: record)
        let chat = try await TmuxSession.start(
            [Repo.lmgBinary, "chat", "--config", config],
            environment: ["XDG_STATE_HOME": ChatTerminalTests.stateDirectory(), "XDG_CACHE_HOME": cache])
        defer { chat.stop() }
        try await chat.waitFor("(2 servers,", timeout: .seconds(45))
        try await chat.enter("call fx__image {}")
        let screen = try await chat.waitFor("image saved: ")
        let line = try #require(screen.split(separator: "\n").first { $0.contains("image saved: ") })
        let path = try #require(line.split(separator: " ").first { $0.hasPrefix(cache) }.map(String.init))
        #expect(path.hasPrefix(cache + "/lmg/images/") && path.hasSuffix(".png"))
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }

    @Test func exportCopyAndUsage() async throws {
        let model = try await ScriptedModel.start()
        defer { model.stop() }
        let chat = try await ChatTerminalTests.chat(try ChatTerminalTests.config(modelURL: model.baseURL))
        defer { chat.stop() }
        try await chat.command("set", "-g", "set-clipboard", "on")
        try await chat.waitFor("(1 server, 5 tools) >")
        try await chat.enter(#"call builtin__echo {"text": "exported"}"#)
        try await chat.waitFor("Tool results: exported")
        let file = NSTemporaryDirectory() + "lmg-export-\(UUID().uuidString).md"
        try await chat.enter("/export \(file)")
        try await chat.waitFor("exported 4 messages to \(file)")
        let text = try String(contentsOfFile: file, encoding: .utf8)
        #expect(text.contains("**You**\n\ncall builtin__echo {\"text\": \"exported\"}"))
        #expect(text.contains("<details><summary>Tool call <code>builtin__echo</code></summary>"))
        #expect(text.contains("**scripted**\n\nTool results: exported"))
        try await chat.enter("/copy")
        try await chat.waitFor("copied the last answer")
        #expect(try await chat.command("show-buffer") == "Tool results: exported")
        try await chat.enter("/clear")
        try await chat.waitFor("conversation cleared")
        try await chat.enter("/load \(file)")
        try await chat.waitFor("loaded 4 messages from \(file)")
        try await chat.enter("/usage")
        try await chat.waitFor(" all  1 turn ")
    }
}
