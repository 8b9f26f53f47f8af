import MCP
import MCPGateway
import ModelClient

/// A tool result for the model: ``ContentRenderer`` in model mode, its images as chat content
/// parts. The rendering itself lives in MCPGateway, shared with terminals and logs.
struct ToolResultFormatter {
    var limit: Int
    var supportsImages: Bool

    /// The tool message text and the images to attach after it.
    struct Formatted {
        var text: String
        var images: [ContentPart]
        var truncated: Bool
    }

    /// How MCP content is rendered for the model under these settings.
    var renderer: ContentRenderer { .model(images: supportsImages, characterLimit: limit) }

    func format(_ result: CallTool.Result) -> Formatted {
        let rendered = renderer.render(result)
        return Formatted(text: rendered.text, images: rendered.images.map(ContentPart.init), truncated: rendered.truncated)
    }

    /// One line for terminals: the first non-empty line, shortened.
    static func summary(_ text: String, width: Int = 100) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? ""
        return line.count > width ? String(line.prefix(width - 1)) + "…" : line
    }
}
