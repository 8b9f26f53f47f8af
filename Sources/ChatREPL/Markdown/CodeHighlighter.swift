/// What a piece of a code line is, for colouring.
enum CodeTokenKind: Sendable, Equatable { case plain, keyword, string, comment, number, literal, type, key, variable }

/// A run of a code line with one kind.
struct CodeToken: Sendable, Equatable {
    var text: String
    var kind: CodeTokenKind
}

/// Colours code line by line; a value, so it carries what is open across lines (a block comment, a triple-quoted or multi-line string).
///
/// A lexer guessing from local context, not a parser: a terminal colouring a snippet must never fail, and a wrong
/// colour is cheap while a dropped or reordered character is not.
struct CodeHighlighter: Sendable, Equatable {
    /// A comment or string a line left open, with what closes it, so the next line starts inside it.
    struct Open: Sendable, Equatable {
        var closer: String
        var kind: CodeTokenKind
        var escapes: Bool
    }

    let language: Language
    /// Readable so a caller can tell a fence ended inside a string or comment.
    private(set) var open: Open?

    /// nil when the fence's info string names no language it knows (the caller then prints the code plain).
    init?(language info: String) {
        guard let language = Language(info: info) else { return nil }
        self.language = language
    }

    /// The language's display name, e.g. "swift", "python", "typescript".
    var languageName: String { language.rawValue }

    /// Splits one line (without its newline) into tokens whose texts concatenated equal the line exactly.
    mutating func highlight(_ line: String) -> [CodeToken] {
        var scanner = Scanner(lang: language, chars: Array(line))
        open = scanner.run(carrying: open)
        return scanner.tokens
    }
}

extension CodeHighlighter {
    /// One pass over one line; the cursor lives here so the carried value stays just the language and what is open.
    /// Works on `Character`s so a cut can never split a grapheme (emoji, CJK, combining marks).
    private struct Scanner {
        let lang: Language
        let chars: [Character]
        var i = 0
        var tokens: [CodeToken] = []

        func char(_ k: Int) -> Character? { k >= 0 && k < chars.count ? chars[k] : nil }
        /// ASCII only: `Character.isNumber` would let "½" or "٣" start a number.
        func isDigit(_ c: Character?) -> Bool { c.map { $0 >= "0" && $0 <= "9" } ?? false }
        func isWordStart(_ c: Character) -> Bool {
            c.isLetter || c == "_" || (c == "$" && (lang == .javascript || lang == .typescript))
        }
        /// Shell words take `-` so `foo-done` is not read as the keyword `done`.
        func isWordChar(_ c: Character) -> Bool { isWordStart(c) || c.isNumber || (c == "-" && lang == .shell) }
        func wordEnd(from k: Int) -> Int {
            var j = k
            while let c = char(j), isWordChar(c) { j += 1 }
            return j
        }

        func has(_ s: String, at k: Int) -> Bool { k >= 0 && chars.dropFirst(k).starts(with: s) }

        /// Index just past `closer`, or nil when the line ends first.
        func find(_ closer: String, from k: Int, escapes: Bool) -> Int? {
            var j = k
            while j < chars.count {
                if escapes, chars[j] == "\\" {
                    j += 2
                    continue
                }
                if has(closer, at: j) { return j + closer.count }
                j += 1
            }
            return nil
        }

        /// Whether a `:` follows, which is what makes a JSON or YAML string a key rather than a value.
        func colonFollows(_ k: Int) -> Bool {
            var j = k
            while char(j)?.isWhitespace == true { j += 1 }
            return char(j) == ":"
        }

        /// Merges with a previous run of the same kind so the output stays compact.
        mutating func emit(to end: Int, _ kind: CodeTokenKind) {
            let end = min(end, chars.count)
            guard end > i else { return }
            let text = String(chars[i..<end])
            if tokens.last?.kind == kind {
                tokens[tokens.count - 1].text += text
            } else {
                tokens.append(CodeToken(text: text, kind: kind))
            }
            i = end
        }

        /// Emits a run whose body starts at `body`; returns it when the line ends first and it may span lines.
        mutating func delimited(body: Int, _ open: Open, multiline: Bool) -> Open? {
            if let end = find(open.closer, from: body, escapes: open.escapes) {
                emit(to: end, open.kind)
                return nil
            }
            emit(to: chars.count, open.kind)
            return multiline ? open : nil
        }

        mutating func run(carrying carried: Open?) -> Open? {
            if let carried, let still = delimited(body: 0, carried, multiline: true) { return still }
            if lang == .yaml {
                yamlLine()
                return nil
            }
            while i < chars.count {
                if let open = step() { return open }
            }
            return nil
        }

        /// Consumes one token; returns a comment or string the end of the line left open.
        mutating func step() -> Open? {
            let c = chars[i]
            if c.isWhitespace {
                emit(to: i + 1, .plain)
            } else if has(lang.lineComment, at: i), lang != .shell || i == 0 || chars[i - 1].isWhitespace {
                // Shell `#` mid-word is literal text (`a#b`, `${#x}`), so only a word-initial `#` comments.
                emit(to: chars.count, .comment)
            } else if lang.blockComments, has("/*", at: i) {
                return delimited(body: i + 2, Open(closer: "*/", kind: .comment, escapes: false), multiline: true)
            } else if lang == .shell, c == "\"" {
                shellString()
            } else if let s = stringStart() {
                if lang == .json, let end = find(s.open.closer, from: s.body, escapes: s.open.escapes) {
                    emit(to: end, colonFollows(end) ? .key : .string)
                } else {
                    return delimited(body: s.body, s.open, multiline: s.multiline)
                }
            } else if lang == .shell, c == "$" {
                variable()
            } else if (c == "#" && lang.directives) || (c == "@" && lang.attributes), let n = char(i + 1), isWordStart(n) {
                emit(to: wordEnd(from: i + 1), .keyword)
            } else if isDigit(c) || (c == "." && isDigit(char(i + 1)) && !(i > 0 && isWordChar(chars[i - 1]))) {
                number()
            } else if isWordStart(c) {
                let end = wordEnd(from: i + 1)
                // JSON5 allows unquoted keys.
                emit(to: end, lang == .json && colonFollows(end) ? .key : lang.kind(ofWord: String(chars[i..<end])))
            } else {
                emit(to: i + 1, .plain)
            }
            return nil
        }

        /// The string starting at `i`, if any: where its body starts and what closes it.
        func stringStart() -> (body: Int, open: Open, multiline: Bool)? {
            var k = i, hashes = ""
            switch lang {
            case .python: // r, b, f, u prefixes and pairs of them such as rb
                while k - i < 2, let c = char(k), "rRbBfFuU".contains(c) { k += 1 }
            case .swift: // #"raw"#: any number of #, mirrored in the closer; \ escapes only as \#
                while char(k) == "#" {
                    k += 1
                    hashes += "#"
                }
            case .rust:
                if char(k) == "b" { k += 1 }
                if char(k) == "r" {
                    var h = k + 1
                    while char(h) == "#" { h += 1 }
                    if char(h) == "\"" {
                        let closer = "\"" + String(repeating: "#", count: h - k - 1)
                        return (h + 1, Open(closer: closer, kind: .string, escapes: false), true)
                    }
                }
                // `'a` is a lifetime; only `'x'` and `'\n'` are character literals.
                if char(k) == "'", char(k + 1) != "\\", char(k + 2) != "'" { return nil }
            default:
                break
            }
            for q in lang.quotes where has(q.open, at: k) {
                let open = Open(closer: q.close + hashes, kind: .string, escapes: q.escapes && hashes.isEmpty)
                return (k + q.open.count, open, q.multiline)
            }
            return nil
        }

        mutating func number() {
            var j = i
            if chars[j] == "0", let x = char(j + 1), "xXbBoO".contains(x) {
                j += 2
                while let c = char(j), c.isHexDigit || c == "_" { j += 1 }
            } else {
                while isDigit(char(j)) || char(j) == "_" { j += 1 }
                if char(j) == ".", isDigit(char(j + 1)) {
                    j += 1
                    while isDigit(char(j)) || char(j) == "_" { j += 1 }
                }
                if char(j) == "e" || char(j) == "E" {
                    var k = j + 1
                    if char(k) == "+" || char(k) == "-" { k += 1 }
                    if isDigit(char(k)) { j = k }
                    while isDigit(char(j)) || char(j) == "_" { j += 1 }
                }
            }
            // Suffixes such as `10u`, `1.5f`, `7i32` or `1n` belong to the literal.
            while let c = char(j), c.isLetter || c.isNumber || c == "_" { j += 1 }
            emit(to: j, .number)
        }

        /// `$name`, `${...}`, `$1`, `$?`; for `$(` only the opener, so the command inside is still coloured.
        mutating func variable() {
            var end = i + 2
            switch char(i + 1) {
            case "{"?:
                end = find("}", from: end, escapes: false) ?? chars.count
            case let n? where n.isLetter || n == "_":
                while let c = char(end), c.isLetter || c.isNumber || c == "_" { end += 1 }
            case let n? where n == "(" || isDigit(n) || "@*#?$!-".contains(n):
                break
            default:
                return emit(to: i + 1, .plain)
            }
            emit(to: end, .variable)
        }

        /// Shell double quotes expand variables, so those are cut out of the string and coloured as variables.
        mutating func shellString() {
            var j = i + 1
            while j < chars.count {
                let c = chars[j]
                if c == "\\" {
                    j += 2
                } else if c == "\"" {
                    return emit(to: j + 1, .string)
                } else if c == "$", let n = char(j + 1), "{(@*#?!".contains(n) || n.isLetter || n == "_" || isDigit(n) {
                    emit(to: j, .string)
                    variable()
                    j = i
                } else {
                    j += 1
                }
            }
            emit(to: chars.count, .string)
        }

        /// YAML is line-shaped: indentation and `- ` markers, an optional `key:`, then a value.
        mutating func yamlLine() {
            while let c = char(i), c.isWhitespace || (c == "-" && char(i + 1)?.isWhitespace != false) {
                emit(to: i + 1, .plain)
            }
            if let key = yamlKey() {
                emit(to: key.end, .key)
                emit(to: key.colon + 1, .plain)
            }
            yamlValue()
        }

        /// A colon counts only before whitespace or the line's end, so URLs and times stay values.
        func yamlKey() -> (end: Int, colon: Int)? {
            guard let c = char(i), !"#[{".contains(c) else { return nil }
            var end = i
            if c == "\"" || c == "'" {
                guard let e = find(String(c), from: i + 1, escapes: c == "\"") else { return nil }
                end = e
            } else {
                while let d = char(end), d != ":" || char(end + 1)?.isWhitespace == false {
                    if d == "#", chars[end - 1].isWhitespace { return nil }
                    end += 1
                }
            }
            var colon = end
            while char(colon)?.isWhitespace == true { colon += 1 }
            guard char(colon) == ":", char(colon + 1)?.isWhitespace != false else { return nil }
            return (end, colon)
        }

        /// Plain scalars are coloured only when the whole scalar is a number or literal: `true story` is text.
        mutating func yamlValue() {
            while let c = char(i) {
                if c == "#", i == 0 || chars[i - 1].isWhitespace { return emit(to: chars.count, .comment) }
                if c.isWhitespace || "[]{},:".contains(c) {
                    emit(to: i + 1, .plain)
                } else if let s = stringStart() {
                    _ = delimited(body: s.body, s.open, multiline: false)
                } else {
                    var end = i
                    while let d = char(end), !",]}".contains(d), !(d == "#" && chars[end - 1].isWhitespace) { end += 1 }
                    while end > i + 1, chars[end - 1].isWhitespace { end -= 1 }
                    emit(to: end, lang.kind(ofScalar: String(chars[i..<end])))
                }
            }
        }
    }
}
