import Foundation
import MCPGateway
import Orchestrator

/// The MCP tools one chat request may use: what the caller's key allows, narrowed by the
/// `X-LMG-Servers: a,b` / `X-LMG-Tools: glob,...` headers and the body's `"mcp"` member (each
/// given narrows further); `"mcp": false` turns them off.
struct ToolSelection: Sendable {
    let caller: Caller
    /// nil: every server the key allows.
    let servers: Set<String>?
    /// Each list is a filter of its own: a tool must match a glob of every list.
    let globLists: [[String]]
    let off: Bool

    init(caller: Caller, headers: [String: String], member: ChatCompletionRequest.MCPMember) {
        self.caller = caller
        var servers: Set<String>?
        var globLists: [[String]] = []
        if let listed = Self.list(headers["x-lmg-servers"]) { servers = Set(listed) }
        if let globs = Self.list(headers["x-lmg-tools"]) { globLists.append(globs) }
        var off = false
        switch member {
        case .all: break
        case .off: off = true
        case .only(let names, let globs):
            if let names { servers = servers.map { $0.intersection(names) } ?? Set(names) }
            if let globs { globLists.append(globs) }
        }
        (self.servers, self.globLists, self.off) = (servers, globLists, off)
    }

    /// Every server named by a header or the body, for checking that each exists.
    static func named(headers: [String: String], member: ChatCompletionRequest.MCPMember) -> [(name: String, param: String)] {
        var names = (list(headers["x-lmg-servers"]) ?? []).map { ($0, "X-LMG-Servers") }
        if case .only(let servers?, _) = member { names += servers.map { ($0, "mcp.servers") } }
        return names
    }

    /// Whether the model may see and call `tool`.
    func includes(_ tool: QualifiedTool) -> Bool {
        guard !off, caller.allows(server: tool.server, tool: tool.tool.name, qualifiedName: tool.qualifiedName) else { return false }
        if let servers, !servers.contains(tool.server) { return false }
        return globLists.allSatisfy { globs in
            globs.contains { Glob.matches($0, tool.tool.name) || Glob.matches($0, tool.qualifiedName) }
        }
    }

    /// Whether the model may list and read `server`'s resources: a server the key and the
    /// request allow, and, when `X-LMG-Tools` / `mcp.tools` narrow the tools, a glob of every list
    /// matching a resource function's name (`lmg_*_resource*` keeps them).
    func includesResources(of server: String) -> Bool {
        guard !off, caller.allows(server: server) else { return false }
        if let servers, !servers.contains(server) { return false }
        return globLists.allSatisfy { globs in
            globs.contains { glob in ResourceFunction.allCases.contains { Glob.matches(glob, $0.rawValue) } }
        }
    }

    /// A comma-separated header value; nil when absent or empty.
    static func list(_ header: String?) -> [String]? {
        guard let header else { return nil }
        let items = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return items.isEmpty ? nil : items
    }
}
