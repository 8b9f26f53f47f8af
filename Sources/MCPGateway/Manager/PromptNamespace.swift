import MCP

/// One prompt under its gateway-wide name.
public struct QualifiedPrompt: Sendable, Hashable {
    /// `server__prompt`, made as ``ToolNamespace/qualifiedName(server:tool:)`` makes tool names,
    /// so `/prompts` and `/tools` name things alike.
    public var qualifiedName: String
    /// The server entry's name.
    public var server: String
    /// The prompt as the server listed it.
    public var prompt: Prompt
}

/// Gives every prompt of every server one name, and resolves what a user types (`/prompt NAME`)
/// back to a (server, prompt) pair.
///
/// Names follow ``ToolNamespace``: `server__prompt`, sanitized, hashed when long or when two
/// pairs would share a name (the pair sorting first keeps the plain form; each case is listed in
/// `collisions`). A user may also type a bare prompt name when exactly one server has it.
public struct PromptNamespace: Sendable {
    /// Every prompt, in the order given (servers list prompts in an order of their choosing).
    public private(set) var prompts: [QualifiedPrompt] = []
    private var byName: [String: Int] = [:]
    /// One line per name clash that had to be resolved.
    public private(set) var collisions: [String] = []

    /// Names every (server, prompt) pair, e.g. those of `MCPManager.listAvailablePrompts()`.
    public init(_ entries: [(server: String, prompt: Prompt)]) {
        // Names are given in sorted order, so which pair keeps a contested name never depends
        // on the order servers answered in.
        let order = entries.indices.sorted { (entries[$0].server, entries[$0].prompt.name) < (entries[$1].server, entries[$1].prompt.name) }
        var names = [String](repeating: "", count: entries.count)
        for index in order {
            let entry = entries[index]
            let plain = ToolNamespace.qualifiedName(server: entry.server, tool: entry.prompt.name)
            var name = plain
            if let holder = byName[name] {
                let taken = entries[holder]
                name = ToolNamespace.hashed(server: entry.server, tool: entry.prompt.name)
                collisions.append(
                    "prompt '\(entry.prompt.name)' of server '\(entry.server)' would be named '\(plain)' like '\(taken.prompt.name)' of '\(taken.server)'; it is '\(name)'")
            }
            byName[name] = index
            names[index] = name
        }
        prompts = entries.indices.map { QualifiedPrompt(qualifiedName: names[$0], server: entries[$0].server, prompt: entries[$0].prompt) }
    }

    /// The prompt a qualified name stands for.
    public func resolve(_ qualifiedName: String) -> QualifiedPrompt? {
        byName[qualifiedName].map { prompts[$0] }
    }

    /// What a user typed: a qualified name, or a bare prompt name only one server has. The
    /// error says which names were meant (ambiguous) or are closest (unknown).
    public func lookup(_ name: String) -> Result<QualifiedPrompt, PromptLookupError> {
        if let exact = resolve(name) { return .success(exact) }
        let bare = prompts.filter { $0.prompt.name == name }
        switch bare.count {
        case 1: return .success(bare[0])
        case 0: return .failure(.unknown(name, suggestions: closestNames(to: name)))
        default: return .failure(.ambiguous(name, candidates: bare.map(\.qualifiedName)))
        }
    }

    /// The qualified names closest to a mistyped or bare one, best first; a bare prompt name
    /// matches through the part after the separator.
    public func closestNames(to name: String, limit: Int = 3) -> [String] {
        let exact = prompts.filter { $0.prompt.name == name }.map(\.qualifiedName)
        if !exact.isEmpty { return Array(exact.prefix(limit)) }
        return NameSuggestion.ranked(to: name, in: prompts.map(\.qualifiedName), limit: limit)
    }
}

/// Why a typed prompt name resolved to no prompt.
public enum PromptLookupError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No prompt has this name; `suggestions` are the closest names, best first.
    case unknown(String, suggestions: [String])
    /// A bare name several servers share; `candidates` are their qualified names.
    case ambiguous(String, candidates: [String])

    /// The one line to show the user.
    public var description: String {
        switch self {
        case .unknown(let name, let suggestions):
            return "no prompt named '\(name)'" + (suggestions.first.map { " (did you mean '\($0)'?)" } ?? "")
        case .ambiguous(let name, let candidates):
            return "several servers have a prompt '\(name)': use one of \(candidates.joined(separator: ", "))"
        }
    }
}
