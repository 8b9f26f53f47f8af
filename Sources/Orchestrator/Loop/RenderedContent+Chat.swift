import ModelClient
import MCPGateway

extension ContentPart {
    /// An MCP image as the data URL chat endpoints accept.
    public init(_ image: RenderedImage) { self = .imageURL(image.dataURL) }
}

extension ChatMessage {
    /// Rendered MCP content as one message: plain text, or the text followed by its images.
    public init(role: Role, rendered: RenderedContent) {
        if rendered.images.isEmpty {
            self.init(role: role, content: .text(rendered.text))
        } else {
            self.init(role: role, content: .parts([.text(rendered.text)] + rendered.images.map(ContentPart.init)))
        }
    }
}
