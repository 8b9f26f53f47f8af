import MCP
@testable import MCPGateway
import Testing

@Suite("Prompt namespace")
struct PromptNamespaceTests {
    func prompt(_ name: String) -> Prompt { Prompt(name: name) }

    @Test func namesAreQualifiedLikeToolsAndKeepTheServersOrder() {
        let namespace = PromptNamespace([("fx", prompt("review")), ("builtin", prompt("summarize")), ("builtin", prompt("explain"))])
        #expect(namespace.prompts.map(\.qualifiedName) == ["fx__review", "builtin__summarize", "builtin__explain"])
        #expect(namespace.prompts.map(\.qualifiedName) == namespace.prompts.map { ToolNamespace.qualifiedName(server: $0.server, tool: $0.prompt.name) })
        #expect(namespace.resolve("builtin__explain")?.server == "builtin")
        #expect(namespace.resolve("builtin__explain")?.prompt.name == "explain")
        #expect(namespace.resolve("explain") == nil)
        #expect(namespace.collisions.isEmpty)
    }

    @Test func aBareNameResolvesWhenOnlyOneServerHasIt() throws {
        let namespace = PromptNamespace([("a", prompt("review")), ("b", prompt("review")), ("b", prompt("summarize"))])
        let unique = try namespace.lookup("summarize").get()
        #expect(unique.server == "b" && unique.prompt.name == "summarize")
        #expect(try namespace.lookup("a__review").get().server == "a")
        #expect(namespace.lookup("review") == .failure(.ambiguous("review", candidates: ["a__review", "b__review"])))
        #expect(PromptLookupError.ambiguous("review", candidates: ["a__review", "b__review"]).description
            == "several servers have a prompt 'review': use one of a__review, b__review")
    }

    @Test func unknownNamesSuggestTheClosest() {
        let namespace = PromptNamespace([("builtin", prompt("summarize")), ("fx", prompt("review_code"))])
        let failure = namespace.lookup("builtin__sumarize")
        #expect(failure == .failure(.unknown("builtin__sumarize", suggestions: ["builtin__summarize"])))
        if case .failure(let error) = failure {
            #expect(error.description == "no prompt named 'builtin__sumarize' (did you mean 'builtin__summarize'?)")
        }
        #expect(namespace.closestNames(to: "review_code") == ["fx__review_code"])
        #expect(PromptLookupError.unknown("zzz", suggestions: []).description == "no prompt named 'zzz'")
    }

    @Test func clashingNamesAreResolvedAndReported() {
        // "my.srv" and "my_srv" both sanitize to "my_srv".
        let namespace = PromptNamespace([("my_srv", prompt("p")), ("my.srv", prompt("p"))])
        let names = namespace.prompts.map(\.qualifiedName)
        #expect(Set(names).count == 2)
        #expect(namespace.resolve("my_srv__p")?.server == "my.srv", "the pair sorting first keeps the plain name")
        #expect(namespace.collisions.count == 1)
        #expect(namespace.collisions.first?.contains("my_srv") == true)
        for name in names { #expect(namespace.resolve(name) != nil) }
    }
}
