import Foundation
import JSONRPC
import MCP

/// The prompts: `explain_file(path, focus?)`, which hands a model a file and asks what it does,
/// and those of the configured ``BuiltinPromptSource`` (a template named `explain_file` is hidden).
struct PromptCatalog: Sendable {
    let root: FileRoot
    let readLimit: Int
    var source: (any BuiltinPromptSource)?

    var prompts: [Prompt] {
        Self.builtin + (source?.prompts() ?? []).filter { $0.name != "explain_file" }
    }

    static var builtin: [Prompt] {
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
            let found: GetPrompt.Result?
            do {
                found = try source?.get(name, arguments: arguments)
            } catch {
                throw invalid("prompt '\(name)': \(error)")
            }
            guard let found else {
                throw invalid("unknown prompt '\(name)' (available: \(prompts.map(\.name).joined(separator: ", ")))")
            }
            return found
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
