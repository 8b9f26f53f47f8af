/// Shell-style name patterns for tools: `*` any run of characters, `?` one, `[abc]` a set.
/// A pattern without them is an exact name.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let characters: [Character]

    public init(_ pattern: String) {
        self.pattern = pattern
        characters = Array(pattern)
    }

    public var description: String { pattern }

    /// True when the pattern holds `*`, `?` or `[`.
    public var hasWildcards: Bool { characters.contains { "*?[".contains($0) } }

    public func matches(_ name: String) -> Bool {
        Self.match(characters[...], Array(name)[...])
    }

    private static func match(_ pattern: ArraySlice<Character>, _ name: ArraySlice<Character>) -> Bool {
        var p = pattern.startIndex, n = name.startIndex
        var star: (p: Int, n: Int)?
        while n < name.endIndex {
            if p < pattern.endIndex {
                switch pattern[p] {
                case "*":
                    star = (p, n)
                    p += 1
                    continue
                case "?":
                    p += 1; n += 1
                    continue
                case "[":
                    if let (matched, next) = set(pattern, at: p, name[n]), matched {
                        p = next; n += 1
                        continue
                    }
                case let c where c == name[n]:
                    p += 1; n += 1
                    continue
                default:
                    break
                }
            }
            guard let last = star else { return false }
            p = last.p + 1
            n = last.n + 1
            star = (last.p, last.n + 1)
        }
        while p < pattern.endIndex, pattern[p] == "*" { p += 1 }
        return p == pattern.endIndex
    }

    /// Whether `character` is in the set opening at `start`, and the index after the set;
    /// nil when the `[` never closes (then it is an ordinary character).
    private static func set(_ pattern: ArraySlice<Character>, at start: Int, _ character: Character) -> (Bool, Int)? {
        var index = start + 1
        let negated = index < pattern.endIndex && (pattern[index] == "!" || pattern[index] == "^")
        if negated { index += 1 }
        var matched = false
        var first = true
        while index < pattern.endIndex {
            let c = pattern[index]
            if c == "]" && !first { return (matched != negated, index + 1) }
            if index + 2 < pattern.endIndex, pattern[index + 1] == "-", pattern[index + 2] != "]" {
                if c <= character && character <= pattern[index + 2] { matched = true }
                index += 3
            } else {
                if c == character { matched = true }
                index += 1
            }
            first = false
        }
        return pattern[start] == character ? (true, start + 1) : nil
    }
}
