import Foundation

/// Links, autolinks, bare URLs, entities and inline HTML: the spans that start with `[`, `!`, `<`,
/// `&` or `http`. Same rule as the rest of the parser: every read goes through `at(_:)`.
extension InlineParser {
    mutating func linkSpan(at i: Int, style: InlineStyle, link: String?) throws(NeedsMore) -> Int {
        let image = chars[i] == "!"
        let open = image ? i + 1 : i
        guard try at(open) == "[", link == nil else {
            text(String(chars[i]), style: style, link: link)
            return i + 1
        }
        var depth = 0
        var j = open
        var close: Int?
        while close == nil, let c = try at(j) {
            if c == "`" {
                let (run, end) = try codeSpanEnd(at: j)
                j = (end ?? j + run) - 1
            } else if c == "\\" { j += 1 } else if c == "[" { depth += 1 } else if c == "]" {
                depth -= 1
                if depth == 0 { close = j }
            }
            j += 1
        }
        guard let close, try at(close + 1) == "(" else {
            text(String(chars[i]), style: style, link: link)
            return i + 1
        }
        var parens = 0
        var k = close + 2
        var end: Int?
        while end == nil, let c = try at(k) {
            if c == "(" { parens += 1 } else if c == ")" {
                if parens == 0 { end = k } else { parens -= 1 }
            }
            k += 1
        }
        guard let end else {
            text(String(chars[i]), style: style, link: link)
            return i + 1
        }
        let target = String(chars[(close + 2)..<end]).trimmingCharacters(in: .whitespaces)
        var url = String(target.prefix { !$0.isWhitespace })
        if url.hasPrefix("<"), url.hasSuffix(">") { url = String(url.dropFirst().dropLast()) }
        if image { words("[image:", style: style.union(.link), link: url.isEmpty ? nil : url); space(style: style, link: url) }
        var inner = InlineParser(chars: chars, start: open + 1, end: close, showURLs: showURLs)
        try inner.parse(from: open + 1, style: style.union(.link), link: url.isEmpty ? nil : url)
        append(inner.pieces)
        if image { text("]", style: style.union(.link), link: url.isEmpty ? nil : url) }
        let linkable = !showURLs && MarkdownTheme.hyperlinkTarget(url) != nil
        if !linkable, !url.isEmpty, url != String(chars[(open + 1)..<close]) {
            space(style: style, link: nil)
            text("(\(url))", style: style.union(.url), link: nil)
        }
        return end + 1
    }

    mutating func autolink(at i: Int, style: InlineStyle, link: String?) throws(NeedsMore) -> Int {
        var j = i + 1
        while let c = try at(j), c != ">", !c.isWhitespace, c != "<" { j += 1 }
        let inside = String(chars[(i + 1)..<min(j, end)])
        guard link == nil, try at(j) == ">", inside.contains("://") || inside.hasPrefix("mailto:") else {
            return try htmlTag(at: i, style: style, link: link)
        }
        words(inside, style: style.union(.link), link: inside)
        return j + 1
    }

    /// The inline HTML models write: `<b>`, `<strong>`, `<i>`, `<em>`, `<s>`, `<del>`, `<code>`,
    /// `<kbd>` around text, and `<br>`. Any other tag is text.
    mutating func htmlTag(at i: Int, style: InlineStyle, link: String?) throws(NeedsMore) -> Int {
        var j = i + 1
        var name = ""
        while let c = try at(j), c.isASCII, c.isLetter, name.count < 8 {
            name.append(Character(c.lowercased()))
            j += 1
        }
        if name == "br" {
            var k = j
            while try at(k) == " " { k += 1 }
            if try at(k) == "/" { k += 1 }
            if try at(k) == ">" {
                pieces.append(InlinePiece(text: nil, style: style, link: link, newline: true))
                return k + 1
            }
        }
        let styles: [String: InlineStyle] = [
            "b": .bold, "strong": .bold, "i": .italic, "em": .italic, "s": .strike, "del": .strike, "code": .code, "kbd": .code,
        ]
        guard let wanted = styles[name], try at(j) == ">" else {
            text("<", style: style, link: link)
            return i + 1
        }
        let closing = Array("</\(name)>")
        var k = j + 1
        while let c = try at(k) {
            if c == "<" {
                var matched = true
                for (offset, expected) in closing.enumerated() where matched {
                    if try at(k + offset).map({ Character($0.lowercased()) }) != expected { matched = false }
                }
                if matched {
                    var inner = InlineParser(chars: chars, start: j + 1, end: k, showURLs: showURLs)
                    try inner.parse(from: j + 1, style: style.union(wanted), link: link)
                    append(inner.pieces)
                    return k + closing.count
                }
            }
            k += 1
        }
        text("<", style: style, link: link)
        return i + 1
    }

    /// `&amp;`, `&lt;`, `&#8212;`, `&#x1F600;` and the like as the characters they name; a
    /// control character or bidi override stays as its text.
    mutating func entity(at i: Int, style: InlineStyle, link: String?) throws(NeedsMore) -> Int {
        var j = i + 1
        var name = ""
        while j - i <= 10, let c = try at(j), c.isASCII, c.isLetter || c.isNumber || c == "#" {
            name.append(c)
            j += 1
        }
        let named: [String: String] = [
            "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{A0}", "mdash": "—", "ndash": "–",
            "hellip": "…", "copy": "©", "reg": "®", "trade": "™", "rarr": "→", "larr": "←", "times": "×",
        ]
        var value = named[name]
        if value == nil, name.hasPrefix("#") {
            let digits = name.dropFirst()
            let number = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            if let number, number >= 0x20, !(0x7F...0x9F).contains(number), !(0x202A...0x202E).contains(number),
                !(0x2066...0x2069).contains(number), let scalar = Unicode.Scalar(number)
            {
                value = String(scalar)
            }
        }
        guard let value, try at(j) == ";" else {
            text("&", style: style, link: link)
            return i + 1
        }
        text(value, style: style, link: link)
        return j + 1
    }

    mutating func bareURL(at i: Int, style: InlineStyle) throws(NeedsMore) -> Int {
        for scheme in ["https://", "http://"] {
            var matched = true
            for (offset, expected) in scheme.enumerated() where matched {
                if try at(i + offset) != expected { matched = false }
            }
            guard matched else { continue }
            var j = i + scheme.count
            while let c = try at(j), c.isASCII, !c.isWhitespace, c != "<", c != ">" { j += 1 }
            // Sentence punctuation after a URL is not part of it, nor a `)` it does not open.
            while j > i + scheme.count, let last = chars[j - 1].unicodeScalars.first,
                ".,:;!?'\"*_~".unicodeScalars.contains(last)
                    || last == ")" && chars[i..<j].filter({ $0 == "(" }).count < chars[i..<j].filter({ $0 == ")" }).count
            {
                j -= 1
            }
            guard j > i + scheme.count else { break }
            let url = String(chars[i..<j])
            words(url, style: style.union(.link), link: url)
            return j
        }
        text("h", style: style, link: nil)
        return i + 1
    }
}
