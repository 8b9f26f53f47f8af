import Foundation
import MCP

extension ContentRenderer {
    /// Compact JSON with sorted keys: stable, so equal values always read (and compare) the same.
    public static func json(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
    }

    /// The byte count of base64 data, without keeping the decoded copy beyond the call.
    public static func decodedSize(_ base64: String) -> Int {
        Data(base64Encoded: base64)?.count ?? base64.count * 3 / 4
    }

    /// True when `item` is text carrying the same data as `structured`: its JSON, or, for the
    /// `{"result": v}` wrapper SDKs put around plain return values, `v` itself.
    static func restates(_ item: Tool.Content, _ structured: Value) -> Bool {
        guard case .text(let text, _, _) = item else { return false }
        let parsed = try? JSONDecoder().decode(Value.self, from: Data(text.utf8))
        if parsed == structured { return true }
        guard case .object(let object) = structured, object.count == 1, let inner = object["result"] else { return false }
        if case .string(let string) = inner, string == text { return true }
        return parsed == inner
    }
}
