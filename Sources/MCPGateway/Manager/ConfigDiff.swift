/// What changed between two server lists, by name: the plan a hot reload carries out.
/// Unchanged servers keep running untouched; changed ones are restarted.
public struct ConfigDiff: Sendable, Hashable {
    /// Entries only in the new list.
    public var added: [MCPServerConfig]
    /// Names only in the old list.
    public var removed: [String]
    /// Entries whose settings differ; they are restarted.
    public var changed: [MCPServerConfig]
    /// Names whose entries are identical; they keep running.
    public var unchanged: [String]

    public init(old: [MCPServerConfig], new: [MCPServerConfig]) {
        let before = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        let after = Dictionary(new.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
        added = after.keys.sorted().filter { before[$0] == nil }.map { after[$0]! }
        removed = before.keys.sorted().filter { after[$0] == nil }
        changed = after.keys.sorted().filter { before[$0] != nil && before[$0] != after[$0] }.map { after[$0]! }
        unchanged = after.keys.sorted().filter { before[$0] == after[$0] }
    }

    /// True when nothing needs to start, stop or restart.
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    /// "added a, b; removed c; restarted d", or "no server changed".
    public var summary: String {
        var parts: [String] = []
        if !added.isEmpty { parts.append("added " + added.map(\.name).joined(separator: ", ")) }
        if !removed.isEmpty { parts.append("removed " + removed.joined(separator: ", ")) }
        if !changed.isEmpty { parts.append("restarted " + changed.map(\.name).joined(separator: ", ")) }
        return parts.isEmpty ? "no server changed" : parts.joined(separator: "; ")
    }
}
