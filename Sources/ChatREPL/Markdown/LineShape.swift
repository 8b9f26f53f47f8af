import Foundation

/// What one source line is (inside which quotes, starting which list item, which block), decided
/// before anything of it is drawn. Every character is read through `LineCursor`, so a line not yet
/// complete either gets its final shape or throws `NeedsMore`.
struct LineShape: Equatable, Sendable {
    enum Kind: Equatable, Sendable {
        case blank
        /// A line inside an open fence, its indentation stripped.
        case code(String)
        case fenceClose
        case fenceOpen(marker: Character, length: Int, indent: Int, info: String)
        case heading(level: Int, content: Int)
        case rule
        case tableRow(content: Int)
        case text(content: Int)
    }

    /// A list item's marker: `-`, `*`, `+`, or a number with `.` or `)`.
    struct Marker: Equatable, Sendable {
        /// The number as written (`3.`), nil for a bullet.
        var number: String?
        var markerIndent: Int
        var contentIndent: Int
        /// A GFM task item (`- [ ]`, `- [x]`): done or not.
        var task: Bool? = nil
    }

    var quotes: Int
    var indent: Int
    var item: Marker?
    var kind: Kind
    /// Quotes inside the innermost list item (`- a` then `  > b`), drawn after its indent.
    var innerQuotes = 0
}

/// Reads a line's characters; past the end of a line still arriving it throws.
struct LineCursor {
    let chars: [Character]
    let complete: Bool

    func at(_ index: Int) throws(NeedsMore) -> Character? {
        if index < chars.count { return chars[index] }
        if complete { return nil }
        throw NeedsMore()
    }

    func requireComplete() throws(NeedsMore) {
        if !complete { throw NeedsMore() }
    }
}

extension LineShape {
    /// The shape of a line outside a fenced code block, inside `outerQuotes` quotes and, when
    /// `listIndent` is given, a list item whose text starts at that column.
    static func classify(_ line: LineCursor, outerQuotes: Int = 0, listIndent: Int? = nil) throws(NeedsMore) -> LineShape {
        var i = 0
        var quotes = 0
        while true {
            if quotes == outerQuotes, let listIndent {
                var k = i
                while try line.at(k) == " " { k += 1 }
                if k - i >= listIndent, k - i < listIndent + 4, try line.at(k) == ">" {
                    return try classifyInner(line, from: i + listIndent, quotes: quotes, listIndent: listIndent)
                }
            }
            var j = i
            while j - i < 3, try line.at(j) == " " { j += 1 }
            guard try line.at(j) == ">" else { break }
            quotes += 1
            i = j + 1
            if try line.at(i) == " " { i += 1 }
        }
        var p = i
        var indent = 0
        while let c = try line.at(p), c == " " || c == "\t" {
            indent += c == "\t" ? 4 - indent % 4 : 1
            p += 1
        }
        guard try line.at(p) != nil else { return LineShape(quotes: quotes, indent: indent, item: nil, kind: .blank) }
        if try isRule(line, at: p) { return LineShape(quotes: quotes, indent: indent, item: nil, kind: .rule) }
        if var (marker, content) = try listMarker(line, at: p, indent: indent) {
            if marker.number == nil, try line.at(content) == "[", let box = try line.at(content + 1),
                box == " " || box == "x" || box == "X", try line.at(content + 2) == "]", try line.at(content + 3) == " "
            {
                marker.task = box != " "
                content += 4
            }
            return LineShape(quotes: quotes, indent: indent, item: marker, kind: try leaf(line, at: content, indent: 0))
        }
        return LineShape(quotes: quotes, indent: indent, item: nil, kind: try leaf(line, at: p, indent: indent))
    }

    /// A line of a quote inside a list item: its markers, then a leaf (no list items in there).
    private static func classifyInner(_ line: LineCursor, from start: Int, quotes: Int, listIndent: Int) throws(NeedsMore) -> LineShape {
        var i = start
        var inner = 0
        while true {
            var j = i
            while j - i < 3, try line.at(j) == " " { j += 1 }
            guard try line.at(j) == ">" else { break }
            inner += 1
            i = j + 1
            if try line.at(i) == " " { i += 1 }
        }
        var p = i
        while try line.at(p) == " " { p += 1 }
        var shape = LineShape(quotes: quotes, indent: listIndent, item: nil, kind: .blank, innerQuotes: inner)
        guard try line.at(p) != nil else { return shape }
        shape.kind = try isRule(line, at: p) ? .rule : try leaf(line, at: p, indent: p - i)
        return shape
    }

    /// The shape of a line inside a fence: its code, or the fence's end.
    static func classifyCode(
        _ line: LineCursor, quotes: Int, listIndent: Int, innerQuotes: Int = 0, fence: (marker: Character, length: Int, indent: Int)
    ) throws(NeedsMore) -> LineShape {
        try line.requireComplete()
        let chars = line.chars
        var i = 0
        for _ in 0..<quotes {
            var j = i
            while j - i < 3, j < chars.count, chars[j] == " " { j += 1 }
            guard j < chars.count, chars[j] == ">" else { break }
            i = j + 1
            if i < chars.count, chars[i] == " " { i += 1 }
        }
        var stripped = 0
        while stripped < listIndent, i < chars.count, chars[i] == " " {
            i += 1
            stripped += 1
        }
        for _ in 0..<innerQuotes {
            var j = i
            while j - i < 3, j < chars.count, chars[j] == " " { j += 1 }
            guard j < chars.count, chars[j] == ">" else { break }
            i = j + 1
            if i < chars.count, chars[i] == " " { i += 1 }
        }
        var k = i
        while k - i < 3, k < chars.count, chars[k] == " " { k += 1 }
        var run = 0
        while k + run < chars.count, chars[k + run] == fence.marker { run += 1 }
        if run >= fence.length, chars[(k + run)...].allSatisfy(\.isWhitespace) {
            return LineShape(quotes: quotes, indent: 0, item: nil, kind: .fenceClose)
        }
        var dropped = 0
        while dropped < fence.indent, i < chars.count, chars[i] == " " {
            i += 1
            dropped += 1
        }
        return LineShape(quotes: quotes, indent: 0, item: nil, kind: .code(String(chars[i...])))
    }

    private static func isRule(_ line: LineCursor, at p: Int) throws(NeedsMore) -> Bool {
        guard let mark = try line.at(p), mark == "-" || mark == "*" || mark == "_" else { return false }
        var count = 0
        var j = p
        while let c = try line.at(j) {
            if c == mark { count += 1 } else if c != " " && c != "\t" { return false }
            j += 1
        }
        return count >= 3
    }

    private static func listMarker(_ line: LineCursor, at p: Int, indent: Int) throws(NeedsMore) -> (Marker, Int)? {
        guard let c = try line.at(p) else { return nil }
        var end: Int
        var number: String?
        if c == "-" || c == "+" || c == "*" {
            end = p + 1
        } else if c.isASCII, c.isNumber {
            end = p
            while end - p < 9, let d = try line.at(end), d.isASCII, d.isNumber { end += 1 }
            guard let delimiter = try line.at(end), delimiter == "." || delimiter == ")" else { return nil }
            end += 1
            number = String(line.chars[p..<end])
        } else {
            return nil
        }
        guard let after = try line.at(end) else {
            return (Marker(number: number, markerIndent: indent, contentIndent: indent + end - p + 1), end)
        }
        guard after == " " || after == "\t" else { return nil }
        var content = end
        while content - end < 4, try line.at(content) == " " { content += 1 }
        let spaces = try line.at(content) == nil || content - end >= 4 ? 1 : content - end
        return (Marker(number: number, markerIndent: indent, contentIndent: indent + end - p + spaces), content)
    }

    private static func leaf(_ line: LineCursor, at s: Int, indent: Int) throws(NeedsMore) -> Kind {
        guard let c = try line.at(s) else { return .text(content: s) }
        if c == "`" || c == "~" {
            var run = 0
            while try line.at(s + run) == c { run += 1 }
            if run >= 3 {
                try line.requireComplete()
                let info = String(line.chars[(s + run)...]).trimmingCharacters(in: .whitespaces)
                if c == "~" || !info.contains("`") {
                    return .fenceOpen(marker: c, length: run, indent: indent, info: info)
                }
            }
        }
        if c == "#" {
            var run = 0
            while try line.at(s + run) == "#" { run += 1 }
            let after = try line.at(s + run)
            if run <= 6, after == nil || after == " " || after == "\t" {
                try line.requireComplete()
                return .heading(level: run, content: s + run)
            }
        }
        if c == "|" {
            try line.requireComplete()
            return .tableRow(content: s)
        }
        return .text(content: s)
    }
}
