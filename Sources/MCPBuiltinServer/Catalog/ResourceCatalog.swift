import Foundation
import JSONRPC
import MCP

/// The resources: a page about the server, and every file under the root through `file:///{+path}`.
struct ResourceCatalog: Sendable {
    static let aboutURI = "lmg://server/about"
    /// The largest file `resources/read` serves; unlike the tools it refuses rather than cuts.
    static let maxBytes = 4 << 20

    let root: FileRoot
    let about: String

    var resources: [Resource] {
        [
            Resource(
                name: "about", uri: Self.aboutURI, title: "About lmg-builtin",
                description: "What this server is, its tools, resources and prompts.",
                mimeType: "text/markdown", size: about.utf8.count)
        ]
    }

    var templates: [Resource.Template] {
        [
            Resource.Template(
                uriTemplate: "file:///{+path}", name: "file", title: "Files under the server root",
                description: """
                    A file under \(root.path), by absolute path without its leading slash \
                    (file://\(root.path)/README.md). Text comes back as text, anything else as a \
                    base64 blob; at most \(Self.maxBytes) bytes.
                    """)
        ]
    }

    /// The contents of `uri`; unknown URIs are -32002, files outside the root -32602.
    func read(_ uri: String) throws(JSONRPCErrorObject) -> ReadResource.Result {
        if uri == Self.aboutURI {
            return ReadResource.Result(contents: [.text(about, uri: uri, mimeType: "text/markdown")])
        }
        guard uri.lowercased().hasPrefix("file:") else { throw Self.notFound(uri) }
        let path = try Self.filePath(uri)
        let file: FileBytes
        do {
            file = try root.readBytes(path, limit: Self.maxBytes)
        } catch {
            if case .notFound = error { throw Self.notFound(uri, because: error.description) }
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: "cannot read \(uri): \(error)", data: ["uri": .string(uri)])
        }
        if file.truncated {
            let error = FileAccessError.tooLarge(path: path, size: file.size, limit: Self.maxBytes)
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: "cannot read \(uri): \(error)", data: ["uri": .string(uri)])
        }
        if let text = FileRoot.decodeText(file.bytes, truncated: false) {
            return ReadResource.Result(contents: [.text(text, uri: uri, mimeType: MediaType.forText(path))])
        }
        return ReadResource.Result(contents: [.binary(Data(file.bytes), uri: uri, mimeType: "application/octet-stream")])
    }

    /// The absolute path in a `file://` URI (host empty or `localhost`), percent-decoded.
    static func filePath(_ uri: String) throws(JSONRPCErrorObject) -> String {
        guard let components = URLComponents(string: uri), components.scheme?.lowercased() == "file",
              components.host.map({ $0.isEmpty || $0 == "localhost" }) ?? true,
              components.query == nil, components.fragment == nil,
              components.path.hasPrefix("/")
        else {
            throw JSONRPCErrorObject(
                code: JSONRPCErrorObject.invalidParams,
                message: "'\(uri)' is not a file URI of the form file:///absolute/path", data: ["uri": .string(uri)])
        }
        return components.path
    }

    static func notFound(_ uri: String, because reason: String? = nil) -> JSONRPCErrorObject {
        JSONRPCErrorObject(
            code: JSONRPCErrorObject.resourceNotFound,
            message: "resource not found: \(uri)" + (reason.map { " (\($0))" } ?? ""),
            data: ["uri": .string(uri)])
    }
}

/// MIME types for text files, by extension: enough for a client to pick a highlighter.
enum MediaType {
    static func forText(_ path: String) -> String {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return "text/plain" }
        switch name[name.index(after: dot)...].lowercased() {
        case "md", "markdown": return "text/markdown"
        case "json": return "application/json"
        case "html", "htm": return "text/html"
        case "css": return "text/css"
        case "csv": return "text/csv"
        case "xml": return "application/xml"
        case "yaml", "yml": return "application/yaml"
        case "js", "mjs": return "text/javascript"
        case "swift": return "text/x-swift"
        case "py": return "text/x-python"
        case "c", "h": return "text/x-c"
        case "sh": return "text/x-shellscript"
        default: return "text/plain"
        }
    }
}
