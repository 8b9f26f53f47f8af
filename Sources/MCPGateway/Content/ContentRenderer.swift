import Foundation
import MCP

/// The one place MCP content (tool results, resource contents, prompt messages) becomes text,
/// in one of two modes, so terminals, logs and the model never describe the same part two ways.
///
/// Both modes show text as is, describe audio and binary parts by type and size rather than
/// dumping them, and show structured content as compact JSON unless a text part restates it.
/// The model mode differs where a model needs it: images may be attached as images (vision
/// models), an error result starts with `Tool error: `, an empty result says so, and text over
/// the character limit is cut with a note, so nothing is ever dropped silently.
public struct ContentRenderer: Sendable, Hashable {
    /// Who reads the rendered text.
    public enum Mode: Sendable, Hashable {
        /// A person at a terminal or reading a log: everything in full, embedded text resources
        /// as their bare text (ready to pipe), nothing attached.
        case person
        /// A chat model. `images`: attach images (and image resources) as images, for vision
        /// models; otherwise they are described. `characterLimit`: cut longer text (nil: never).
        case model(images: Bool, characterLimit: Int?)
    }

    /// Who the text is for; decides descriptions, attachments, notes and cuts.
    public var mode: Mode

    /// A renderer for `mode`; ``person`` and ``model(images:characterLimit:)`` are shorter.
    public init(mode: Mode) { self.mode = mode }

    /// Text for people: terminals, logs, `lmg call`.
    public static let person = ContentRenderer(mode: .person)

    /// Text and images for a chat model.
    public static func model(images: Bool = false, characterLimit: Int? = nil) -> ContentRenderer {
        ContentRenderer(mode: .model(images: images, characterLimit: characterLimit))
    }

    var isModel: Bool { if case .model = mode { true } else { false } }

    var attachesImages: Bool { if case .model(true, _) = mode { true } else { false } }

    // MARK: - Tool results

    /// A whole tool result: its parts one per line, then its structured content as JSON. For a
    /// person only when the result has no text at all (the text is what scripts reading
    /// `lmg call` expect); for the model when no text part restates it, so it is seen once.
    public func render(_ result: CallTool.Result) -> RenderedContent {
        var assembly = Assembly(renderer: self)
        for item in result.content { assembly.add(item) }
        let hasText = result.content.contains { if case .text = $0 { true } else { false } }
        let showStructured = isModel
            ? { (structured: Value) in !result.content.contains(where: { Self.restates($0, structured) }) }
            : { (_: Value) in !hasText }
        if let structured = result.structuredContent, showStructured(structured) {
            assembly.lines.append(Self.json(structured))
        }
        var text = assembly.text
        if isModel {
            if text.isEmpty { text = "(the tool returned no content)" }
            if result.isError == true { text = "Tool error: " + text }
        }
        return finish(text, images: assembly.images)
    }

    /// Content items, one per line (no structured content, no note for an empty list).
    public func render(_ items: [Tool.Content]) -> RenderedContent {
        var assembly = Assembly(renderer: self)
        for item in items { assembly.add(item) }
        return finish(assembly.text, images: assembly.images)
    }

    /// One content item.
    public func render(_ item: Tool.Content) -> RenderedContent { render([item]) }

    // MARK: - Prompt messages

    /// One prompt message's content; its kinds are a tool result's, rendered the same way.
    public func render(_ content: Prompt.Message.Content) -> RenderedContent {
        render(Self.toolContent(content))
    }

    /// A prompt message's content as the tool content of the same kind.
    static func toolContent(_ content: Prompt.Message.Content) -> Tool.Content {
        switch content {
        case .text(let text):
            return .text(text: text, annotations: nil, _meta: nil)
        case .image(let data, let mimeType):
            return .image(data: data, mimeType: mimeType, annotations: nil, _meta: nil)
        case .audio(let data, let mimeType):
            return .audio(data: data, mimeType: mimeType, annotations: nil, _meta: nil)
        case .resource(let resource, let annotations, let meta):
            return .resource(resource: resource, annotations: annotations, _meta: meta)
        case .resourceLink(let uri, let name, let title, let description, let mimeType, let annotations):
            return .resourceLink(uri: uri, name: name, title: title, description: description, mimeType: mimeType, annotations: annotations)
        }
    }

    // MARK: - Finishing

    /// Applies the model's character limit: the text is cut and says how much was left out.
    func finish(_ text: String, images: [RenderedImage]) -> RenderedContent {
        guard case .model(_, let limit?) = mode, text.count > limit else {
            return RenderedContent(text: text, images: images)
        }
        let kept = text.prefix(limit)
        return RenderedContent(
            text: kept + "\n[result truncated: \(limit) of \(text.count) characters shown]", images: images, truncated: true)
    }
}

/// Lines and images collected part by part; images are numbered as they are attached.
struct Assembly {
    let renderer: ContentRenderer
    var lines: [String] = []
    var images: [RenderedImage] = []

    var text: String { lines.joined(separator: "\n") }

    mutating func add(_ item: Tool.Content) {
        switch item {
        case .text(let text, _, _):
            lines.append(text)
        case .image(let data, let mimeType, _, _):
            let size = ContentRenderer.decodedSize(data)
            if renderer.attachesImages {
                images.append(RenderedImage(mimeType: mimeType, base64: data))
                lines.append("[image \(images.count): \(mimeType), \(size) bytes, attached below]")
            } else if renderer.isModel {
                lines.append("[image: \(mimeType), \(size) bytes; this model cannot view images]")
            } else {
                lines.append("[image: \(mimeType), \(size) bytes]")
            }
        case .audio(let data, let mimeType, _, _):
            let size = ContentRenderer.decodedSize(data)
            lines.append("[audio: \(mimeType), \(size) bytes\(renderer.isModel ? "; not playable here" : "")]")
        case .resource(let resource, _, _):
            add(resource, server: nil)
        case .resourceLink(let uri, let name, _, let description, let mimeType, _):
            var line = "[resource link: \(uri)"
            if !name.isEmpty { line += " (\(name))" }
            if let mimeType { line += ", \(mimeType)" }
            if let description, !description.isEmpty { line += ": \(description)" }
            lines.append(line + "]")
        }
    }
}
