import Foundation
import JSONRPC
import MCP

/// The prompts: `explain_file(path, focus?)`, which hands a model a file and asks what it does.
struct PromptCatalog: Sendable {
    let root: FileRoot
    let readLimit: Int

    var prompts: [Prompt] {
        [
            Prompt(
                name: "explain_file", title: "Explain a file",
                description: "Embeds a text file from the server root and asks for an explanation of it.",
                arguments: [
                    .init(name: "path", description: "File path, relative to the server root.", required: true),
                    .init(name: "focus", description: "What to concentrate on, e.g. \"error handling\".", required: false),
                ])
        ]
    }

    /// The rendered prompt; unknown names, missing arguments and unreadable files are -32602.
    func get(_ name: String, arguments: [String: String]) throws(JSONRPCErrorObject) -> GetPrompt.Result {
        guard name == "explain_file" else {
            throw invalid("unknown prompt '\(name)' (available: explain_file)")
        }
        guard let path = arguments["path"], !path.isEmpty else {
            throw invalid("prompt 'explain_file' needs the argument 'path'")
        }
        let file: TextFile
        do {
            file = try root.readText(path, limit: readLimit)
        } catch {
            throw invalid("prompt 'explain_file': \(error)")
        }
        var ask = "Explain what the file \(path) does: its purpose, its main parts and how they fit together."
        if let focus = arguments["focus"], !focus.isEmpty { ask += " Focus on: \(focus)." }
        if file.truncated {
            ask += " Only its first \(file.text.utf8.count) of \(file.size) bytes are included."
        }
        let uri = URL(fileURLWithPath: file.canonicalPath).absoluteString
        return GetPrompt.Result(
            description: "Explain \(path)",
            messages: [
                .user(.resource(resource: .text(file.text, uri: uri, mimeType: MediaType.forText(path)))),
                .user(.text(text: ask)),
            ])
    }

    private func invalid(_ message: String) -> JSONRPCErrorObject {
        JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: message)
    }
}
