import MCP

/// One tool under its gateway-wide name.
public struct QualifiedTool: Sendable, Hashable {
    /// Unique across servers, stable across runs, valid as a model function name
    /// (`^[a-zA-Z0-9_-]{1,64}$`).
    public var qualifiedName: String
    public var server: String
    public var tool: Tool
}

/// Gives every tool of every server one name in a single namespace, and maps names back.
///
/// `server__tool` by default; characters outside `[a-zA-Z0-9_-]` become `_`; names over 64
/// characters are cut and end in a stable hash of the exact (server, tool) pair. When two pairs
/// still meet on one name, the pair sorting first keeps it and the other gets the hashed form;
/// each such case is reported in `collisions`, never silently overwritten.
public struct ToolNamespace: Sendable {
    public static let maxLength = 64
    public static let separator = "__"

    public private(set) var tools: [QualifiedTool] = []
    private var byName: [String: Int] = [:]
    /// One line per name clash that had to be resolved.
    public private(set) var collisions: [String] = []

    public init(_ entries: [(server: String, tool: Tool)]) {
        let sorted = entries.sorted { ($0.server, $0.tool.name) < ($1.server, $1.tool.name) }
        for entry in sorted {
            var name = Self.qualifiedName(server: entry.server, tool: entry.tool.name)
            if let holder = byName[name] {
                let taken = tools[holder]
                name = Self.hashed(server: entry.server, tool: entry.tool.name)
                collisions.append(
                    "tool '\(entry.tool.name)' of server '\(entry.server)' would be named '\(Self.qualifiedName(server: entry.server, tool: entry.tool.name))' like '\(taken.tool.name)' of '\(taken.server)'; it is '\(name)'")
            }
            byName[name] = tools.count
            tools.append(QualifiedTool(qualifiedName: name, server: entry.server, tool: entry.tool))
        }
    }

    /// The tools `isIncluded` keeps, under the names they have here (a name hashed for a clash
    /// stays hashed), so a narrowed view (one caller's tools) agrees with the whole one.
    public func filter(_ isIncluded: (QualifiedTool) -> Bool) -> ToolNamespace {
        var kept = ToolNamespace([])
        for tool in tools where isIncluded(tool) {
            kept.byName[tool.qualifiedName] = kept.tools.count
            kept.tools.append(tool)
        }
        return kept
    }

    /// The (server, tool) a qualified name stands for.
    public func resolve(_ qualifiedName: String) -> QualifiedTool? {
        byName[qualifiedName].map { tools[$0] }
    }

    /// `server__tool`, sanitized, hashed when too long. Pure: the same pair always gives the same name.
    public static func qualifiedName(server: String, tool: String) -> String {
        let plain = sanitize(server) + separator + sanitize(tool)
        return plain.count <= maxLength ? plain : hashed(server: server, tool: tool)
    }

    /// The long form: a readable prefix and 8 hex digits of a hash of the exact pair.
    static func hashed(server: String, tool: String) -> String {
        let suffix = "_" + hex(fnv1a(server + "\u{0}" + tool))
        let plain = sanitize(server) + separator + sanitize(tool)
        return String(plain.prefix(maxLength - suffix.count)) + suffix
    }

    static func sanitize(_ text: String) -> String {
        let mapped = text.unicodeScalars.map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "_", "-": return Character(scalar)
            default: return "_"
            }
        }
        return mapped.isEmpty ? "_" : String(mapped)
    }

    /// FNV-1a, 32 bits: stable across runs and platforms, unlike `Hasher`.
    static func fnv1a(_ text: String) -> UInt32 {
        var hash: UInt32 = 0x811C_9DC5
        for byte in text.utf8 {
            hash ^= UInt32(byte)
            hash = hash &* 0x0100_0193
        }
        return hash
    }

    static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

extension ToolNamespace {
    /// The qualified names closest to a mistyped or unqualified one, best first; a bare tool name
    /// (`get_time` for `time__get_time`) matches through the part after the separator.
    public func closestNames(to name: String, limit: Int = 3) -> [String] {
        let exact = tools.filter { $0.tool.name == name }.map(\.qualifiedName)
        if !exact.isEmpty { return Array(exact.prefix(limit)) }
        return NameSuggestion.ranked(to: name, in: tools.map(\.qualifiedName), limit: limit)
    }
}

extension ToolNamespace {
    /// False for a name no (server, tool) pair can ever be given: one without the separator
    /// that does not end in the hashed form's `_` and 8 hex digits. Functions of the host's own
    /// (the orchestrator's resource functions) take such names, so they never meet an MCP tool.
    public static func couldBeQualifiedName(_ name: String) -> Bool {
        if name.contains(separator) { return true }
        let scalars = Array(name.unicodeScalars)
        guard scalars.count >= 9, scalars[scalars.count - 9] == "_" else { return false }
        return scalars.suffix(8).allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }
}
