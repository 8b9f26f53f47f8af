/// "Did you mean": ranks known names by edit distance to a mistyped one, so every error about
/// an unknown server, tool, prompt or command can name what the user probably meant.
public enum NameSuggestion {
    /// The closest candidate when it is close enough to be a likely typo, else one containing `word`.
    public static func closest(to word: String, in candidates: [String]) -> String? {
        ranked(to: word, in: candidates, limit: 1).first
    }

    /// Up to `limit` plausible candidates, best first: those within a typo's distance, then those
    /// containing the word or contained in it (a model often drops or adds the server prefix).
    public static func ranked(to word: String, in candidates: [String], limit: Int = 3) -> [String] {
        var scored: [(name: String, score: Int)] = []
        for candidate in candidates {
            // Compare what differs: `builtin__time` against `builtin__echo` is "time" against "echo".
            let (needle, lower) = withoutSharedServer(word.lowercased(), candidate.lowercased())
            let threshold = max(2, needle.count / 3)
            let d = distance(needle, lower)
            if d <= threshold {
                scored.append((candidate, d))
            } else if !needle.isEmpty, lower.contains(needle) || needle.contains(lower) {
                scored.append((candidate, threshold + 1 + abs(lower.count - needle.count)))
            }
        }
        scored.sort { ($0.score, $0.name) < ($1.score, $1.name) }
        return scored.prefix(limit).map(\.name)
    }

    /// Both names without the `server__` prefix they share, if they share one.
    static func withoutSharedServer(_ a: String, _ b: String) -> (String, String) {
        guard let end = a.range(of: "__")?.upperBound, b.hasPrefix(a[..<end]) else { return (a, b) }
        return (String(a[end...]), String(b[end...]))
    }

    /// Levenshtein distance over characters.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        var current = previous
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
