import MCP
@testable import MCPGateway
import Testing

@Suite("Tool namespace")
struct ToolNamespaceTests {
    func tool(_ name: String) -> Tool { Tool(name: name, description: nil, inputSchema: ["type": "object"]) }

    let valid = #/^[a-zA-Z0-9_-]{1,64}$/#

    @Test func defaultNamesAreServerDoubleUnderscoreTool() {
        let namespace = ToolNamespace([("time", tool("get_current_time")), ("files", tool("read"))])
        #expect(namespace.tools.map(\.qualifiedName) == ["files__read", "time__get_current_time"])
        #expect(namespace.resolve("time__get_current_time")?.tool.name == "get_current_time")
        #expect(namespace.resolve("time__get_current_time")?.server == "time")
        #expect(namespace.collisions.isEmpty)
    }

    @Test func invalidCharactersAndLongNamesBecomeValidStableNames() throws {
        let long = String(repeating: "very_long_tool_name_", count: 5)
        let namespace = ToolNamespace([("my.server", tool("do it!")), ("s", tool(long))])
        for entry in namespace.tools {
            #expect(entry.qualifiedName.wholeMatch(of: valid) != nil, "\(entry.qualifiedName)")
        }
        #expect(namespace.resolve("my_server__do_it_")?.tool.name == "do it!")
        let hashed = ToolNamespace.qualifiedName(server: "s", tool: long)
        #expect(hashed.count == 64)
        #expect(hashed == ToolNamespace.qualifiedName(server: "s", tool: long))
        #expect(namespace.resolve(hashed)?.tool.name == long)
    }

    @Test func collisionsAreResolvedDeterministicallyAndReported() {
        let a = ToolNamespace([("a.b", tool("t")), ("a_b", tool("t"))])
        let b = ToolNamespace([("a_b", tool("t")), ("a.b", tool("t"))])
        #expect(a.tools.map(\.qualifiedName) == b.tools.map(\.qualifiedName))
        #expect(Set(a.tools.map(\.qualifiedName)).count == 2)
        #expect(a.collisions.count == 1)
        #expect(a.collisions[0].contains("'a_b'") || a.collisions[0].contains("'a.b'"))
        for entry in a.tools {
            #expect(a.resolve(entry.qualifiedName)?.server == entry.server)
        }
    }

    @Test func suggestionsCompareTheDifferingPart() {
        let names = ["builtin__calculate", "builtin__current_time", "builtin__echo", "fx__add", "time__get_current_time"]
        // "time" is not a typo of "echo" even though the full names are close.
        #expect(NameSuggestion.closest(to: "builtin__time", in: names) == "builtin__current_time")
        #expect(NameSuggestion.closest(to: "builtin__ecko", in: names) == "builtin__echo")
        // A dropped server prefix still finds the tool.
        #expect(NameSuggestion.ranked(to: "get_current_time", in: names) == ["time__get_current_time"])
        #expect(NameSuggestion.closest(to: "fx__ad", in: names) == "fx__add")
        #expect(NameSuggestion.closest(to: "weather", in: names) == nil)
    }

    /// Every name a pair can be given passes `couldBeQualifiedName`, so a host function whose
    /// name fails it (the orchestrator's `lmg_read_resource`) can never meet an MCP tool.
    @Test func namesOutsideTheNamespaceNeverMeetATool() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefxyz_-.:/ 09") + ["é", "🙂"]
        for _ in 0..<2000 {
            let server = String((0..<Int.random(in: 1...70, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let tool = String((0..<Int.random(in: 1...70, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            let name = ToolNamespace.qualifiedName(server: server, tool: tool)
            #expect(ToolNamespace.couldBeQualifiedName(name), "\(name)")
            #expect(ToolNamespace.couldBeQualifiedName(ToolNamespace.hashed(server: server, tool: tool)))
        }
        for name in ["lmg_list_resources", "lmg_read_resource", "plain", "x_0123abcz"] {
            #expect(!ToolNamespace.couldBeQualifiedName(name), "\(name)")
        }
        #expect(ToolNamespace.couldBeQualifiedName("longserver_0123abcd"))
    }
}
