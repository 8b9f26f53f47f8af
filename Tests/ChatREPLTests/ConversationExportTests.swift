import Foundation
import ModelClient
import Testing

@testable import ChatREPL

/// `/export` writes Markdown people read, and `/load` reads it back into the same messages.
@Suite struct ConversationExportTests {
    static let call = ToolCall(id: "call_1", name: "files__read", arguments: #"{"path": "notes ``` <b>.md"}"#)
    static let messages: [ChatMessage] = [
        .system("Be brief."),
        .user("Read my notes.\n\n<!-- lmg:user -->\nand\n\\<!-- lmg:fake -->"),
        ChatMessage(role: .assistant, content: nil, toolCalls: [call]),
        .tool("# Notes\n```swift\nlet x = 1\n```\n````\nfour\n````", answering: call),
        .assistant("Your notes define **x**.\n\n| a | b |\n|---|---|\n| 1 | 2 |"),
        .user(""),
        .assistant("Empty question, empty answer? 🎉"),
    ]

    @Test func roundTrip() throws {
        let text = ConversationExport.markdown(Self.messages, model: "gpt-test", date: Date(timeIntervalSince1970: 0))
        #expect(try ConversationExport.messages(fromMarkdown: text) == Self.messages)
    }

    @Test func readsAsMarkdownWithToolCallsFolded() {
        let text = ConversationExport.markdown(Self.messages, model: "gpt-test", date: Date(timeIntervalSince1970: 0))
        #expect(text.hasPrefix("# Conversation with gpt-test\n\n<sub>exported by lmg, 1970-01-01T00:00:00Z</sub>\n"))
        #expect(text.contains("**You**\n\nRead my notes."))
        #expect(text.contains("<details><summary>Tool call <code>files__read</code></summary>\n\n````json\n{\"path\": \"notes ``` <b>.md\"}\n````\n\n</details>"))
        // The result holds a four-backtick fence, so its own is five long.
        #expect(text.contains("<details><summary>Result of <code>files__read</code></summary>\n\n`````\n# Notes"))
        #expect(text.contains("**gpt-test**\n\nYour notes define **x**."))
    }

    @Test func aFileNotFromExportIsRefusedWithTheLine() {
        #expect(throws: ConversationExport.ReadError(line: 1, message: "no lmg conversation parts (was it written by /export?)")) {
            try ConversationExport.messages(fromMarkdown: "# Just notes\n")
        }
        #expect(throws: ConversationExport.ReadError(line: 2, message: "a tool call not after an assistant message")) {
            try ConversationExport.messages(fromMarkdown: "x\n<!-- lmg:tool-call id=\"a\" name=\"b\" -->\n```\n{}\n```\n")
        }
        #expect(throws: ConversationExport.ReadError.self) {
            try ConversationExport.messages(fromMarkdown: "<!-- lmg:user\n")
        }
    }
}

/// `/usage`: every turn, the total, the cost where the config prices the model.
@Suite struct UsageLedgerTests {
    @Test func turnsAndTotalWithCost() {
        var ledger = UsageLedger()
        ledger.record(model: "big", usage: TokenUsage(promptTokens: 1000, completionTokens: 200, totalTokens: 1200))
        ledger.record(model: "big", usage: TokenUsage(promptTokens: 3000, completionTokens: 500, totalTokens: 3500))
        let lines = ledger.report { _ in TokenPrices(input: 2.5, output: 10) }
        #expect(lines == [
            "turn  model    prompt  completion  total     cost",
            "   1  big        1000         200   1200  $0.0045",
            "   2  big        3000         500   3500  $0.0125",
            " all  2 turns    4000         700   4700  $0.0170",
        ])
    }

    @Test func noCostWhenAModelHasNoPrices() {
        var ledger = UsageLedger()
        ledger.record(model: "priced", usage: TokenUsage(promptTokens: 10, completionTokens: 5, totalTokens: 15))
        ledger.record(model: "free", usage: TokenUsage(promptTokens: 10, completionTokens: 5, totalTokens: 15))
        let lines = ledger.report { $0 == "priced" ? TokenPrices(input: 1, output: 1, currency: "EUR") : nil }
        #expect(lines.first == "turn  model    prompt  completion  total")
        #expect(lines.last == "(no cost: not every model has prices in one currency)")
        #expect(UsageLedger().report { _ in nil } == ["no tokens used yet this session"])
        #expect(UsageLedger.money(12.345, "EUR") == "12.35 EUR")
    }
}
