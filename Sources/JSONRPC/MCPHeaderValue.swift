import Foundation

/// A value for the MCP 2026-07-28 request headers (`Mcp-Name`, `Mcp-Param-*`): plain visible
/// ASCII as is, anything else as `=?base64?…?=` so proxies never see raw UTF-8 or line breaks.
/// Here, beside the wire's other encodings, so the client (encoding) and the built-in server
/// (decoding) share it.
public enum MCPHeaderValue {
    private static let prefix = "=?base64?"
    private static let suffix = "?="

    /// The header form of `value`, by the spec's rule: base64 when it has a byte outside
    /// visible ASCII, space and tab, when it starts or ends with whitespace, or when it
    /// already looks like the encoded form (so that a literal one survives the round trip).
    public static func encode(_ value: String) -> String {
        needsEncoding(value) ? prefix + Data(value.utf8).base64EncodedString() + suffix : value
    }

    /// The value a header carries: decoded when it is in the `=?base64?…?=` form; nil when that
    /// form holds no valid base64 or no UTF-8.
    public static func decode(_ header: String) -> String? {
        guard header.hasPrefix(prefix), header.hasSuffix(suffix), header.count >= prefix.count + suffix.count else { return header }
        let body = header.dropFirst(prefix.count).dropLast(suffix.count)
        guard let data = Data(base64Encoded: String(body)) else { return nil }
        return String(data: data, encoding: .utf8)
    }

    static func needsEncoding(_ value: String) -> Bool {
        if value.hasPrefix(prefix) && value.hasSuffix(suffix) { return true }
        let bytes = Array(value.utf8)
        if let first = bytes.first, first == 0x20 || first == 0x09 { return true }
        if let last = bytes.last, last == 0x20 || last == 0x09 { return true }
        return bytes.contains { !((0x21...0x7E).contains($0) || $0 == 0x20 || $0 == 0x09) }
    }
}
