/// Fills lines with words to a width: a block's first line starts with one prefix (a bullet, the
/// quote bars) and the lines it wraps onto with another (the hanging indent). A word is placed only
/// once it is whole, so what has been written never moves.
struct WrapLayout: Sendable, Equatable {
    var width: Int
    private(set) var open = false
    private var column = 0
    private var restPrefix = ""
    private var restWidth = 0
    /// A space seen since the last word, written only when the next word stays on this line.
    private var pendingSpace: InlinePiece?
    private var lineHasWord = false

    init(width: Int) { self.width = max(width, 10) }

    /// Starts a block's first line.
    mutating func start(first: String, firstWidth: Int, rest: String, restWidth: Int, out: inout String) {
        end(out: &out)
        out += first
        column = firstWidth
        restPrefix = rest
        self.restWidth = restWidth
        open = true
        lineHasWord = false
        pendingSpace = nil
    }

    /// Places pieces; the last word, if nothing follows it, waits for more unless `whole`.
    mutating func add(_ pieces: [InlinePiece], whole: Bool, theme: MarkdownTheme, out: inout String) {
        var word: [InlinePiece] = []
        for piece in pieces {
            if piece.newline {
                place(word, theme: theme, out: &out)
                word = []
                newLine(out: &out)
            } else if piece.text == nil {
                place(word, theme: theme, out: &out)
                word = []
                if lineHasWord, pendingSpace == nil || !piece.breakOnly { pendingSpace = piece }
            } else {
                word.append(piece)
            }
        }
        if whole { place(word, theme: theme, out: &out) }
    }

    /// A soft line break in the source: a space, unless the line is still empty.
    mutating func softBreak() {
        if lineHasWord { pendingSpace = InlinePiece(text: nil, style: [], link: nil) }
    }

    /// A hard line break: the next word starts a new line with the hanging indent.
    mutating func hardBreak(out: inout String) {
        guard open else { return }
        newLine(out: &out)
    }

    /// Ends the block's last line.
    mutating func end(out: inout String) {
        guard open else { return }
        out += "\n"
        open = false
        pendingSpace = nil
        lineHasWord = false
    }

    private mutating func newLine(out: inout String) {
        out += "\n" + restPrefix
        column = restWidth
        lineHasWord = false
        pendingSpace = nil
    }

    private mutating func place(_ word: [InlinePiece], theme: MarkdownTheme, out: inout String) {
        guard !word.isEmpty else { return }
        let wordWidth = word.reduce(0) { $0 + DisplayWidth.of($1.text ?? "") }
        if lineHasWord {
            let gap = pendingSpace?.breakOnly == true ? 0 : 1
            if column + gap + wordWidth <= width {
                if gap == 1 { out += theme.paint(" ", pendingSpace?.style ?? [], link: nil) }
                column += gap
            } else {
                newLine(out: &out)
            }
        }
        pendingSpace = nil
        if column + wordWidth <= width || wordWidth <= width - restWidth {
            if column + wordWidth > width { newLine(out: &out) }
            for piece in word { out += theme.paint(piece.text ?? "", piece.style, link: piece.link) }
            column += wordWidth
        } else {
            // Longer than a whole line: cut it where the line ends, never silently.
            for piece in word {
                var chunk = ""
                for character in piece.text ?? "" {
                    let columns = DisplayWidth.of(character)
                    if column + columns > width, column > restWidth || !chunk.isEmpty {
                        out += theme.paint(chunk, piece.style, link: piece.link)
                        chunk = ""
                        newLine(out: &out)
                    }
                    chunk.append(character)
                    column += columns
                }
                if !chunk.isEmpty { out += theme.paint(chunk, piece.style, link: piece.link) }
            }
        }
        lineHasWord = true
    }
}
