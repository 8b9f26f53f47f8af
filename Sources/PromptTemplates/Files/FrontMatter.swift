import Foundation

/// A file split at its YAML front matter: the text between a first line `---` and the next
/// `---`, and the body after it (with the line it starts on, for errors in the body).
public struct FrontMatter: Sendable, Equatable {
    /// The YAML text; empty when the file has no front matter.
    public var yaml: String
    public var body: String
    /// The file line of the body's first line.
    public var bodyLine: Int

    /// Splits `text`; a file that opens with `---` but never closes it is an error.
    public static func split(_ text: String, file: String) throws(PromptFileError) -> FrontMatter {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        var lines = normalized.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.first?.hasPrefix("\u{FEFF}") == true { lines[0] = lines[0].dropFirst() }
        guard let first = lines.first, first.trimmingCharacters(in: .whitespaces) == "---" else {
            return FrontMatter(yaml: "", body: normalized, bodyLine: 1)
        }
        guard let close = lines.indices.dropFirst().first(where: { lines[$0].trimmingCharacters(in: .whitespaces) == "---" }) else {
            throw PromptFileError(file: file, line: 1, message: "the front matter opened with '---' is never closed by a second '---' line")
        }
        let yaml = lines[1..<close].joined(separator: "\n")
        let body = lines[(close + 1)...].joined(separator: "\n")
        return FrontMatter(yaml: yaml, body: body, bodyLine: close + 2)
    }
}
