/// Why the manager could not route a call, with what the caller needs to fix it.
public enum MCPManagerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No exposed tool has this qualified name; `suggestions` are the closest names that exist.
    case unknownTool(String, suggestions: [String])

    public var description: String {
        switch self {
        case .unknownTool(let name, let suggestions):
            let hint = suggestions.isEmpty ? "" : " (did you mean \(suggestions.map { "'\($0)'" }.joined(separator: ", "))?)"
            return "no tool named '\(name)'\(hint)"
        }
    }
}
