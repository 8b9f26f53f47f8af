import Foundation

/// stdout/stderr writing that never interleaves partial lines and never throws.
public enum Terminal {
    /// A line on stdout.
    public static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    /// `lmg: TEXT` on stderr.
    public static func error(_ text: String) {
        FileHandle.standardError.write(Data(("lmg: " + text + "\n").utf8))
    }

    /// A progress line on stderr (tool-call traces), without the `lmg:` prefix of errors.
    public static func trace(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// `lmg: warning: TEXT` on stderr.
    public static func warning(_ text: String) {
        FileHandle.standardError.write(Data(("lmg: warning: " + text + "\n").utf8))
    }

    /// Pretty, key-sorted JSON on stdout for scripts.
    public static func json<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }

    /// Left-aligned columns, the last one unpadded; cells are cut to `maxWidth`.
    public static func table(_ header: [String], _ rows: [[String]], maxWidth: Int = 60) -> String {
        let all = [header] + rows.map { $0.map { $0.count > maxWidth ? String($0.prefix(maxWidth - 1)) + "…" : $0 } }
        var widths = Array(repeating: 0, count: header.count)
        for row in all {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        return all.map { row in
            row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell.padding(toLength: widths[i], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
