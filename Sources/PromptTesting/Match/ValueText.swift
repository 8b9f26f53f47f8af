import Foundation
import MCP
import MCPGateway

/// JSON text of values for reports and cassette keys.
enum ValueText {
    /// Compact, keys sorted: the project's one stable form (``ContentRenderer/json(_:)``).
    static func compact(_ value: Value) -> String {
        ContentRenderer.json(value)
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
