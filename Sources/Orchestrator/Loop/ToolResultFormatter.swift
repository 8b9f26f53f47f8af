import Foundation
import MCP
import MCPGateway
import ModelClient

/// Turns an MCP tool result into what a chat model can read: one text, plus images for vision
/// models. Nothing is dropped silently: what cannot be shown is described, what is cut says so.
struct ToolResultFormatter {
    var limit: Int
    var supportsImages: Bool

    /// The tool message text and the images to attach after it.
    struct Formatted {
        var text: String
        var images: [ContentPart]
        var truncated: Bool
    }

    func format(_ result: CallTool.Result) -> Formatted {
        var parts: [String] = []
        var images: [ContentPart] = []
        var structuredJSON = result.structuredContent.map(Self.json)
        for item in result.content {
            switch item {
            case .text(let text, _, _):
                // Servers repeat structuredContent as text (the spec asks them to); send it once.
                if let structured = result.structuredContent, Self.restates(text, structured) { structuredJSON = nil }
                parts.append(text)
            case .image(let data, let mimeType, _, _):
                if supportsImages {
                    images.append(.imageURL("data:\(mimeType);base64,\(data)"))
                    parts.append("[image \(images.count): \(mimeType), \(Self.size(data)) bytes, attached below]")
                } else {
                    parts.append("[image: \(mimeType), \(Self.size(data)) bytes; this model cannot view images]")
                }
            case .audio(let data, let mimeType, _, _):
                parts.append("[audio: \(mimeType), \(Self.size(data)) bytes; not playable here]")
            case .resource(let resource, _, _):
                if let text = resource.text {
                    parts.append("[resource \(resource.uri)]\n\(text)")
                } else {
                    parts.append("[resource \(resource.uri): \(resource.mimeType ?? "binary"), \(Self.size(resource.blob ?? "")) bytes]")
                }
            case .resourceLink(let uri, let name, _, let description, let mimeType, _):
                var line = "[resource link: \(uri)"
                if !name.isEmpty { line += " (\(name))" }
                if let mimeType { line += ", \(mimeType)" }
                if let description, !description.isEmpty { line += ": \(description)" }
                parts.append(line + "]")
            }
        }
        if let structuredJSON { parts.append(structuredJSON) }
        var text = parts.joined(separator: "\n")
        if text.isEmpty { text = "(the tool returned no content)" }
        if result.isError == true { text = "Tool error: " + text }
        let (cut, truncated) = truncate(text)
        return Formatted(text: cut, images: images, truncated: truncated)
    }

    /// Cuts at `limit` characters and says how much was left out.
    func truncate(_ text: String) -> (String, Bool) {
        guard text.count > limit else { return (text, false) }
        let kept = text.prefix(limit)
        return (kept + "\n[result truncated: \(limit) of \(text.count) characters shown]", true)
    }

    /// One line for terminals: the first non-empty line, shortened.
    static func summary(_ text: String, width: Int = 100) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > width ? String(line.prefix(width - 1)) + "…" : line
    }

    static func json(_ value: Value) -> String { ContentText.json(value) }

    /// True when `text` carries the same data as `structured`: its JSON, or, for the
    /// `{"result": v}` wrapper SDKs put around plain return values, `v` itself.
    static func restates(_ text: String, _ structured: Value) -> Bool {
        let parsed = try? JSONDecoder().decode(Value.self, from: Data(text.utf8))
        if parsed == structured { return true }
        guard case .object(let object) = structured, object.count == 1, let inner = object["result"] else { return false }
        if case .string(let string) = inner, string == text { return true }
        return parsed == inner
    }

    static func size(_ base64: String) -> Int { ContentText.decodedSize(base64) }
}
