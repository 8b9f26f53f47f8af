/// Renders a model's Markdown answer for a terminal as it streams: text in, styled text out.
///
/// What `feed` returns is final: it is never redrawn, so a construct whose meaning depends on
/// text still to come (an open `**`, a word that may grow, a table row, a code line) is held back
/// until that text arrives, and no longer. Everything returned by `feed` and `finish` together is
/// the same, byte for byte, as `render` of the whole answer. The trick: lines that have ended go
/// into the block state for good; the line still arriving is drawn on a copy of that state, and
/// only what the copy drew past what was already returned goes out.
///
/// Differences from CommonMark, each so text can show as it arrives: emphasis and code spans do
/// not cross lines; table rows start with `|`; `===`/`---` under text make no heading (`---` is a
/// rule); any list marker starts an item.
public struct MarkdownRenderer: Sendable {
    private var blocks: MarkdownBlocks
    private var line = ""
    private var bytes: [UInt8] = []
    /// UTF-8 length of what was returned for the line still arriving.
    private var returned = 0
    private var requestedWidth: Int
    /// UTF-8 length of the arriving line when it was last drawn on a copy.
    private var tried = 0
    /// The arriving line ended with a space or a wide character at the last piece.
    private var endedAtBoundary = false

    /// A renderer for `width` columns; `color` false keeps the layout without ANSI styles;
    /// `hyperlinks` draws links as OSC 8 (else the URL follows the text).
    public init(width: Int, color: Bool, hyperlinks: Bool) {
        requestedWidth = max(width, 10)
        blocks = MarkdownBlocks(width: requestedWidth, theme: MarkdownTheme(color: color, hyperlinks: hyperlinks))
    }

    /// The terminal's width; a change applies from the next line (what is drawn stays drawn).
    public var width: Int {
        get { requestedWidth }
        set { requestedWidth = max(newValue, 10) }
    }

    /// Whether the terminal takes OSC 8 hyperlinks: read from what terminals announce in the
    /// environment; `LMG_HYPERLINKS=1` or `=0` decides instead.
    public static func terminalTakesHyperlinks(environment: [String: String]) -> Bool {
        MarkdownTheme.supportsHyperlinks(environment: environment)
    }

    /// The whole answer at once.
    public static func render(_ text: String, width: Int, color: Bool, hyperlinks: Bool) -> String {
        var renderer = MarkdownRenderer(width: width, color: color, hyperlinks: hyperlinks)
        return renderer.feed(text) + renderer.finish()
    }

    /// Takes the next piece of the answer; returns what can be drawn now.
    public mutating func feed(_ text: String) -> String {
        var out = ""
        // By scalar: "\r\n" is one Character, and a "\r" may end one piece and its "\n" start the next.
        var rest = Substring(text).unicodeScalars
        while let newline = rest.firstIndex(of: "\n") {
            line += Self.sanitized(Substring(rest[..<newline]))
            endLine(into: &out)
            rest = rest[rest.index(after: newline)...]
        }
        let grew = !rest.isEmpty
        line += Self.sanitized(Substring(rest))
        if grew { out += drawArriving(new: Substring(rest)) }
        return out
    }

    /// Takes raw bytes, which may end inside a UTF-8 sequence (kept until the rest arrives).
    public mutating func feed(bytes more: some Sequence<UInt8>) -> String {
        bytes += more
        var cut = bytes.count
        // Back off over a sequence not yet complete: at most three continuation bytes and a lead.
        var back = 0
        while back < min(4, bytes.count) {
            let byte = bytes[bytes.count - 1 - back]
            if byte & 0xC0 != 0x80 {
                let needed = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : byte >= 0xC0 ? 2 : 1
                if needed > back + 1 { cut = bytes.count - 1 - back }
                break
            }
            back += 1
        }
        let text = String(decoding: bytes[..<cut], as: UTF8.self)
        bytes.removeFirst(cut)
        return feed(text)
    }

    /// The end of the answer: draws what was held and closes open blocks. The renderer starts
    /// afresh after it.
    public mutating func finish() -> String {
        var out = ""
        if !bytes.isEmpty {
            line += Self.sanitized(Substring(String(decoding: bytes, as: UTF8.self)))
            bytes = []
        }
        if !line.isEmpty { endLine(into: &out) }
        blocks.finish(out: &out)
        blocks = MarkdownBlocks(width: requestedWidth, theme: blocks.theme)
        returned = 0
        return out
    }

    private mutating func endLine(into out: inout String) {
        if returned == 0 { blocks.layout.width = requestedWidth }
        var drawn = ""
        do {
            try blocks.process(LineCursor(chars: Array(line), complete: true), out: &drawn)
        } catch {
            // A complete line never needs more.
        }
        out += String(decoding: drawn.utf8.dropFirst(returned), as: UTF8.self)
        line = ""
        returned = 0
        tried = 0
        endedAtBoundary = false
    }

    private mutating func drawArriving(new: Substring) -> String {
        if returned == 0 { blocks.layout.width = requestedWidth }
        // Nothing new can show until a word ends (a space, a wide character); a very long line is
        // tried again only once it has grown by an eighth, so the cost stays near linear.
        let boundary: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" || $0.value >= 0x1100 }
        // The last character is left out of a trial, so a boundary there counts at the next piece.
        let endedAtBoundary = self.endedAtBoundary
        self.endedAtBoundary = new.unicodeScalars.last.map(boundary) ?? false
        guard endedAtBoundary || new.unicodeScalars.contains(where: boundary) else { return "" }
        let length = line.utf8.count
        if length > 2000, length - tried < length / 8 { return "" }
        tried = length
        // The last character may still grow (a combining mark, the rest of an emoji sequence).
        var chars = Array(line)
        guard !chars.isEmpty else { return "" }
        chars.removeLast()
        var trial = blocks
        var drawn = ""
        do {
            try trial.process(LineCursor(chars: chars, complete: false), out: &drawn)
        } catch {
            return ""
        }
        let new = drawn.utf8.count > returned ? String(decoding: drawn.utf8.dropFirst(returned), as: UTF8.self) : ""
        returned = max(returned, drawn.utf8.count)
        return new
    }

    /// The text without control characters: a model's answer must not move the cursor, retitle
    /// the window or write the clipboard, nor reorder what is shown with bidi overrides. Tabs
    /// stay; carriage returns go.
    static func sanitized(_ text: Substring) -> String {
        guard text.unicodeScalars.contains(where: unsafe) else { return String(text) }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars where !unsafe(scalar) { result.append(scalar) }
        return String(result)
    }

    private static func unsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09: false
        case 0..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// Text with its ANSI and OSC 8 sequences removed: what the terminal shows, for measuring.
    static func stripEscapes(_ text: String) -> String {
        var result = ""
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            guard scalar == "\u{1B}" else {
                result.unicodeScalars.append(scalar)
                continue
            }
            guard let kind = scalars.next() else { break }
            if kind == "[" {
                while let next = scalars.next(), !(0x40...0x7E).contains(next.value) {}
            } else if kind == "]" {
                var previous: Unicode.Scalar?
                while let next = scalars.next() {
                    if next == "\u{7}" || previous == "\u{1B}" && next == "\\" { break }
                    previous = next
                }
            }
        }
        return result
    }
}
