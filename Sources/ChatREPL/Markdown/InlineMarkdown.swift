import Foundation

/// Emphasis and the like, combined.
struct InlineStyle: OptionSet, Hashable, Sendable {
    let rawValue: UInt8
    static let bold = InlineStyle(rawValue: 1)
    static let italic = InlineStyle(rawValue: 2)
    static let strike = InlineStyle(rawValue: 4)
    static let code = InlineStyle(rawValue: 8)
    static let link = InlineStyle(rawValue: 16)
    /// A link's URL shown after its text (terminals without hyperlinks).
    static let url = InlineStyle(rawValue: 32)
    static let heading = InlineStyle(rawValue: 64)
    static let header = InlineStyle(rawValue: 128)
}

/// A word's fragment or a space between words, with its style: what a line is laid out from.
struct InlinePiece: Equatable, Sendable {
    /// nil for a space.
    var text: String?
    var style: InlineStyle
    var link: String?
    /// A place a line may break that shows nothing when it does not (between CJK characters,
    /// which take no spaces).
    var breakOnly = false

    /// A line break (`<br>`): the next word starts a new line.
    var newline = false

    /// Columns the piece takes on a line.
    var width: Int { text.map { DisplayWidth.of($0) } ?? (breakOnly || newline ? 0 : 1) }
}

/// Thrown when a decision needs a character that has not arrived: the text so far is held back.
struct NeedsMore: Error {}

/// Splits a line of Markdown into styled pieces: code spans, `*` `_` emphasis, `~~`, links,
/// autolinks and bare URLs, backslash escapes, entities and the few HTML tags models write.
///
/// Streaming rests on one rule: every decision reads characters through `at(_:)`, which throws
/// `NeedsMore` past the end of a line not yet complete. The pieces produced before the throw are
/// then exactly the first pieces of the finished line, whatever arrives.
/// Spans do not cross lines (so a line can be drawn as soon as it ends).
struct InlineParser {
    let chars: [Character]
    let end: Int
    let complete: Bool
    /// Show a link's URL after its text (no hyperlinks on this terminal).
    let showURLs: Bool
    var pieces: [InlinePiece] = []

    init(_ chars: [Character], from start: Int = 0, complete: Bool, showURLs: Bool) {
        self.chars = chars
        self.end = chars.count
        self.complete = complete
        self.showURLs = showURLs
        self.start = start
    }

    let start: Int

    init(chars: [Character], start: Int, end: Int, showURLs: Bool) {
        self.chars = chars
        self.start = start
        self.end = end
        self.complete = true
        self.showURLs = showURLs
    }

    /// Parses the line; `complete` false when it stopped early for lack of text (the pieces so far
    /// are final, the last word may still grow).
    static func pieces(
        _ chars: [Character], from start: Int = 0, complete: Bool, style: InlineStyle = [], showURLs: Bool
    ) -> (pieces: [InlinePiece], complete: Bool) {
        var parser = InlineParser(chars, from: start, complete: complete, showURLs: showURLs)
        do {
            try parser.parse(from: start, style: style, link: nil)
            return (parser.pieces, complete)
        } catch {
            return (parser.pieces, false)
        }
    }

    func at(_ index: Int) throws(NeedsMore) -> Character? {
        if index < end { return chars[index] }
        if complete { return nil }
        throw NeedsMore()
    }

    mutating func parse(from first: Int, style: InlineStyle, link: String?) throws(NeedsMore) {
        var i = first
        while let c = try at(i) {
            switch c {
            case " ", "\t", "\n":
                space(style: style, link: link)
                i += 1
            case "\\":
                if let next = try at(i + 1), next.isASCII, next.isPunctuation || next.isSymbol {
                    text(String(next), style: style, link: link)
                    i += 2
                } else {
                    text("\\", style: style, link: link)
                    i += 1
                }
            case "`":
                i = try codeSpan(at: i, style: style, link: link)
            case "*", "_", "~":
                i = try emphasis(at: i, style: style, link: link)
            case "[", "!":
                i = try linkSpan(at: i, style: style, link: link)
            case "<":
                i = try autolink(at: i, style: style, link: link)
            case "&":
                i = try entity(at: i, style: style, link: link)
            case "h" where link == nil && (i == start || chars[i - 1].isWhitespace || chars[i - 1] == "("):
                i = try bareURL(at: i, style: style)
            default:
                text(String(c), style: style, link: link)
                i += 1
            }
        }
    }

    func run(of character: Character, at index: Int) throws(NeedsMore) -> Int {
        var j = index
        while try at(j) == character { j += 1 }
        return j - index
    }

    /// A code span starting at `i`: its backtick run's length, and where the closing run ends
    /// (nil when none does: the backticks are text).
    func codeSpanEnd(at i: Int) throws(NeedsMore) -> (length: Int, end: Int?) {
        let length = try run(of: "`", at: i)
        var j = i + length
        while let c = try at(j) {
            if c == "`" {
                let closing = try run(of: "`", at: j)
                if closing == length { return (length, j + closing) }
                j += closing
            } else {
                j += 1
            }
        }
        return (length, nil)
    }

    private mutating func codeSpan(at i: Int, style: InlineStyle, link: String?) throws(NeedsMore) -> Int {
        let (length, end) = try codeSpanEnd(at: i)
        guard let end else {
            text(String(repeating: "`", count: length), style: style, link: link)
            return i + length
        }
        var content = chars[(i + length)..<(end - length)].map { $0 == "\t" ? " " : $0 }
        if content.count > 2, content.first == " ", content.last == " ", content.contains(where: { $0 != " " }) {
            content = Array(content.dropFirst().dropLast())
        }
        words(String(content), style: style.union(.code), link: link)
        return end
    }

    private mutating func emphasis(at i: Int, style: InlineStyle, link: String?) throws(NeedsMore) -> Int {
        let mark = chars[i]
        let length = try run(of: mark, at: i)
        let literal = String(repeating: mark, count: length)
        let opens = try at(i + length).map { !$0.isWhitespace } ?? false
        let intraword = mark == "_" && i > start && (chars[i - 1].isLetter || chars[i - 1].isNumber)
        guard opens, !intraword, length <= 3, mark != "~" || length == 2 else {
            text(literal, style: style, link: link)
            return i + length
        }
        var span = try closer(for: mark, length: length, from: i + length).map { (i + length, $0.contentEnd, $0.next, length) }
        // `***a** b*`: no closing `***`, so an italic around a bold.
        if span == nil, length == 3, let end = try closer(for: mark, length: 1, from: i + 3, exact: true) {
            span = (i + 1, end.contentEnd, end.next, 1)
        }
        guard let (contentStart, contentEnd, next, used) = span else {
            text(literal, style: style, link: link)
            return i + length
        }
        let wanted: InlineStyle = mark == "~" ? .strike : used == 1 ? .italic : used == 2 ? .bold : [.bold, .italic]
        var inner = InlineParser(chars: chars, start: contentStart, end: contentEnd, showURLs: showURLs)
        try inner.parse(from: contentStart, style: style.union(wanted), link: link)
        append(inner.pieces)
        return next
    }

    /// Where the span an opener of `length` marks ends: at the nearest closing run at least as
    /// long (code spans skipped); a longer run's extra marks close a span inside (`**a *b***`).
    private func closer(
        for mark: Character, length: Int, from first: Int, exact: Bool = false
    ) throws(NeedsMore) -> (contentEnd: Int, next: Int)? {
        var j = first
        while let c = try at(j) {
            if c == "\\" {
                j += 2
            } else if c == "`" {
                let (run, end) = try codeSpanEnd(at: j)
                j = end ?? j + run
            } else if c == mark {
                let closing = try run(of: mark, at: j)
                let after = try at(j + closing)
                let flanked = !chars[j - 1].isWhitespace && (mark != "_" || !(after?.isLetter ?? false) && !(after?.isNumber ?? false))
                if flanked && (closing == length || !exact && closing > length && mark != "~") { return (j + closing - length, j + closing) }
                j += closing
            } else {
                j += 1
            }
        }
        return nil
    }

    // MARK: Pieces

    mutating func text(_ text: String, style: InlineStyle, link: String?) {
        guard text.utf8.contains(where: { $0 >= 0xE1 }) else { return plain(text, style: style, link: link) }
        // A wide character may start or end a line on its own.
        var run = ""
        for character in text {
            if DisplayWidth.of(character) == 2 {
                if !run.isEmpty { plain(run, style: style, link: link) }
                run = ""
                opportunity(style: style, link: link)
                plain(String(character), style: style, link: link)
                opportunity(style: style, link: link)
            } else {
                run.append(character)
            }
        }
        if !run.isEmpty { plain(run, style: style, link: link) }
    }

    mutating func opportunity(style: InlineStyle, link: String?) {
        guard let last = pieces.last, last.text != nil else { return }
        pieces.append(InlinePiece(text: nil, style: style, link: link, breakOnly: true))
    }

    mutating func plain(_ text: String, style: InlineStyle, link: String?) {
        if let last = pieces.last, let previous = last.text, last.style == style, last.link == link {
            pieces[pieces.count - 1].text = previous + text
        } else {
            pieces.append(InlinePiece(text: text, style: style, link: link))
        }
    }

    mutating func space(style: InlineStyle, link: String?) {
        guard let last = pieces.last else { return }
        if last.breakOnly {
            pieces[pieces.count - 1] = InlinePiece(text: nil, style: style, link: link)
        } else if last.text != nil {
            pieces.append(InlinePiece(text: nil, style: style, link: link))
        }
    }

    mutating func words(_ text: String, style: InlineStyle, link: String?) {
        for (index, word) in text.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { space(style: style, link: link) }
            if !word.isEmpty { self.text(String(word), style: style, link: link) }
        }
    }

    mutating func append(_ more: [InlinePiece]) {
        for piece in more {
            if let text = piece.text {
                plain(text, style: piece.style, link: piece.link)
            } else if piece.newline {
                pieces.append(piece)
            } else if piece.breakOnly {
                opportunity(style: piece.style, link: piece.link)
            } else {
                space(style: piece.style, link: piece.link)
            }
        }
    }
}
