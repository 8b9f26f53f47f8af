/// MCP content after ``ContentRenderer``: the text to show or send, and the images a vision
/// model gets as image parts. Neutral on purpose: a terminal prints `text`; the orchestrator maps
/// the whole value onto its chat message types, so this library never depends on them.
public struct RenderedContent: Sendable, Hashable {
    /// Every part as text; an attached image appears as an `[image N: …, attached below]` line.
    public var text: String
    /// Images to attach after `text`, in the order the text numbers them (model mode only).
    public var images: [RenderedImage]
    /// True when `text` was cut at the model's character limit (the text says so too).
    public var truncated: Bool

    /// Usually made by ``ContentRenderer``; public so routers and tests can build one.
    public init(text: String = "", images: [RenderedImage] = [], truncated: Bool = false) {
        self.text = text
        self.images = images
        self.truncated = truncated
    }
}

/// One image as MCP carries it: a MIME type and base64 data, kept encoded (it is sent on as is).
public struct RenderedImage: Sendable, Hashable {
    /// `image/png`, `image/jpeg`, …
    public var mimeType: String
    /// The image bytes as the server sent them, base64 encoded.
    public var base64: String

    /// An image from its MIME type and base64 data.
    public init(mimeType: String, base64: String) {
        self.mimeType = mimeType
        self.base64 = base64
    }

    /// `data:<mime>;base64,<data>`, the form chat endpoints take image URLs in.
    public var dataURL: String { "data:\(mimeType);base64,\(base64)" }
}
