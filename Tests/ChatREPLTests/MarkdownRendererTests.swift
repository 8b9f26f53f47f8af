import Testing

@testable import ChatREPL

/// The renderer streamed at every byte boundary draws what it draws for the whole answer.
@Suite struct MarkdownStreamingTests {
    static let looks: [(width: Int, color: Bool, hyperlinks: Bool)] = [(80, true, false), (80, false, true), (34, true, true)]

    /// The constructed answers and the recorded model output, by name.
    static let texts = MarkdownCorpus.answers + MarkdownCorpus.recorded.map { ($0.name, $0.pieces.joined()) }

    @Test(arguments: texts.map(\.name))
    func everySplitDrawsTheWholeAnswer(name: String) {
        let text = Self.texts.first { $0.name == name }!.text
        let bytes = Array(text.utf8)
        for look in Self.looks {
            let whole = MarkdownRenderer.render(text, width: look.width, color: look.color, hyperlinks: look.hyperlinks)
            for cut in 0...bytes.count {
                var renderer = MarkdownRenderer(width: look.width, color: look.color, hyperlinks: look.hyperlinks)
                let streamed = renderer.feed(bytes: bytes[..<cut]) + renderer.feed(bytes: bytes[cut...]) + renderer.finish()
                if streamed != whole {
                    Issue.record("\(name) width \(look.width) split at byte \(cut) differs:\n\(streamed)\n---\n\(whole)")
                    return
                }
            }
        }
    }

    @Test(arguments: texts.map(\.name))
    func byteByByteDrawsTheWholeAnswer(name: String) {
        let text = Self.texts.first { $0.name == name }!.text
        for look in Self.looks {
            let whole = MarkdownRenderer.render(text, width: look.width, color: look.color, hyperlinks: look.hyperlinks)
            var renderer = MarkdownRenderer(width: look.width, color: look.color, hyperlinks: look.hyperlinks)
            var streamed = ""
            for byte in text.utf8 { streamed += renderer.feed(bytes: [byte]) }
            streamed += renderer.finish()
            #expect(streamed == whole, "\(name) at width \(look.width)")
        }
    }

    /// The model's own chunks, as llama-server streamed them.
    @Test(arguments: MarkdownCorpus.recorded.map(\.name))
    func recordedChunksDrawTheWholeAnswer(name: String) {
        let pieces = MarkdownCorpus.recorded.first { $0.name == name }!.pieces
        for look in Self.looks {
            let whole = MarkdownRenderer.render(pieces.joined(), width: look.width, color: look.color, hyperlinks: look.hyperlinks)
            var renderer = MarkdownRenderer(width: look.width, color: look.color, hyperlinks: look.hyperlinks)
            var streamed = ""
            var drawnEarly = 0
            for piece in pieces {
                let drawn = renderer.feed(piece)
                if !drawn.isEmpty { drawnEarly += 1 }
                streamed += drawn
            }
            streamed += renderer.finish()
            #expect(streamed == whole, "\(name) at width \(look.width)")
            // Live: prose draws as its chunks come (a table waits for its end, code for each line's).
            if name == "key points html" || name == "quoted note list" {
                #expect(drawnEarly > pieces.count / 3, "\(name): \(drawnEarly) of \(pieces.count) chunks drew at once")
            }
        }
    }

    @Test func textShowsAsItArrivesAndAnOpenSpanWaits() {
        var renderer = MarkdownRenderer(width: 80, color: false, hyperlinks: false)
        #expect(renderer.feed("Hello wor") == "Hello")
        #expect(renderer.feed("ld, this is **bo") == " world, this is")
        #expect(renderer.feed("ld** text") == " bold")
        #expect(renderer.feed(" and `co") == " text and")
        #expect(renderer.feed("de` end.\n") == " code end.")
        #expect(renderer.finish() == "\n")
    }

    @Test func aTableWaitsForItsLastRowAndACodeLineForItsEnd() {
        var renderer = MarkdownRenderer(width: 80, color: false, hyperlinks: false)
        #expect(renderer.feed("| a | b |\n|---|---|\n| 1 | 2 |\n") == "")
        #expect(renderer.feed("\n```swift\nlet x") == "┌───┬───┐\n│ a │ b │\n├───┼───┤\n│ 1 │ 2 │\n└───┴───┘\n\n╭─ swift\n")
        #expect(renderer.feed(" = 1\n") == "│ let x = 1\n")
        #expect(renderer.feed("```\n") == "╰─\n")
    }

    @Test func aWidthChangeAppliesFromTheNextLine() {
        var renderer = MarkdownRenderer(width: 40, color: false, hyperlinks: false)
        let words = "alpha beta gamma delta epsilon zeta eta theta iota kappa"
        var out = renderer.feed(words + "\n\n")
        renderer.width = 20
        out += renderer.feed(words + "\n") + renderer.finish()
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "alpha beta gamma delta epsilon zeta eta")
        #expect(lines.dropFirst(2).allSatisfy { DisplayWidth.of($0) <= 20 })
    }
}

/// What each construct looks like, with styles off (the layout) and on.
@Suite struct MarkdownRenderingTests {
    func plain(_ text: String, width: Int = 80, hyperlinks: Bool = false) -> String {
        MarkdownRenderer.render(text, width: width, color: false, hyperlinks: hyperlinks)
    }

    @Test func inlineMarksGoAndStylesCome() {
        #expect(plain("a **b** *c* ~~d~~ `e`") == "a b c d e\n")
        let styled = MarkdownRenderer.render("a **b** *c* ~~d~~ `e`", width: 80, color: true, hyperlinks: false)
        #expect(styled == "a \u{1B}[1mb\u{1B}[0m \u{1B}[3mc\u{1B}[0m \u{1B}[9md\u{1B}[0m \u{1B}[36me\u{1B}[0m\n")
        #expect(plain("2 * 3 * 4 and snake_case_name") == "2 * 3 * 4 and snake_case_name\n")
        #expect(plain("**open and \\*escaped\\*") == "**open and *escaped*\n")
    }

    @Test func linksAreHyperlinksOrShowTheirURL() {
        #expect(plain("see [docs](https://e.org/d).") == "see docs (https://e.org/d).\n")
        #expect(plain("see https://e.org/d.") == "see https://e.org/d.\n")
        let linked = plain("see [docs](https://e.org/d)", hyperlinks: true)
        #expect(linked == "see \u{1B}]8;;https://e.org/d\u{1B}\\docs\u{1B}]8;;\u{1B}\\\n")
        // Escapes never reach the terminal inside a link; a URL with other bytes is not linked.
        #expect(!plain("[x](https://e.org/\u{1B}]52;c;)", hyperlinks: true).contains("\u{1B}]52"))
        #expect(MarkdownTheme.hyperlinkTarget("https://e.org/\u{1B}x") == nil)
        #expect(plain("[x](https://e.org/é)", hyperlinks: true) == "x (https://e.org/é)\n")
    }

    @Test func headingsRulesAndQuotes() {
        #expect(plain("# Title\n## Sub\n### Small ###\n") == "Title\n═════\nSub\n───\nSmall\n")
        #expect(plain("---", width: 12) == "────────────\n")
        #expect(plain("> quoted\n> > deeper\n") == "│ quoted\n│ │ deeper\n")
    }

    @Test func nestedListsHangTheirWrappedLines() {
        let out = plain("- one\n  - two is a long item that wraps\n    1. three\n- four\n", width: 24)
        #expect(out == "• one\n  ◦ two is a long item\n    that wraps\n    1. three\n• four\n")
    }

    @Test func codeBlocksAreFramedWithTheirLanguage() {
        #expect(plain("```python\nx = 1\n```\n") == "╭─ python\n│ x = 1\n╰─\n")
        #expect(plain("1. step\n   ```sh\n   ls\n   ```\n") == "1. step\n   ╭─ shell\n   │ ls\n   ╰─\n")
        let styled = MarkdownRenderer.render("```swift\nlet x = 1\n```", width: 80, color: true, hyperlinks: false)
        #expect(styled.contains("\u{1B}[35mlet\u{1B}[0m"))
        let narrow = plain("```\n\(String(repeating: "x", count: 30))\n```", width: 20)
        #expect(narrow == "╭─\n│ \(String(repeating: "x", count: 18))\n│ \(String(repeating: "x", count: 12))\n╰─\n")
    }

    @Test func tablesAlignAndFitTheWidth() {
        let table = "| a | long header | n |\n|:-:|---|--:|\n| x | y | 10 |\n| 漢字 | 🎉 | 1 |\n"
        #expect(plain(table) == """
            ┌──────┬─────────────┬────┐
            │  a   │ long header │  n │
            ├──────┼─────────────┼────┤
            │  x   │ y           │ 10 │
            │ 漢字 │ 🎉          │  1 │
            └──────┴─────────────┴────┘

            """)
        let wide = "| name | description |\n|---|---|\n| lmg | a gateway and orchestrator for MCP servers written in Swift |\n"
        let fitted = plain(wide, width: 30)
        let lines = fitted.split(separator: "\n")
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 30 })
        #expect(Set(lines.map { DisplayWidth.of($0) }).count == 1)
        for word in ["gateway", "orchestrator", "servers", "written", "Swift"] { #expect(fitted.contains(word)) }
    }

    @Test func aRowWithoutDelimiterIsText() {
        #expect(plain("| a | b |\nnext\n") == "| a | b | next\n")
    }

    @Test func controlCharactersNeverReachTheTerminal() {
        let out = MarkdownRenderer.render("a\u{1B}[2Jb\u{7}c\u{9B}d\r\n", width: 80, color: true, hyperlinks: true)
        #expect(out == "a[2Jbcd\n")
    }

    @Test func reviewedEdges() {
        #expect(plain("a\r\nb\r\n\r\nc") == "a b\n\nc\n")
        var split = MarkdownRenderer(width: 80, color: false, hyperlinks: false)
        #expect(split.feed("a\r") + split.feed("\nb") + split.finish() == plain("a\r\nb"))
        #expect(plain("1. step\n   ```python\n   if x:\n       y()\n   ```\n") == "1. step\n   ╭─ python\n   │ if x:\n   │     y()\n   ╰─\n")
        #expect(plain("Globs like *.txt and `*` work") == "Globs like *.txt and * work\n")
        #expect(plain("Pass **`**kwargs`** here") == "Pass **kwargs here\n")
        let styled = MarkdownRenderer.render("**bold *italic***", width: 80, color: true, hyperlinks: false)
        #expect(styled == "\u{1B}[1mbold\u{1B}[0m\u{1B}[1m \u{1B}[0m\u{1B}[1;3mitalic\u{1B}[0m\n")
        #expect(plain("***bold** italic*") == "bold italic\n")
        #expect(plain("访问 https://example.com，谢谢") == "访问 https://example.com，谢谢\n")
        #expect(plain("C:\\\\\nnext") == "C:\\ next\n")
        #expect(plain("[f](file:///etc/passwd)", hyperlinks: true) == "f (file:///etc/passwd)\n")
        #expect(plain("a\u{202E}b") == "ab\n")
        #expect(plain("| a | b |\n|---|---|\n| `x|y` | 1<br>2 |\n") == """
            ┌─────┬───┐
            │ a   │ b │
            ├─────┼───┤
            │ x|y │ 1 │
            │     │ 2 │
            └─────┴───┘

            """)
    }

    @Test func aQuoteInsideAListItemKeepsItsIndent() {
        let out = plain("- item\n  > note that\n  > wraps here\n  >\n  > ```\n  > code\n  > ```\n- next\n", width: 20)
        #expect(out == "• item\n  │ note that wraps\n  │ here\n  │\n  │ ╭─\n  │ │ code\n  │ ╰─\n• next\n")
        #expect(plain("> a\n> - b\n>   > c\n") == "│ a\n│ • b\n│   │ c\n")
    }

    @Test func inlineHTMLAndEntities() {
        #expect(plain("<b>JOIN</b> x &amp;&amp; y &lt;3 &#8212; &#27; &bogus;") == "JOIN x && y <3 — &#27; &bogus;\n")
        #expect(plain("one<br>two <BR/> three") == "one\ntwo\nthree\n")
        #expect(plain("<div>x</div> <b>open") == "<div>x</div> <b>open\n")
        let styled = MarkdownRenderer.render("<strong>a</strong> <code>b</code>", width: 80, color: true, hyperlinks: false)
        #expect(styled == "\u{1B}[1ma\u{1B}[0m \u{1B}[36mb\u{1B}[0m\n")
    }

    @Test func chineseStreamsCharacterByCharacterAndWrapsAnywhere() {
        var renderer = MarkdownRenderer(width: 80, color: false, hyperlinks: false)
        #expect(renderer.feed("中文段落") == "中文段")
        #expect(plain("中文段落没有空格", width: 10) == "中文段落没\n有空格\n")
    }

    @Test func aTableTooWideForItsColumnsBecomesRecords() {
        let header = "| " + (1...8).map { "c\($0)" }.joined(separator: " | ") + " |\n|" + String(repeating: "---|", count: 8) + "\n"
        let out = plain(header + "| " + (1...8).map { "value\($0)" }.joined(separator: " | ") + " |\n", width: 30)
        #expect(out.hasPrefix("─\nc1: value1\nc2: value2\n"))
        #expect(out.split(separator: "\n").allSatisfy { DisplayWidth.of($0) <= 30 })
    }

    @Test func wideCharactersWrapByColumns() {
        let out = plain("漢字 漢字 漢字 漢字", width: 10)
        #expect(out == "漢字 漢字\n漢字 漢字\n")
        #expect(DisplayWidth.of("👩‍💻🇯🇵❤️e\u{301}") == 7)
    }
}
