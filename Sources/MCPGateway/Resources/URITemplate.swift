/// An RFC 6570 URI template (`file:///{path}`, `users://{id}/profile{?fields}`) as a pattern:
/// whether a concrete URI could be one of its expansions, and how specific it is.
///
/// Resource templates name the URIs a server can read without listing each one; to send a read
/// to the right server the gateway needs "could this server have made this URI", not expansion.
/// Every operator of levels 1–4 is understood; a template that does not parse (an unclosed `{`)
/// is matched as plain text. Servers often write `file:///{path}` for paths with slashes, which
/// RFC 6570 spells `{+path}`: ``matches(_:lenient:)`` lets a simple expression span `/` for them.
public struct URITemplate: Sendable, Hashable {
    /// The template as the server wrote it.
    public let text: String
    private let parts: [Part]

    enum Part: Hashable {
        case literal([Unicode.Scalar])
        /// One `{…}` expression; the operator character, or nil for simple expansion.
        case expression(Unicode.Scalar?)
    }

    public init(_ text: String) {
        self.text = text
        self.parts = Self.parse(text)
    }

    /// Characters that only literal text can supply: a measure of how specific the template is,
    /// so that `users://{id}/profile` wins over `users://{path}` for `users://7/profile`.
    public var literalLength: Int {
        parts.reduce(0) { total, part in
            if case .literal(let scalars) = part { return total + scalars.count }
            return total
        }
    }

    /// True when some values of the template's variables expand to `uri`; `lenient`: a simple
    /// `{var}` may also hold `/`, as many servers mean it to.
    public func matches(_ uri: String, lenient: Bool = false) -> Bool {
        var matcher = Matcher(parts: parts, uri: Array(uri.unicodeScalars), lenient: lenient)
        return matcher.match(part: 0, at: 0)
    }

    static func parse(_ text: String) -> [Part] {
        var parts: [Part] = []
        var literal: [Unicode.Scalar] = []
        var scalars = text.unicodeScalars[...]
        while let scalar = scalars.popFirst() {
            guard scalar == "{", let close = scalars.firstIndex(of: "}") else {
                literal.append(scalar)
                continue
            }
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = []
            let body = scalars[..<close]
            let first = body.first
            parts.append(.expression(first.flatMap { "+#./;?&".unicodeScalars.contains($0) ? $0 : nil }))
            scalars = scalars[scalars.index(after: close)...]
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        return parts
    }
}

/// Backtracking over the parts, longest expansion first, with failed (part, position) pairs
/// remembered so that no template costs more than parts × length².
private struct Matcher {
    let parts: [URITemplate.Part]
    let uri: [Unicode.Scalar]
    let lenient: Bool
    var failed: Set<Int> = []

    mutating func match(part index: Int, at position: Int) -> Bool {
        if index == parts.count { return position == uri.count }
        let key = index * (uri.count + 1) + position
        if failed.contains(key) { return false }
        switch parts[index] {
        case .literal(let scalars):
            if position + scalars.count <= uri.count, Array(uri[position..<position + scalars.count]) == scalars,
               match(part: index + 1, at: position + scalars.count) {
                return true
            }
        case .expression(let op):
            for end in ends(of: op, from: position).reversed() where match(part: index + 1, at: end) {
                return true
            }
        }
        failed.insert(key)
        return false
    }

    /// Every position where an expansion of an expression with operator `op`, starting at
    /// `start`, could end (the empty expansion included: an undefined variable expands to nothing).
    func ends(of op: Unicode.Scalar?, from start: Int) -> [Int] {
        let delimiters: Set<Unicode.Scalar>
        var prefix: Unicode.Scalar?
        var repeats = false
        switch op {
        case nil: delimiters = lenient ? ["?", "#"] : ["/", "?", "#"]
        case "+"?: delimiters = ["#"]
        case "#"?: (delimiters, prefix) = ([], "#")
        case "/"?: (delimiters, prefix, repeats) = (["/", "?", "#"], "/", true)
        case "."?: (delimiters, prefix, repeats) = (["/", "?", "#", "."], ".", true)
        case ";"?: (delimiters, prefix, repeats) = (["/", "?", "#", ";"], ";", true)
        case "?"?: (delimiters, prefix) = (["#"], "?")
        case "&"?: (delimiters, prefix) = (["#"], "&")
        default: delimiters = ["/", "?", "#"]
        }
        var ends = [start]
        var position = start
        repeat {
            if let prefix {
                guard position < uri.count, uri[position] == prefix else { break }
                position += 1
                ends.append(position)
            }
            while position < uri.count, !delimiters.contains(uri[position]) {
                position += 1
                ends.append(position)
            }
        } while repeats && position < uri.count
        return ends
    }
}
