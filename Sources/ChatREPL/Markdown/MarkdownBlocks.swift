/// The block structure so far (open quotes, list items, the block under way) and how each line
/// changes it and what it draws. A value: the streaming renderer tries a line not yet complete on
/// a copy and keeps only what that copy drew.
struct MarkdownBlocks: Sendable {
    enum Leaf: Sendable {
        case none
        case paragraph
        case fence(Fence)
        /// A row that is a table's header if the next line is a delimiter row.
        case tableHeader([Character])
        case table(MarkdownTable)
    }

    struct Fence: Sendable {
        var marker: Character
        var length: Int
        var indent: Int
        var highlighter: CodeHighlighter?
    }

    struct ListLevel: Sendable {
        var contentIndent: Int
        /// Columns the bullet takes when drawn, its space included.
        var drawnWidth: Int
    }

    let theme: MarkdownTheme
    var layout: WrapLayout
    private(set) var quotes = 0
    private(set) var lists: [ListLevel] = []
    /// Quotes inside the innermost list item.
    private(set) var innerQuotes = 0
    private(set) var leaf = Leaf.none
    /// A blank line was seen (inside this many quotes) and is drawn before the next block.
    private var blankPending: Int?
    /// The blank line was inside a quote inside a list item.
    private var blankInner = false
    private var anyOutput = false
    private var hardBreak = false

    init(width: Int, theme: MarkdownTheme) {
        self.theme = theme
        layout = WrapLayout(width: width)
    }

    /// Draws what `line` settles into `out`; throws `NeedsMore` (having drawn nothing) when the
    /// line's shape is not known yet.
    mutating func process(_ line: LineCursor, out: inout String) throws(NeedsMore) {
        if case .fence(let fence) = leaf {
            let shape = try LineShape.classifyCode(
                line, quotes: quotes, listIndent: lists.last?.contentIndent ?? 0, innerQuotes: innerQuotes,
                fence: (fence.marker, fence.length, fence.indent))
            switch shape.kind {
            case .code(let code): codeLine(code, out: &out)
            default:
                out += prefix.text + theme.dim("╰─") + "\n"
                leaf = .none
            }
            return
        }
        let shape = try LineShape.classify(line, outerQuotes: quotes, listIndent: lists.last?.contentIndent)
        apply(shape, line, out: &out)
    }

    /// Closes whatever is open at the end of the answer.
    mutating func finish(out: inout String) {
        closeLeaf(out: &out)
        lists = []
        quotes = 0
        innerQuotes = 0
    }

    private mutating func apply(_ shape: LineShape, _ line: LineCursor, out: inout String) {
        if case .table(var table) = leaf {
            if case .tableRow(let start) = shape.kind, shape.quotes == quotes, shape.innerQuotes == innerQuotes, shape.item == nil {
                table.rows.append(MarkdownTable.cells(Array(line.chars[start...])))
                leaf = .table(table)
                return
            }
            closeLeaf(out: &out)
        }
        if case .tableHeader(let header) = leaf {
            if case .tableRow(let start) = shape.kind, shape.quotes == quotes, shape.innerQuotes == innerQuotes, shape.item == nil,
                let alignments = MarkdownTable.delimiter(Array(line.chars[start...])),
                alignments.count == MarkdownTable.cells(header).count
            {
                leaf = .table(MarkdownTable(header: MarkdownTable.cells(header), alignments: alignments))
                return
            }
            // Not a table after all: the row was text.
            leaf = .none
            startBlock(first: prefix, out: &out)
            inline(header, from: 0, complete: true, out: &out)
            leaf = .paragraph
        }
        var continuing = false
        if case .paragraph = leaf, case .text = shape.kind, shape.item == nil, blankPending == nil, shape.quotes <= quotes,
            shape.innerQuotes <= innerQuotes
        {
            continuing = true
        }
        if !continuing && shape.quotes != quotes {
            closeLeaf(out: &out)
            lists = []
            quotes = shape.quotes
            innerQuotes = 0
        }
        if !continuing && shape.innerQuotes != innerQuotes {
            closeLeaf(out: &out)
            innerQuotes = shape.innerQuotes
        }
        if case .blank = shape.kind {
            closeLeaf(out: &out)
            if anyOutput { blankPending = min(blankPending ?? shape.quotes, shape.quotes) }
            blankInner = shape.innerQuotes > 0
            return
        }
        if continuing, case .text(let start) = shape.kind {
            if hardBreak { layout.hardBreak(out: &out) } else { layout.softBreak() }
            inline(line.chars, from: start, complete: line.complete, out: &out)
            return
        }
        closeLeaf(out: &out)
        let first: (text: String, width: Int)
        if let item = shape.item {
            while let top = lists.last, top.contentIndent > item.markerIndent { lists.removeLast() }
            let bullet = item.task.map { $0 ? "☑" : "☐" } ?? item.number ?? ["•", "◦", "▪"][lists.count % 3]
            let outer = prefix
            lists.append(ListLevel(contentIndent: item.contentIndent, drawnWidth: DisplayWidth.of(bullet) + 1))
            first = (outer.text + theme.dim(bullet) + " ", outer.width + DisplayWidth.of(bullet) + 1)
        } else {
            while let top = lists.last, top.contentIndent > shape.indent { lists.removeLast() }
            first = prefix
        }
        separate(out: &out)
        var kind = shape.kind
        // A table does not start on an item's line.
        if shape.item != nil, case .tableRow(let start) = kind { kind = .text(content: start) }
        switch kind {
        case .blank, .code, .fenceClose:
            break
        case .text(let start):
            startBlock(first: first, out: &out)
            inline(line.chars, from: start, complete: line.complete, out: &out)
            leaf = .paragraph
        case .tableRow(let start):
            leaf = .tableHeader(Array(line.chars[start...]))
        case .heading(let level, let start):
            heading(level, Array(line.chars[start...]), first: first, out: &out)
        case .rule:
            out += first.text + theme.dim(String(repeating: "─", count: max(layout.width - first.width, 3))) + "\n"
            anyOutput = true
        case .fenceOpen(let marker, let length, let indent, let info):
            let highlighter = CodeHighlighter(language: info)
            let name = highlighter?.languageName ?? String(info.prefix { !$0.isWhitespace })
            out += first.text + theme.dim("╭─" + (name.isEmpty ? "" : " " + name)) + "\n"
            // Code lines lose the list item's indent first, then the fence's own beyond it.
            let own = shape.item == nil && shape.innerQuotes == 0 ? max(0, indent - (lists.last?.contentIndent ?? 0)) : indent
            leaf = .fence(Fence(marker: marker, length: length, indent: own, highlighter: highlighter))
            anyOutput = true
        }
    }

    /// Quote bars and the indent of the list items the line is inside.
    private var prefix: (text: String, width: Int) {
        let indent = lists.reduce(0) { $0 + $1.drawnWidth }
        return (
            theme.dim(String(repeating: "│ ", count: quotes)) + String(repeating: " ", count: indent)
                + theme.dim(String(repeating: "│ ", count: innerQuotes)),
            quotes * 2 + indent + innerQuotes * 2
        )
    }

    /// One empty line where the source had blank lines between blocks.
    private mutating func separate(out: inout String) {
        guard let depth = blankPending.map({ min($0, quotes) }) else { return }
        blankPending = nil
        if blankInner && innerQuotes > 0 {
            let indent = lists.reduce(0) { $0 + $1.drawnWidth }
            out += theme.dim(String(repeating: "│ ", count: quotes)) + String(repeating: " ", count: indent)
                + theme.dim(String(repeating: "│ ", count: innerQuotes - 1) + "│") + "\n"
            return
        }
        out += (depth > 0 ? theme.dim(String(repeating: "│ ", count: depth - 1) + "│") : "") + "\n"
    }

    private mutating func startBlock(first: (text: String, width: Int), out: inout String) {
        let rest = prefix
        layout.start(first: first.text, firstWidth: first.width, rest: rest.text, restWidth: rest.width, out: &out)
        anyOutput = true
    }

    private mutating func inline(_ chars: [Character], from start: Int, complete: Bool, out: inout String) {
        var chars = chars
        hardBreak = false
        if complete {
            // Two trailing spaces or a backslash end the line here (a hard break).
            if chars.reversed().prefix(while: { $0 == "\\" }).count % 2 == 1 {
                chars.removeLast()
                hardBreak = true
            } else if chars.count - start >= 2, chars.suffix(2) == [" ", " "] {
                hardBreak = true
            }
        }
        let parsed = InlineParser.pieces(chars, from: start, complete: complete, showURLs: !theme.hyperlinks)
        layout.add(parsed.pieces, whole: parsed.complete, theme: theme, out: &out)
    }

    private mutating func heading(_ level: Int, _ content: [Character], first: (text: String, width: Int), out: inout String) {
        var content = content
        while content.last?.isWhitespace == true { content.removeLast() }
        var hashes = content.count
        while hashes > 0, content[hashes - 1] == "#" { hashes -= 1 }
        if hashes < content.count, hashes == 0 || content[hashes - 1] == " " { content = Array(content[..<hashes]) }
        startBlock(first: first, out: &out)
        let pieces = InlineParser.pieces(content, complete: true, style: .heading, showURLs: !theme.hyperlinks).pieces
        layout.add(pieces, whole: true, theme: theme, out: &out)
        layout.end(out: &out)
        if level <= 2, !pieces.isEmpty {
            let textWidth = pieces.reduce(0) { $0 + $1.width }
            let rule = String(repeating: level == 1 ? "═" : "─", count: max(1, min(textWidth, layout.width - first.width)))
            out += prefix.text + theme.paint(rule, .heading, link: nil) + "\n"
        }
    }

    private mutating func codeLine(_ code: String, out: inout String) {
        guard case .fence(var fence) = leaf else { return }
        var expanded = ""
        for character in code {
            if character == "\t" {
                expanded += String(repeating: " ", count: 4 - DisplayWidth.of(expanded) % 4)
            } else {
                expanded.append(character)
            }
        }
        let tokens = fence.highlighter?.highlight(expanded) ?? [CodeToken(text: expanded, kind: .plain)]
        leaf = .fence(fence)
        let lead = prefix.text + theme.dim("│ ")
        let room = max(layout.width - prefix.width - 2, 10)
        out += lead
        var column = 0
        for token in tokens {
            var chunk = ""
            for character in token.text {
                let columns = DisplayWidth.of(character)
                if column + columns > room {
                    out += theme.paint(code: chunk, token.kind) + "\n" + lead
                    chunk = ""
                    column = 0
                }
                chunk.append(character)
                column += columns
            }
            out += theme.paint(code: chunk, token.kind)
        }
        out += "\n"
    }

    private mutating func closeLeaf(out: inout String) {
        switch leaf {
        case .none: break
        case .paragraph: layout.end(out: &out)
        case .fence: out += prefix.text + theme.dim("╰─") + "\n"
        case .tableHeader(let header):
            leaf = .none
            startBlock(first: prefix, out: &out)
            inline(header, from: 0, complete: true, out: &out)
            layout.end(out: &out)
        case .table(let table):
            let prefix = prefix
            out += table.render(width: layout.width, prefix: prefix.text, prefixWidth: prefix.width, theme: theme)
            anyOutput = true
        }
        leaf = .none
        hardBreak = false
    }
}
