import MCP
import MCPGateway
import Testing

/// URI templates as patterns and the routing of a read: pure, no server.
@Suite("Resource location")
struct ResourceLocatorTests {
    @Test(arguments: [
        ("fixture://items/{id}", "fixture://items/42", true),
        ("fixture://items/{id}", "fixture://items/", true),
        ("fixture://items/{id}", "fixture://items/4/2", false),
        ("fixture://items/{id}", "fixture://other/42", false),
        ("users://{id}/profile", "users://7/profile", true),
        ("users://{id}/profile", "users://7/profile/x", false),
        ("file:///{+path}", "file:///a/b/c.txt", true),
        ("file:///{path}", "file:///a/b/c.txt", false),
        ("repo://{owner}/{name}{/path*}", "repo://apple/swift/docs/README.md", true),
        ("repo://{owner}/{name}{/path*}", "repo://apple/swift", true),
        ("search://q{?term,limit}", "search://q?term=x&limit=3", true),
        ("search://q{?term,limit}", "search://q", true),
        ("search://q{?term}", "search://qx", false),
        ("doc://{name}{.ext}", "doc://readme.md", true),
        ("page://{name}{#section}", "page://intro#usage", true),
        ("plain://no-variables", "plain://no-variables", true),
        ("broken://{unclosed", "broken://{unclosed", true),
    ])
    func templatesMatchTheirExpansions(template: String, uri: String, matches: Bool) {
        #expect(URITemplate(template).matches(uri) == matches, "\(template) ~ \(uri)")
    }

    @Test func simpleExpressionsMaySpanSlashesWhenLenient() {
        #expect(URITemplate("file:///{path}").matches("file:///tmp/a.txt", lenient: true))
        #expect(!URITemplate("file:///{path}").matches("file:///tmp/a.txt?x", lenient: true))
        // A strict fit wins over a lenient one; the lenient one answers when nothing fits strictly.
        let lists: [(server: String, templates: [Resource.Template])] = [
            ("sloppy", [Resource.Template(uriTemplate: "file:///{path}", name: "f")]),
            ("exact", [Resource.Template(uriTemplate: "file:///{+path}", name: "f")]),
        ]
        #expect(ResourceLocator.bestTemplates(for: "file:///tmp/a.txt", in: lists) == ["exact"])
        #expect(ResourceLocator.bestTemplates(for: "file:///tmp/a.txt", in: [lists[0]]) == ["sloppy"])
    }

    @Test func aLongURIDoesNotMakeMatchingSlow() {
        let template = URITemplate("x://{a}{b}{c}{d}{e}{f}/end")
        #expect(!template.matches("x://" + String(repeating: "a", count: 3000)))
    }

    @Test func theListingServerWinsThenTheMostSpecificTemplate() {
        let listed: [(server: String, resources: [Resource])] = [
            ("a", [Resource(name: "g", uri: "fx://greeting")]), ("b", [Resource(name: "g", uri: "fx://greeting")]), ("c", []),
        ]
        #expect(ResourceLocator.listing("fx://greeting", in: listed) == ["a", "b"])
        #expect(ResourceLocator.listing("fx://nothing", in: listed).isEmpty)

        let templates: [(server: String, templates: [Resource.Template])] = [
            ("wide", [Resource.Template(uriTemplate: "users://{path}", name: "any")]),
            ("narrow", [Resource.Template(uriTemplate: "users://{id}/profile", name: "profile")]),
            ("other", [Resource.Template(uriTemplate: "{anything}", name: "everything")]),
        ]
        #expect(ResourceLocator.bestTemplates(for: "users://7/profile", in: templates) == ["narrow"])
        #expect(ResourceLocator.bestTemplates(for: "users://7", in: templates) == ["wide"])
        // A template of variables only fits every URI and tells nothing: it never routes a read.
        #expect(ResourceLocator.bestTemplates(for: "misc:x", in: templates).isEmpty)
        let tie = templates + [("twin", [Resource.Template(uriTemplate: "users://{who}/profile", name: "p")])]
        #expect(ResourceLocator.bestTemplates(for: "users://7/profile", in: tie) == ["narrow", "twin"])
    }

    @Test func aWrongURIGetsTheClosestRealOnes() {
        let resources = [Resource(name: "g", uri: "fixture://greeting"), Resource(name: "b", uri: "fixture://blob"),
                         Resource(name: "o", uri: "other://thing")]
        let templates = [Resource.Template(uriTemplate: "fixture://items/{id}", name: "item")]
        #expect(ResourceLocator.closest(to: "fixture://greting", resources: resources, templates: templates).first == "fixture://greeting")
        // Nothing close: those sharing the longest start, so the model still learns real URIs.
        let guesses = ResourceLocator.closest(to: "fixture://zzzzzzzzzzzzzzzz", resources: resources, templates: templates)
        #expect(guesses == ["fixture://blob", "fixture://greeting", "fixture://items/{id}"])
        #expect(ResourceLocator.closest(to: "x", resources: [], templates: []).isEmpty)
    }
}
