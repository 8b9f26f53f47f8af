import Foundation
import MCP
import MCPGateway
import Orchestrator
import TestSupport
import Testing

/// The model reading resources itself: the two resource functions against the Python fixture
/// (text, binary and image resources, a template, a file re-read each time) behind a real
/// MCPManager, the scripted model server on the other side.
@Suite("Orchestrator resource functions", .serialized)
struct OrchestratorResourceTests {
    static let list = ResourceFunction.list.rawValue
    static let read = ResourceFunction.read.rawValue

    static func withManager<T>(
        _ servers: [FixtureServer], _ body: (MCPManager) async throws -> T
    ) async throws -> T {
        let manager = MCPManager(options: testClientOptions)
        await manager.addServers(servers.map(\.config))
        for status in await manager.status() { try #require(status.state == .ready, "\(status)") }
        return try await withPeer(manager, stop: { await $0.shutdown() }) { try await body($0) }
    }

    /// The function names of request `index`.
    static func offered(_ model: ScriptedModel, request index: Int = 0) throws -> [String] {
        let tools = try model.bodies()[index]["tools"] as? [[String: Any]] ?? []
        return tools.map { ($0["function"] as! [String: Any])["name"] as! String }
    }

    static func content(_ model: ScriptedModel, request index: Int) throws -> [String] {
        try model.toolMessages(inRequest: index).map { $0["content"] as? String ?? "" }
    }

    @Test func theModelListsThenReadsAResource() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [call("l1", Self.list, "{}")]],
            ["tool_calls": [call("r1", Self.read, #"{"uri": "fixture://greeting"}"#)]],
            ["content": "It says hello."],
        ], strict: true)
        defer { model.stop() }
        let servers = [FixtureServer.stdio("alpha"), FixtureServer.stdio("plain", ["--no-resources"])]
        try await Self.withManager(servers) { manager in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            let turn = await record(orchestrator, "what does the greeting say?")
            #expect(turn.summary?.answer == "It says hello.", "\(String(describing: turn.error))")

            let offered = try Self.offered(model)
            #expect(offered.contains(Self.list) && offered.contains(Self.read) && offered.contains("alpha__echo"))
            // The listing: JSON of alpha's resources and template; nothing of the server without resources.
            let listing = try JSONSerialization.jsonObject(with: Data(try Self.content(model, request: 1)[0].utf8)) as! [String: Any]
            let resources = listing["resources"] as! [[String: Any]]
            #expect(Set(resources.map { $0["uri"] as! String }) == ["fixture://greeting", "fixture://blob"])
            #expect(resources.allSatisfy { $0["server"] as? String == "alpha" })
            let greeting = resources.first { $0["uri"] as? String == "fixture://greeting" }
            #expect(greeting?["mimeType"] as? String == "text/plain" && greeting?["description"] as? String == "A greeting.")
            let templates = listing["resourceTemplates"] as! [[String: Any]]
            #expect(templates.map { $0["uriTemplate"] as! String } == ["fixture://items/{id}"])

            // The read: the text under the call's id, with where it came from.
            let answer = try model.toolMessages(inRequest: 2)
            #expect(answer.map { $0["tool_call_id"] as? String } == ["l1", "r1"])
            #expect(answer.last?["content"] as? String
                == "[resource fixture://greeting from server 'alpha', text/plain]\nHello from the lmg test fixture")
            let read = try #require(turn.finished.last)
            #expect(read.status == .completed && !read.isError && read.request.readOnly && read.request.server == "alpha")
        }
    }

    @Test func templatesBinaryImagesAndUnknownURIs() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [
                call("t1", Self.read, #"{"uri": "fixture://items/42"}"#),
                call("b1", Self.read, #"{"uri": "fixture://blob"}"#),
                call("p1", Self.read, #"{"uri": "fixture://pixel"}"#),
                call("u1", Self.read, #"{"uri": "fixture://greting"}"#),
                call("s1", Self.read, #"{"uri": "fixture://greeting", "server": "alpah"}"#),
                call("a1", Self.read, #"{"server": "alpha"}"#),
            ]],
            ["content": "Done."],
        ], strict: true)
        defer { model.stop() }
        try await Self.withManager([FixtureServer.stdio("alpha", ["--image-resource"])]) { manager in
            let options = OrchestratorOptions(supportsImages: true)
            let orchestrator = Orchestrator(manager: manager, model: model.client(), options: options)
            let turn = await record(orchestrator, "read them")
            #expect(turn.summary?.answer == "Done.", "\(String(describing: turn.error))")
            let texts = try Self.content(model, request: 1)
            #expect(texts[0] == "[resource fixture://items/42 from server 'alpha', text/plain]\nitem 42")
            #expect(texts[1] == "[resource fixture://blob from server 'alpha', application/octet-stream: 256 bytes, not shown]")
            #expect(texts[2].contains("image/png") && texts[2].contains("attached below"), "\(texts[2])")
            // A typo: an error the model can act on, naming the real URI.
            #expect(texts[3].hasPrefix("Error: no server has the resource 'fixture://greting'"), "\(texts[3])")
            #expect(texts[3].contains("fixture://greeting"))
            #expect(texts[4].contains("there is no server 'alpah'") && texts[4].contains("'alpha'"), "\(texts[4])")
            #expect(texts[5].contains("uri"), "\(texts[5])")
            let outcomes = Dictionary(uniqueKeysWithValues: turn.finished.map { ($0.request.id, $0) })
            #expect(["t1", "b1", "p1", "u1", "s1", "a1"].map { outcomes[$0]?.isError } == [false, false, false, true, true, true])
            #expect(outcomes["a1"]?.status == .rejected)

            // The image went to the vision model as an image part after the tool messages.
            let messages = try model.bodies()[1]["messages"] as! [[String: Any]]
            let parts = messages.last?["content"] as? [[String: Any]] ?? []
            #expect(parts.contains { (($0["image_url"] as? [String: Any])?["url"] as? String)?.hasPrefix("data:image/png;base64,") == true })
        }
    }

    @Test func aURITwoServersListNeedsTheServer() async throws {
        let model = try await ScriptedModel.start([
            ["tool_calls": [call("x1", Self.read, #"{"uri": "fixture://greeting"}"#)]],
            ["tool_calls": [call("x2", Self.read, #"{"uri": "fixture://greeting", "server": "beta"}"#)]],
            ["content": "Done."],
        ], strict: true)
        defer { model.stop() }
        try await Self.withManager([FixtureServer.stdio("alpha"), FixtureServer.stdio("beta")]) { manager in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            let turn = await record(orchestrator, "read")
            #expect(turn.summary?.answer == "Done.")
            let first = try Self.content(model, request: 1)[0]
            #expect(first.contains("'alpha' and 'beta'") && first.contains("server"), "\(first)")
            #expect(try Self.content(model, request: 2)[1].hasPrefix("[resource fixture://greeting from server 'beta'"))
        }
    }

    @Test func aResourceIsReadAnewEachTime() async throws {
        let file = NSTemporaryDirectory() + "lmg-resource-\(UUID().uuidString).txt"
        try "first version".write(toFile: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let model = try await ScriptedModel.start([
            ["tool_calls": [call("f1", Self.read, #"{"uri": "fixture://file"}"#)]],
            ["content": "First."],
            ["tool_calls": [call("f2", Self.read, #"{"uri": "fixture://file"}"#)]],
            ["content": "Second."],
        ], strict: true)
        defer { model.stop() }
        try await Self.withManager([FixtureServer.stdio("alpha", ["--resource-file", file])]) { manager in
            let orchestrator = Orchestrator(manager: manager, model: model.client())
            _ = await record(orchestrator, "read it")
            try "second version".write(toFile: file, atomically: true, encoding: .utf8)
            let turn = await record(orchestrator, "read it again")
            #expect(turn.summary?.answer == "Second.")
            #expect(try Self.content(model, request: 1).last?.hasSuffix("\nfirst version") == true)
            #expect(try Self.content(model, request: 3).last?.hasSuffix("\nsecond version") == true)
        }
    }

    @Test func nothingIsOfferedWhenOffOrWithoutResources() async throws {
        let model = try await ScriptedModel.start([["content": "a"], ["content": "b"], ["content": "c"]], strict: true)
        defer { model.stop() }
        var optedOut = FixtureServer.stdio("quiet")
        optedOut = FixtureServer(config: { var c = optedOut.config; c.modelResources = false; return c }(), recordPath: optedOut.recordPath)
        try await Self.withManager([FixtureServer.stdio("alpha"), FixtureServer.stdio("plain", ["--no-resources"]), optedOut]) { manager in
            var off = OrchestratorOptions()
            off.modelResources = false
            _ = try await Orchestrator(manager: manager, model: model.client(), options: off).run("hi")
            // Narrowed to the two servers without resources for the model: nothing to offer.
            let narrowed = FilteredToolRouter(manager, resourcesOf: { $0 != "alpha" }) { _ in true }
            _ = try await Orchestrator(manager: narrowed, model: model.client()).run("hi")
            let offering = await manager.resourceServers()
            #expect(offering == ["alpha"])
            _ = try await Orchestrator(manager: manager, model: model.client()).run("hi")
            for index in 0..<2 {
                let offered = try Self.offered(model, request: index)
                #expect(!offered.contains(Self.list) && !offered.contains(Self.read) && offered.contains("plain__echo"))
            }
            #expect(try Self.offered(model, request: 2).contains(Self.read))
        }
    }
}
