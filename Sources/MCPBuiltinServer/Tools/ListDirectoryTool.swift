import MCP

/// `list_directory(path?)`: what is in a directory under the server root.
enum ListDirectoryTool {
    /// Beyond this a listing is noise for a model; the result says how many were left out.
    static let maxEntries = 1000

    struct Arguments: Decodable, Sendable {
        let path: String?
    }

    static func entry(root: FileRoot) -> ToolEntry {
        .task(
            Tool(
                name: "list_directory",
                title: "List directory",
                description: """
                    Lists a directory under the server root (\(root.path)), one entry per line, sorted: \
                    directories end in "/", symbolic links in "@", files show their size. `path` is \
                    relative to the root (default: the root itself).
                    """,
                inputSchema: [
                    "type": "object",
                    "properties": [
                        "path": ["type": "string", "description": "Directory path, relative to the server root. Default: \".\"."]
                    ],
                    "required": [],
                ],
                annotations: .readOnly("List directory"),
                outputSchema: [
                    "type": "object",
                    "properties": [
                        "path": ["type": "string"],
                        "entries": [
                            "type": "array",
                            "items": [
                                "type": "object",
                                "properties": [
                                    "name": ["type": "string"],
                                    "type": ["type": "string", "enum": ["file", "directory", "symlink", "other"]],
                                    "size": ["type": "integer"],
                                ],
                                "required": ["name", "type"],
                            ],
                        ],
                        "omitted": ["type": "integer", "description": "Entries left out beyond the limit."],
                    ],
                    "required": ["path", "entries", "omitted"],
                ]
            ),
            Arguments.self
        ) { arguments in
            let path = arguments.path.flatMap { $0.isEmpty ? nil : $0 } ?? "."
            do {
                let all = try root.list(path)
                let shown = all.prefix(maxEntries)
                let omitted = all.count - shown.count
                var lines = shown.map(line)
                if all.isEmpty { lines.append("(empty directory)") }
                if omitted > 0 { lines.append("[\(omitted) more entries not shown]") }
                let structured: Value = [
                    "path": .string(root.relative(try root.resolve(path))),
                    "entries": .array(shown.map(value)),
                    "omitted": .int(omitted),
                ]
                return .text(lines.joined(separator: "\n"), structured: structured)
            } catch {
                return .failure("\(error)")
            }
        }
    }

    static func line(_ entry: DirectoryEntry) -> String {
        switch entry.kind {
        case .directory: entry.name + "/"
        case .symlink: entry.name + "@"
        case .file: "\(entry.name)  \(entry.size ?? 0) bytes"
        case .other: entry.name
        }
    }

    static func value(_ entry: DirectoryEntry) -> Value {
        var object: [String: Value] = ["name": .string(entry.name), "type": .string(entry.kind.rawValue)]
        if let size = entry.size { object["size"] = .int(size) }
        return .object(object)
    }
}
