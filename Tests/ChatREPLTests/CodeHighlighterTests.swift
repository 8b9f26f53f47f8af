import Testing
@testable import ChatREPL

/// Highlights `lines` in order with one highlighter, as one fenced block would be.
private func highlight(_ info: String, _ lines: [String]) -> [[CodeToken]] {
    guard var highlighter = CodeHighlighter(language: info) else {
        Issue.record("no highlighter for \(info)")
        return []
    }
    return lines.map { highlighter.highlight($0) }
}

private func tokens(_ info: String, _ line: String) -> [CodeToken] { highlight(info, [line]).first ?? [] }

/// Kind of the token whose text is exactly `text`; whole tokens, so the merging of neighbours stays under test too.
private func kind(_ text: String, _ tokens: [CodeToken]) -> CodeTokenKind? { tokens.first { $0.text == text }?.kind }

/// Kind of the first token containing `text`, for plain text that merges with the punctuation around it.
private func kind(within text: String, _ tokens: [CodeToken]) -> CodeTokenKind? {
    tokens.first { $0.text.contains(text) }?.kind
}

/// Checks the invariants every line must keep whatever the language: nothing lost, nothing empty, neighbours merged.
private func expectWellFormed(_ tokens: [CodeToken], _ line: String, sourceLocation: SourceLocation = #_sourceLocation) {
    // Scalar by scalar: String == would forgive a change in normalisation.
    #expect(tokens.map(\.text).joined().unicodeScalars.elementsEqual(line.unicodeScalars), "\(tokens)", sourceLocation: sourceLocation)
    #expect(!tokens.contains { $0.text.isEmpty }, sourceLocation: sourceLocation)
    #expect(!zip(tokens, tokens.dropFirst()).contains { $0.kind == $1.kind }, "\(tokens)", sourceLocation: sourceLocation)
}

private let corpus = [
    "", " ", "\t", "\"", "'", "`", "\"\"\"", "'''", "/*", "*/", "//", "#", "--", "$", "${", "$(", "\\", "@", "0x", ".",
    #"let s = "esc \" quote \\" + 'x\'y' + "tab\t""#,
    #""unterminated \"#,
    "x = '🎉 emoji 你好' // 注释 😀",
    "# コメント 🚀 #",
    "/* 多行 🌍",
    "still 👩‍👩‍👧 */ done",
    ###"r#"raw"# br##"x"## b'x' f"{y}" rb'''z''' `tpl ${z}` #"sw"# '\n' 'a"###,
    "0x1F 1_000 1.5e-3 .5 1e 0b 07 1.2.3 10u 1.5f 7i32 9n -1 x.0",
    "key: \"v\" # c",
    "  - a: [1, 2, {b: c}]  # 🚀",
    "- \"quoted 日本\": 'it''s'",
    "e\u{301} combining \"e\u{301}\" '\u{301}'",
    "\"\u{301}quote with a combining mark",
    "echo $HOME ${X:-d} $1 $? $(ls) \"$Y ${Z} $(a)\" a#b $'\\n' '$lit'",
    "SELECT 'it''s' FROM t -- c 注释",
    "int main(void) { return 0; } /* c */ // d",
    "@attr #if DEBUG #include <x.h>",
    "'a lifetime &'static str",
    "\"\"\"open and \"\"\" close",
    "emoji only 😀😀😀",
    "\r",
]

@Suite struct CodeHighlighterInfoStringTests {
    @Test(arguments: [
        ("Swift", "swift"), ("py", "python"), ("Python", "python"), ("python3", "python"), ("bash title=x", "shell"),
        ("js", "javascript"), ("jsx", "javascript"), ("mjs", "javascript"), ("cjs", "javascript"), ("node", "javascript"),
        ("ts", "typescript"), ("TSX", "typescript"), ("json", "json"), ("jsonc", "json"), ("json5", "json"),
        ("sh", "shell"), ("zsh", "shell"), ("console", "shell"), ("shellsession", "shell"), ("ksh", "shell"),
        ("shell", "shell"), ("sql", "sql"), ("postgresql", "sql"), ("postgres", "sql"), ("mysql", "sql"),
        ("sqlite", "sql"), ("c", "c"), ("cpp", "cpp"), ("c++", "cpp"), ("cc", "cpp"), ("h", "cpp"), ("hpp", "cpp"),
        ("java", "java"), ("go", "go"), ("golang", "go"), ("rust", "rust"), ("rs", "rust"), ("kotlin", "kotlin"),
        ("kt", "kotlin"), ("csharp", "csharp"), ("cs", "csharp"), ("C#", "csharp"), ("yaml", "yaml"), ("yml", "yaml"),
        ("  js  extra words", "javascript"), ("ts\ttitle=\"a b\"", "typescript"),
    ])
    func known(info: String, name: String) {
        #expect(CodeHighlighter(language: info)?.languageName == name)
    }

    @Test(arguments: ["unknownlang", "", "   ", "html", "title=x swift", "swiftly"])
    func unknown(info: String) {
        #expect(CodeHighlighter(language: info) == nil)
    }
}

@Suite struct CodeHighlighterInvariantTests {
    @Test(arguments: CodeHighlighter.Language.allCases)
    func corpusLines(language: CodeHighlighter.Language) {
        // Once carrying state line to line, and once fresh per line, so both entry states are covered.
        for (line, result) in zip(corpus, highlight(language.rawValue, corpus)) { expectWellFormed(result, line) }
        for line in corpus { expectWellFormed(tokens(language.rawValue, line), line) }
    }

    /// Random lines from the characters that drive the scanner's decisions, to reach states nobody thought to write.
    @Test(arguments: CodeHighlighter.Language.allCases)
    func randomLines(language: CodeHighlighter.Language) {
        let alphabet = Array("\"'`#$/*\\-{}():.ex0r1 \t_aZ@é😀你\u{301}")
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        var highlighter = CodeHighlighter(language: language.rawValue)!
        for _ in 0..<400 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            var line = "", bits = seed
            for _ in 0..<Int(seed >> 59) {
                line.append(alphabet[Int(bits % UInt64(alphabet.count))])
                bits = bits / UInt64(alphabet.count) ^ (bits << 7)
            }
            expectWellFormed(highlighter.highlight(line), line)
        }
    }

    @Test func emptyLineHasNoTokens() {
        #expect(tokens("swift", "").isEmpty)
    }
}

@Suite struct CodeHighlighterLanguageTests {
    @Test func swift() {
        let a = tokens("swift", "let x: Int = 0x1F // hi")
        #expect(kind("let", a) == .keyword && kind("Int", a) == .type && kind("0x1F", a) == .number)
        #expect(kind("// hi", a) == .comment)
        let b = tokens("swift", "if flag == true { return nil }")
        #expect(kind("if", b) == .keyword && kind("true", b) == .literal && kind("nil", b) == .literal)
        let c = tokens("swift", ##"let s = #"raw \n "quoted""# + "a\"b" + "c"##)
        #expect(kind(##"#"raw \n "quoted""#"##, c) == .string && kind(#""a\"b""#, c) == .string && kind(#""c"#, c) == .string)
        let d = tokens("swift", "@MainActor func f() async throws {} #if DEBUG")
        #expect(kind("@MainActor", d) == .keyword && kind("func", d) == .keyword && kind("#if", d) == .keyword)
        #expect(kind("DEBUG", d) == .type)
    }

    @Test func python() {
        let a = tokens("python", "def f(x=None): return True  # done")
        #expect(a == [
            CodeToken(text: "def", kind: .keyword), CodeToken(text: " f(x=", kind: .plain), CodeToken(text: "None", kind: .literal),
            CodeToken(text: "): ", kind: .plain), CodeToken(text: "return", kind: .keyword), CodeToken(text: " ", kind: .plain),
            CodeToken(text: "True", kind: .literal), CodeToken(text: "  ", kind: .plain), CodeToken(text: "# done", kind: .comment),
        ])
        let b = tokens("py", #"s = rb'\x00' + f"{x}" + 1_000.5e-3"#)
        #expect(kind(#"rb'\x00'"#, b) == .string && kind(#"f"{x}""#, b) == .string && kind("1_000.5e-3", b) == .number)
        #expect(kind("@decorator", tokens("py", "@decorator")) == .keyword)
        let c = tokens("py", "class Foo: pass")
        #expect(kind("class", c) == .keyword && kind("pass", c) == .keyword)
        #expect(!c.contains { $0.kind == .type }) // no capital-letter guess for Python
    }

    @Test func javascript() {
        let a = tokens("js", "const a = `x${y}`; // c")
        #expect(kind("const", a) == .keyword && kind("`x${y}`", a) == .string && kind("// c", a) == .comment)
        let b = tokens("js", "let u = undefined ?? null ?? 'it\\'s' ?? .5")
        #expect(kind("undefined", b) == .literal && kind("null", b) == .literal && kind("'it\\'s'", b) == .string)
        #expect(kind(".5", b) == .number)
        #expect(kind("$el", tokens("js", "$el")) == .plain)
        #expect(kind(within: "Foo", tokens("js", "class Foo {}")) == .plain)
    }

    @Test func typescript() {
        let a = tokens("ts", "interface P { name: string; age?: number }")
        #expect(kind("interface", a) == .keyword && kind("P", a) == .type && kind("string", a) == .type)
        #expect(kind("number", a) == .type)
        let b = tokens("ts", "type T = Array<boolean> | undefined")
        #expect(kind("type", b) == .keyword && kind("Array", b) == .type && kind("undefined", b) == .literal)
    }

    @Test func json() {
        let a = tokens("json", #"{"name": "x", "n": -1.5e3, "ok": true, "none": null}"#)
        #expect(kind(#""name""#, a) == .key && kind(#""x""#, a) == .string && kind("1.5e3", a) == .number)
        #expect(kind("true", a) == .literal && kind("null", a) == .literal)
        let b = tokens("jsonc", #"  "a" : ["b", 2] // c"#)
        #expect(kind(#""a""#, b) == .key && kind(#""b""#, b) == .string && kind("// c", b) == .comment)
        let c = tokens("json5", "{unquoted: 'single'}")
        #expect(kind("unquoted", c) == .key && kind("'single'", c) == .string)
    }

    @Test func shell() {
        let a = tokens("bash", #"if [ -f "$HOME/x" ]; then echo ${PATH} $1 $(date); fi # note"#)
        #expect(kind("if", a) == .keyword && kind("then", a) == .keyword && kind("fi", a) == .keyword)
        #expect(kind("\"", a) == .string && kind("$HOME", a) == .variable && kind("/x\"", a) == .string)
        #expect(kind("${PATH}", a) == .variable && kind("$1", a) == .variable && kind("$(", a) == .variable)
        #expect(kind("# note", a) == .comment)
        #expect(tokens("sh", "echo a#b ${#arr}") == [
            CodeToken(text: "echo a#b ", kind: .plain), CodeToken(text: "${#arr}", kind: .variable),
        ])
        #expect(tokens("sh", "#!/bin/bash") == [CodeToken(text: "#!/bin/bash", kind: .comment)])
        let b = tokens("zsh", "for f in *.txt; do ls foo-done; done")
        #expect(kind("for", b) == .keyword && kind("in", b) == .keyword && kind("do", b) == .keyword)
        #expect(kind("done", b) == .keyword && !b.contains { $0.text.hasPrefix("-done") })
        let c = tokens("sh", "export FOO='lit $x' Bar")
        #expect(kind("export", c) == .keyword && kind("'lit $x'", c) == .string && !c.contains { $0.kind == .type })
    }

    @Test func sql() {
        let a = tokens("sql", "SELECT id FROM users WHERE age > 18 AND name = 'O''Brien'; -- c")
        #expect(kind("SELECT", a) == .keyword && kind("FROM", a) == .keyword && kind("AND", a) == .keyword)
        #expect(kind("18", a) == .number && kind("'O''Brien'", a) == .string && kind("-- c", a) == .comment)
        #expect(kind("/* b */", tokens("sql", "/* b */ x")) == .comment)
    }

    @Test(arguments: ["SELECT", "select", "SeLeCt"])
    func sqlIsCaseInsensitive(word: String) {
        let t = tokens("postgres", "\(word) NULL, null, VARCHAR(10), varchar FROM t")
        #expect(kind(word, t) == .keyword && kind("NULL", t) == .literal && kind("null", t) == .literal)
        #expect(kind("VARCHAR", t) == .type && kind("varchar", t) == .type && kind("FROM", t) == .keyword)
    }

    @Test func c() {
        #expect(kind("#include", tokens("c", "#include <stdio.h>")) == .keyword)
        let a = tokens("c", #"int main(void) { char c = '\n'; size_t n = NULL; return 0; } /* c */"#)
        #expect(kind("int", a) == .keyword && kind("void", a) == .keyword && kind(#"'\n'"#, a) == .string)
        #expect(kind("size_t", a) == .type && kind("NULL", a) == .literal && kind("0", a) == .number)
        #expect(kind("/* c */", a) == .comment)
    }

    @Test func cpp() {
        let a = tokens("c++", #"template <typename T> class Foo final { auto p = nullptr; std::string s = "x"; };"#)
        #expect(kind("template", a) == .keyword && kind("typename", a) == .keyword && kind("T", a) == .type)
        #expect(kind("Foo", a) == .type && kind("nullptr", a) == .literal && kind(#""x""#, a) == .string)
    }

    @Test func java() {
        let a = tokens("java", #"public static void main(String[] args) { System.out.println("hi"); } // x"#)
        #expect(kind("public", a) == .keyword && kind("void", a) == .keyword && kind("String", a) == .type)
        #expect(kind("System", a) == .type && kind(#""hi""#, a) == .string && kind("// x", a) == .comment)
        #expect(kind("@Override", tokens("java", "@Override")) == .keyword)
    }

    @Test func go() {
        let a = tokens("golang", "func main() { s := `raw\\n`; var n int = 0b1010; err = nil }")
        #expect(kind("func", a) == .keyword && kind("`raw\\n`", a) == .string && kind("int", a) == .type)
        #expect(kind("0b1010", a) == .number && kind("nil", a) == .literal)
    }

    @Test func rust() {
        let a = tokens("rs", ##"fn main() { let s = r#"a "b""#; let c = 'x'; let d = b"y"; }"##)
        #expect(kind("fn", a) == .keyword && kind(##"r#"a "b""#"##, a) == .string && kind("'x'", a) == .string)
        #expect(kind(#"b"y""#, a) == .string)
        let b = tokens("rust", "fn f<'a>(x: &'a str) -> Option<u8> { 1_000i32 }")
        #expect(!b.contains { $0.kind == .string } && kind("str", b) == .type && kind("u8", b) == .type)
        #expect(kind("Option", b) == .type && kind("1_000i32", b) == .number)
    }

    @Test func kotlin() {
        let a = tokens("kt", ##"val x: String? = null; fun f() = """raw \""""##)
        #expect(kind("val", a) == .keyword && kind("String", a) == .type && kind("null", a) == .literal)
        #expect(kind("fun", a) == .keyword && kind(#""""raw \""""#, a) == .string)
    }

    @Test func csharp() {
        let a = tokens("cs", #"var s = @"C:\path"; string t = $"{x}"; namespace App { }"#)
        #expect(kind("var", a) == .keyword && kind(#"@"C:\path""#, a) == .string && kind("string", a) == .keyword)
        #expect(kind(#"$"{x}""#, a) == .string && kind("namespace", a) == .keyword && kind("App", a) == .type)
        #expect(kind("#region", tokens("c#", "#region Setup")) == .keyword)
    }

    @Test func yaml() {
        let a = tokens("yaml", "name: my-app  # comment")
        #expect(kind("name", a) == .key && kind(within: "my-app", a) == .plain && kind("# comment", a) == .comment)
        let b = tokens("yml", "  - port: 8080")
        #expect(kind("port", b) == .key && kind("8080", b) == .number && kind("  - ", b) == .plain)
        #expect(kind("true", tokens("yaml", "enabled: true")) == .literal)
        #expect(kind(within: "true story", tokens("yaml", "title: true story")) == .plain)
        let c = tokens("yaml", #"url: "http://x" # c"#)
        #expect(kind("url", c) == .key && kind(#""http://x""#, c) == .string && kind("# c", c) == .comment)
        let d = tokens("yaml", "time: 12:30")
        #expect(kind("time", d) == .key && kind(within: "12:30", d) == .plain)
        let e = tokens("yaml", #""quoted key": Yes"#)
        #expect(kind(#""quoted key""#, e) == .key && kind("Yes", e) == .literal)
        let f = tokens("yaml", "on: [push, 3, ~]")
        #expect(kind("on", f) == .key && kind("3", f) == .number && kind("~", f) == .literal)
        #expect(tokens("yaml", "- plain item") == [CodeToken(text: "- plain item", kind: .plain)])
        #expect(kind("a#b", tokens("yaml", "a#b: c")) == .key)
    }
}

@Suite struct CodeHighlighterMultiLineTests {
    @Test func blockCommentOverThreeLines() {
        var h = CodeHighlighter(language: "c")!
        #expect(h.highlight("int a; /* start") == [
            CodeToken(text: "int", kind: .keyword), CodeToken(text: " a; ", kind: .plain), CodeToken(text: "/* start", kind: .comment),
        ])
        #expect(h.open != nil)
        #expect(h.highlight("  middle \"not a string") == [CodeToken(text: "  middle \"not a string", kind: .comment)])
        #expect(h.highlight("end */ int b;") == [
            CodeToken(text: "end */", kind: .comment), CodeToken(text: " ", kind: .plain),
            CodeToken(text: "int", kind: .keyword), CodeToken(text: " b;", kind: .plain),
        ])
        #expect(h.open == nil)
    }

    @Test func pythonTripleQuote() {
        let t = highlight("python", [#"s = """doc"#, #"  still "quoted" # here"#, #"end""" + x  # c"#, "pass"])
        #expect(kind(#""""doc"#, t[0]) == .string)
        #expect(t[1] == [CodeToken(text: #"  still "quoted" # here"#, kind: .string)])
        #expect(kind(#"end""""#, t[2]) == .string && kind("# c", t[2]) == .comment)
        #expect(t[3] == [CodeToken(text: "pass", kind: .keyword)])
        let single = highlight("py", ["x = '''a", "b'''", "'''"])
        #expect(single[1] == [CodeToken(text: "b'''", kind: .string)] && single[2] == [CodeToken(text: "'''", kind: .string)])
    }

    @Test func javascriptTemplateLiteral() {
        let t = highlight("ts", ["const t = `a", "${b} // no", "c`; let x = 1"])
        #expect(kind("`a", t[0]) == .string)
        #expect(t[1] == [CodeToken(text: "${b} // no", kind: .string)])
        #expect(kind("c`", t[2]) == .string && kind("let", t[2]) == .keyword && kind("1", t[2]) == .number)
    }

    @Test func swiftMultiLineString() {
        let t = highlight("swift", [#"let s = """"#, #"  text // "not" a comment \(x)"#, #"  """"#, "let y = 1"])
        #expect(kind(#"""""#, t[0]) == .string)
        #expect(t[1] == [CodeToken(text: #"  text // "not" a comment \(x)"#, kind: .string)])
        #expect(t[2] == [CodeToken(text: #"  """"#, kind: .string)])
        #expect(kind("let", t[3]) == .keyword)
        let raw = highlight("swift", [##"x = #"""a"##, ##"b """ c"""#"##, "nil"])
        #expect(raw[1] == [CodeToken(text: ##"b """ c"""#"##, kind: .string)] && kind("nil", raw[2]) == .literal)
    }

    @Test func rawStringsOfGoRustKotlin() {
        let go = highlight("go", ["s := `a", "b \\`", "x := nil"])
        #expect(go[1] == [CodeToken(text: "b \\`", kind: .string)] && kind("nil", go[2]) == .literal)
        let rust = highlight("rust", [##"let s = r#"a"##, ##"" still"#;"##, "fn"])
        #expect(kind(##"" still"#"##, rust[1]) == .string && rust[2] == [CodeToken(text: "fn", kind: .keyword)])
        let kotlin = highlight("kotlin", [#"val s = """a"#, #"b""" + null"#])
        #expect(kind(#"b""""#, kotlin[1]) == .string && kind("null", kotlin[1]) == .literal)
    }

    @Test(arguments: ["swift", "js", "python", "c", "sql", "json", "bash", "yaml", "rust", "go"])
    func singleLineStringsAreNotCarried(info: String) {
        var h = CodeHighlighter(language: info)!
        _ = h.highlight(#"x = "abc \"#)
        #expect(h.open == nil)
        _ = h.highlight("x = 'abc")
        #expect(h.open == nil)
        #expect(kind("1", h.highlight("1")) == .number)
    }

    /// A copy carries its own state, which is what lets a caller snapshot a highlighter per block.
    @Test func stateIsAValue() {
        var a = CodeHighlighter(language: "swift")!
        let fresh = a
        _ = a.highlight("/* open")
        var b = a
        #expect(a != fresh)
        #expect(kind("x", b.highlight("x")) == .comment)
        var c = fresh
        #expect(kind("let", c.highlight("let")) == .keyword)
        #expect(kind("*/", a.highlight("*/")) == .comment && a.open == nil)
    }
}
