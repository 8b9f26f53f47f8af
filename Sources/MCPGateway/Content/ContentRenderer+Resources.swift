import Foundation
import MCP

extension ContentRenderer {
    /// Resource contents (`resources/read`), one after another. `server` names where they came
    /// from in the model's headers (a resource attached to a conversation); a person sees bare
    /// text. An empty list is empty for a person and says so to the model.
    public func render(_ contents: [Resource.Content], from server: String? = nil) -> RenderedContent {
        var assembly = Assembly(renderer: self)
        for content in contents { assembly.add(content, server: server) }
        var text = assembly.text
        if text.isEmpty, isModel { text = "[resources\(server.map { " from server '\($0)'" } ?? ""): empty]" }
        return finish(text, images: assembly.images)
    }

    /// One resource's contents, embedded or read.
    public func render(_ content: Resource.Content, from server: String? = nil) -> RenderedContent {
        render([content], from: server)
    }
}

extension Assembly {
    /// A resource: its text (under a header for the model), or its binary contents described,
    /// or attached when it is an image and the model can see images.
    mutating func add(_ content: Resource.Content, server: String?) {
        var header = "resource \(content.uri)"
        if let server { header += " from server '\(server)'" }
        if let mimeType = content.mimeType { header += ", \(mimeType)" }
        if let text = content.text {
            lines.append(renderer.isModel ? "[\(header)]\n\(text)" : text)
        } else if let blob = content.blob {
            let size = ContentRenderer.decodedSize(blob)
            if renderer.attachesImages, let mimeType = content.mimeType, mimeType.hasPrefix("image/") {
                images.append(RenderedImage(mimeType: mimeType, base64: blob))
                lines.append("[\(header): image \(images.count), \(size) bytes, attached below]")
            } else {
                lines.append("[\(header): \(size) bytes\(renderer.isModel ? ", not shown" : "")]")
            }
        } else {
            lines.append("[\(header): empty]")
        }
    }
}

extension ContentRenderer {
    /// Every image in a tool result, embedded image resources included: what a terminal can show
    /// whether or not the model sees them.
    public static func images(in content: [Tool.Content]) -> [RenderedImage] {
        content.flatMap { item -> [RenderedImage] in
            switch item {
            case .image(let data, let mimeType, _, _): return [RenderedImage(mimeType: mimeType, base64: data)]
            case .resource(let resource, _, _): return images(in: [resource])
            default: return []
            }
        }
    }

    /// The image contents of a resource read.
    public static func images(in contents: [Resource.Content]) -> [RenderedImage] {
        contents.compactMap { content in
            guard let blob = content.blob, let mimeType = content.mimeType, mimeType.hasPrefix("image/") else { return nil }
            return RenderedImage(mimeType: mimeType, base64: blob)
        }
    }
}
