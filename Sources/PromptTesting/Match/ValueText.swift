import Foundation
import MCP

/// JSON text of values for reports and cassette keys: compact, keys sorted.
enum ValueText {
    static func compact(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
    }

    /// Parses JSON text; nil when it is not JSON.
    static func parse(_ text: String) -> Value? {
        try? JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }

    /// At most `limit` characters, for one-line reports.
    static func short(_ text: String, limit: Int = 120) -> String {
        let flat = text.replacingOccurrences(of: "\n", with: "⏎")
        return flat.count > limit ? String(flat.prefix(limit - 1)) + "…" : flat
    }
}
