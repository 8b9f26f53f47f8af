import Foundation
import MCP

/// Tool results and resource contents as text for a person (a terminal, a log): binary parts
/// are described by type and size rather than dumped. (What the model sees is the orchestrator's
/// concern: it keeps images as images.)
public enum ContentText {
    /// One content item.
    public static func render(_ content: Tool.Content) -> String {
        switch content {
        case .text(let text, _, _):
            return text
        case .image(let data, let mimeType, _, _):
            return "[image: \(mimeType), \(decodedSize(data)) bytes]"
        case .audio(let data, let mimeType, _, _):
            return "[audio: \(mimeType), \(decodedSize(data)) bytes]"
        case .resource(let resource, _, _):
            return render(resource)
        case .resourceLink(let uri, let name, _, _, let mimeType, _):
            return "[resource link: \(uri)\(name.isEmpty ? "" : " (\(name))")\(mimeType.map { ", \($0)" } ?? "")]"
        }
    }

    /// One resource's contents.
    public static func render(_ content: Resource.Content) -> String {
        if let text = content.text { return text }
        if let blob = content.blob {
            return "[\(content.uri): \(content.mimeType ?? "binary"), \(decodedSize(blob)) bytes]"
        }
        return "[\(content.uri): empty]"
    }

    /// A whole tool result; structured content is shown as JSON when no text part says it already.
    public static func render(_ result: CallTool.Result) -> String {
        var parts = result.content.map(render)
        let hasText = result.content.contains { if case .text = $0 { return true } else { return false } }
        if !hasText, let structured = result.structuredContent { parts.append(json(structured)) }
        return parts.joined(separator: "\n")
    }

    /// Compact JSON with sorted keys.
    public static func json(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
    }

    /// The byte count of base64 data, without keeping the decoded copy beyond the call.
    public static func decodedSize(_ base64: String) -> Int {
        Data(base64Encoded: base64)?.count ?? base64.count * 3 / 4
    }
}
