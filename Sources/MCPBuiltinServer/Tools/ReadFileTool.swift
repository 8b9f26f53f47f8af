import MCP

/// `read_file(path, max_bytes?)`: a text file under the server root, cut at a size limit.
enum ReadFileTool {
    /// The most `max_bytes` may ask for: a tool result this large is already expensive for a model.
    static let maxLimit = 4 << 20

    struct Arguments: Decodable, Sendable {
        let path: String
        let max_bytes: Int?
    }

    static func entry(root: FileRoot, defaultLimit: Int) -> ToolEntry {
        .task(
            Tool(
                name: "read_file",
                title: "Read file",
                description: """
                    Reads a UTF-8 text file under the server root (\(root.path)). `path` is relative to \
                    the root, or absolute inside it; paths that leave the root (through .. or symlinks) \
                    and binary files are refused. Files longer than max_bytes (default \(defaultLimit)) \
                    are cut, with a note saying so.
                    """,
                inputSchema: [
                    "type": "object",
                    "properties": [
                        "path": ["type": "string", "description": "File path, relative to the server root."],
                        "max_bytes": [
                            "type": "integer", "minimum": 1, "maximum": .int(maxLimit),
                            "description": .string("Read at most this many bytes (default \(defaultLimit))."),
                        ],
                    ],
                    "required": ["path"],
                ],
                annotations: .readOnly("Read file")
            ),
            Arguments.self
        ) { arguments in
            let limit = arguments.max_bytes ?? defaultLimit
            guard (1...maxLimit).contains(limit) else {
                return .failure("max_bytes must be between 1 and \(maxLimit), got \(limit)")
            }
            do {
                let file = try root.readText(arguments.path, limit: limit)
                var content: [Tool.Content] = [.text(text: file.text, annotations: nil, _meta: nil)]
                if file.truncated {
                    let note = "[cut: showed the first \(file.text.utf8.count) of \(file.size) bytes of '\(arguments.path)'; "
                        + "pass a larger max_bytes (at most \(maxLimit)) to read more]"
                    content.append(.text(text: note, annotations: nil, _meta: nil))
                }
                return CallTool.Result(content: content)
            } catch {
                return .failure("\(error)")
            }
        }
    }
}
