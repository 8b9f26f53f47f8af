import Foundation

/// A GFM table, held until its last row so the columns can be measured, then drawn with box
/// lines: columns as wide as their widest cell, or narrowed (widest first) to fit the width with
/// the cells' words wrapped, never cut.
struct MarkdownTable: Sendable, Equatable {
    enum Alignment: Sendable, Equatable { case left, center, right }

    var header: [[Character]]
    var alignments: [Alignment]
    var rows: [[[Character]]] = []

    /// The cells of a row: split at `|` outside code spans and escapes, the outer pipes dropped.
    static func cells(_ line: [Character]) -> [[Character]] {
        var cells: [[Character]] = []
        var cell: [Character] = []
        var index = 0
        while index < line.count {
            let c = line[index]
            if c == "\\", index + 1 < line.count, line[index + 1] == "|" {
                cell.append("|")
                index += 2
                continue
            }
            if c == "`" {
                // A code span (a run closed by a run as long) keeps its pipes.
                var run = 0
                while index + run < line.count, line[index + run] == "`" { run += 1 }
                var j = index + run
                var end: Int?
                while end == nil, j < line.count {
                    var closing = 0
                    while j + closing < line.count, line[j + closing] == "`" { closing += 1 }
                    if closing == run { end = j + closing } else { j += max(closing, 1) }
                }
                let stop = end ?? index + run
                cell += line[index..<stop]
                index = stop
                continue
            }
            if c == "|" {
                cells.append(cell)
                cell = []
            } else {
                cell.append(c)
            }
            index += 1
        }
        cells.append(cell)
        if line.first == "|" { cells.removeFirst() }
        if cells.count > 1, cells.last?.allSatisfy(\.isWhitespace) == true, line.last == "|" || line.last?.isWhitespace == true {
            cells.removeLast()
        }
        return cells.map { Array(String($0).trimmingCharacters(in: .whitespaces)) }
    }

    /// The alignments a delimiter row (`|:---|--:|`) gives, or nil when the line is not one.
    static func delimiter(_ line: [Character]) -> [Alignment]? {
        let cells = cells(line)
        var result: [Alignment] = []
        for cell in cells {
            let text = String(cell)
            let dashes = text.trimmingCharacters(in: CharacterSet(charactersIn: ":"))
            guard !dashes.isEmpty, dashes.allSatisfy({ $0 == "-" }) else { return nil }
            let left = text.hasPrefix(":"), right = text.hasSuffix(":")
            result.append(left && right ? .center : right ? .right : .left)
        }
        return result.isEmpty ? nil : result
    }

    /// The drawn table, each line after `prefix` (quote bars, list indent) of `prefixWidth` columns.
    func render(width: Int, prefix: String, prefixWidth: Int, theme: MarkdownTheme) -> String {
        let columns = alignments.count
        let parsed: [[[[InlinePiece]]]] = ([header] + rows).enumerated().map { index, row in
            (0..<columns).map { column in
                // `<br>` in a cell (models write it) is a line break inside the cell.
                Self.lines(column < row.count ? row[column] : []).map {
                    InlineParser.pieces($0, complete: true, style: index == 0 ? .header : [], showURLs: !theme.hyperlinks).pieces
                }
            }
        }
        let available = width - prefixWidth - (3 * columns + 1)
        guard available >= 3 * columns else {
            return records(parsed, width: width, prefix: prefix, prefixWidth: prefixWidth, theme: theme)
        }
        var widths = (0..<columns).map { column in
            parsed.flatMap { $0[column].map(Self.naturalWidth) }.max().map { max($0, 1) } ?? 1
        }
        while widths.reduce(0, +) > available, let widest = widths.indices.max(by: { widths[$0] < widths[$1] }), widths[widest] > 3 {
            widths[widest] -= 1
        }
        func border(_ left: String, _ middle: String, _ right: String) -> String {
            prefix + theme.dim(left + widths.map { String(repeating: "─", count: $0 + 2) }.joined(separator: middle) + right) + "\n"
        }
        var out = border("┌", "┬", "┐")
        for (index, row) in parsed.enumerated() {
            let wrapped = row.enumerated().map { column, lines in lines.flatMap { Self.wrap($0, width: widths[column], theme: theme) } }
            let height = wrapped.map(\.count).max() ?? 1
            for line in 0..<height {
                out += prefix + theme.dim("│")
                for column in 0..<columns {
                    let (text, used) = line < wrapped[column].count ? wrapped[column][line] : ("", 0)
                    let room = max(widths[column] - used, 0)
                    let (before, after): (Int, Int)
                    switch alignments[column] {
                    case .left: (before, after) = (0, room)
                    case .right: (before, after) = (room, 0)
                    case .center: (before, after) = (room / 2, room - room / 2)
                    }
                    out += " " + String(repeating: " ", count: before) + text + String(repeating: " ", count: after) + " " + theme.dim("│")
                }
                out += "\n"
            }
            if index == 0 { out += border("├", "┼", "┤") }
        }
        return out + border("└", "┴", "┘")
    }

    /// Too many columns for the width: each row as `header: value` lines instead, so no word is cut.
    private func records(_ parsed: [[[[InlinePiece]]]], width: Int, prefix: String, prefixWidth: Int, theme: MarkdownTheme) -> String {
        var out = ""
        for row in parsed.dropFirst() {
            out += prefix + theme.dim("─") + "\n"
            for (column, lines) in row.enumerated() {
                var layout = WrapLayout(width: width)
                let name = parsed[0][column].flatMap { $0 }.compactMap(\.text).joined(separator: " ")
                let lead = theme.paint(name + ":", .header, link: nil) + " "
                layout.start(
                    first: prefix + lead, firstWidth: prefixWidth + DisplayWidth.of(name) + 2, rest: prefix + "  ",
                    restWidth: prefixWidth + 2, out: &out)
                for (index, pieces) in lines.enumerated() {
                    if index > 0 { layout.hardBreak(out: &out) }
                    layout.add(pieces, whole: true, theme: theme, out: &out)
                }
                layout.end(out: &out)
            }
        }
        return out
    }

    /// A cell's text split at `<br>`, `<br/>` and `<br />`.
    private static func lines(_ cell: [Character]) -> [[Character]] {
        let text = String(cell)
        guard text.localizedCaseInsensitiveContains("<br") else { return [cell] }
        return text.replacingOccurrences(of: #"<br\s*/?>"#, with: "\n", options: [.regularExpression, .caseInsensitive])
            .split(separator: "\n", omittingEmptySubsequences: false).map { Array($0.trimmingCharacters(in: .whitespaces)) }
    }

    private static func naturalWidth(_ pieces: [InlinePiece]) -> Int {
        pieces.reduce(0) { $0 + $1.width }
    }

    /// A cell's lines at `width` columns, each with the columns it takes.
    private static func wrap(_ pieces: [InlinePiece], width: Int, theme: MarkdownTheme) -> [(String, Int)] {
        var layout = WrapLayout(width: width)
        layout.width = width
        var out = ""
        layout.start(first: "", firstWidth: 0, rest: "", restWidth: 0, out: &out)
        layout.add(pieces, whole: true, theme: theme, out: &out)
        let lines = out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        return lines.map { ($0, DisplayWidth.of(MarkdownRenderer.stripEscapes($0))) }
    }
}
