import Foundation
import JSONRPC
import MCP
import Testing
@testable import MCPBuiltinServer

/// The built-in server's JSON-RPC and MCP lifecycle, driven without a transport.
@Suite("BuiltinServer: protocol")
struct BuiltinServerProtocolTests {
    static func initializeParams(_ version: String) -> Value {
        ["protocolVersion": .string(version), "capabilities": [:], "clientInfo": ["name": "tests", "version": "1"]]
    }

    @Test(arguments: ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"])
    func initializeAgreesToEverySupportedVersion(version: String) async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let result = try await harness.result("initialize", Self.initializeParams(version), as: Initialize.Result.self)
        #expect(result.protocolVersion == version)
        #expect(harness.server.protocolVersion == version)
    }

    @Test(arguments: ["1999-01-01", "2026-01-01", ""])
    func initializeOffersTheLatestForUnknownVersions(version: String) async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let result = try await harness.result("initialize", Self.initializeParams(version), as: Initialize.Result.self)
        #expect(result.protocolVersion == "2025-11-25")
    }

    @Test func initializeDescribesTheServer() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let result = try await harness.result("initialize", Self.initializeParams("2025-11-25"), as: Initialize.Result.self)
        #expect(result.serverInfo.name == "lmg-builtin")
        #expect(result.serverInfo.version == "9.9.9-test")
        #expect(result.capabilities.tools != nil)
        #expect(result.capabilities.resources != nil)
        #expect(result.capabilities.prompts != nil)
        #expect(result.instructions?.contains(harness.root) == true)
        #expect(await harness.raw(#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#) == nil)
        #expect(harness.server.clientInitialized)
    }

    @Test func pingAndSetLevelAnswerEmptyObjects() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let pong = try #require(await harness.raw(#"{"jsonrpc":"2.0","id":"p-1","method":"ping"}"#))
        #expect(pong.contains(#""result":{}"#))
        #expect(pong.contains(#""id":"p-1""#))
        #expect(!pong.contains("\n"))
        let message = try await harness.send("ping", id: .string("p-2"))
        #expect(message.kind == .response(id: .string("p-2")))
        _ = try await harness.result("logging/setLevel", ["level": "debug"], as: [String: Int].self)
        let error = try await harness.error("logging/setLevel", ["level": "loud"])
        #expect(error.code == JSONRPCErrorObject.invalidParams)
        #expect(error.message.contains("logging/setLevel"))
    }

    @Test func unknownMethodNamesIt() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let error = try await harness.error("sampling/wonder")
        #expect(error.code == JSONRPCErrorObject.methodNotFound)
        #expect(error.message.contains("sampling/wonder"))
    }

    @Test func badParamsAreInvalidParamsNamingTheMember() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let noURI = try await harness.error("resources/read", [:])
        #expect(noURI.code == JSONRPCErrorObject.invalidParams)
        #expect(noURI.message.contains("uri"))
        let wrongType = try await harness.error("resources/read", ["uri": 5])
        #expect(wrongType.code == JSONRPCErrorObject.invalidParams)
        let noName = try await harness.error("tools/call", ["arguments": [:]])
        #expect(noName.code == JSONRPCErrorObject.invalidParams)
        #expect(noName.message.contains("name"))
        let unknownTool = try await harness.error("tools/call", ["name": "frobnicate"])
        #expect(unknownTool.code == JSONRPCErrorObject.invalidParams)
        #expect(unknownTool.message.contains("frobnicate"))
        #expect(unknownTool.message.contains("echo"))
        let badVersion = try await harness.error("initialize", ["protocolVersion": 2025])
        #expect(badVersion.code == JSONRPCErrorObject.invalidParams)
    }

    @Test func malformedMessagesGetParseOrInvalidRequestErrors() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let garbage = try JSONRPCMessage(Data(try #require(await harness.raw("{not json")).utf8))
        guard case .errorResponse(nil, let parse) = garbage.kind else { Issue.record("\(garbage.kind)"); return }
        #expect(parse.code == JSONRPCErrorObject.parseError)
        let batch = try JSONRPCMessage(Data(try #require(await harness.raw(#"[{"jsonrpc":"2.0","id":1,"method":"ping"}]"#)).utf8))
        guard case .errorResponse(nil, let batchError) = batch.kind else { Issue.record("\(batch.kind)"); return }
        #expect(batchError.code == JSONRPCErrorObject.invalidRequest)
        #expect(batchError.message.contains("batch"))
        let noMethod = try JSONRPCMessage(Data(try #require(await harness.raw(#"{"jsonrpc":"2.0","id":3}"#)).utf8))
        guard case .errorResponse(nil, let invalid) = noMethod.kind else { Issue.record("\(noMethod.kind)"); return }
        #expect(invalid.code == JSONRPCErrorObject.invalidRequest)
    }

    @Test func notificationsAndResponsesGetNoAnswer() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        #expect(await harness.raw(#"{"jsonrpc":"2.0","method":"notifications/whatever","params":{}}"#) == nil)
        #expect(await harness.raw(#"{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":99}}"#) == nil)
        #expect(await harness.raw(#"{"jsonrpc":"2.0","id":5,"result":{}}"#) == nil)
        #expect(await harness.raw(#"{"jsonrpc":"2.0","id":5,"error":{"code":1,"message":"x"}}"#) == nil)
    }

    @Test func toolsListShowsFiveReadOnlyToolsWithSchemas() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let tools = try await harness.result("tools/list", as: ListTools.Result.self).tools
        #expect(tools.map(\.name) == ["echo", "current_time", "calculate", "read_file", "list_directory"])
        for tool in tools {
            #expect(tool.annotations.readOnlyHint == true, "\(tool.name)")
            #expect(tool.annotations.idempotentHint == true, "\(tool.name)")
            #expect((tool.description ?? "").count > 20, "\(tool.name)")
            #expect(tool.inputSchema.objectValue?["type"] == "object", "\(tool.name)")
            #expect(tool.inputSchema.objectValue?["properties"]?.objectValue != nil, "\(tool.name)")
            #expect(tool.inputSchema.objectValue?["required"]?.arrayValue != nil, "\(tool.name)")
        }
        let byName = Dictionary(uniqueKeysWithValues: tools.map { ($0.name, $0) })
        #expect(byName["echo"]?.inputSchema.objectValue?["required"] == ["text"])
        #expect(byName["calculate"]?.inputSchema.objectValue?["required"] == ["expression"])
        #expect(byName["read_file"]?.inputSchema.objectValue?["required"] == ["path"])
        #expect(byName["calculate"]?.outputSchema?.objectValue?["properties"]?.objectValue?["result"] == ["type": "number"])
    }

    @Test func resourcesListTheAboutPageAndTheFileTemplate() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let resources = try await harness.result("resources/list", as: ListResources.Result.self).resources
        #expect(resources.map(\.uri) == ["lmg://server/about"])
        #expect(resources.first?.mimeType == "text/markdown")
        let templates = try await harness.result("resources/templates/list", as: ListResourceTemplates.Result.self).templates
        #expect(templates.map(\.uriTemplate) == ["file:///{+path}"])

        let about = try await harness.result("resources/read", ["uri": "lmg://server/about"], as: ReadResource.Result.self)
        let page = try #require(about.contents.first?.text)
        #expect(about.contents.first?.mimeType == "text/markdown")
        for name in ["echo", "current_time", "calculate", "read_file", "list_directory", "explain_file", "file:///{+path}"] {
            #expect(page.contains(name), "the about page should mention \(name)")
        }
    }

    @Test func fileResourcesReadUnderTheRootOnly() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        try harness.write("with space.md", "# spaced\n")
        let notes = try await harness.result(
            "resources/read", ["uri": .string("file://\(harness.root)/notes.txt")], as: ReadResource.Result.self)
        #expect(notes.contents.first?.text == "hello from notes\n")
        #expect(notes.contents.first?.mimeType == "text/plain")
        let spaced = URL(fileURLWithPath: harness.root + "/with space.md").absoluteString
        let markdown = try await harness.result("resources/read", ["uri": .string(spaced)], as: ReadResource.Result.self)
        #expect(markdown.contents.first?.text == "# spaced\n")
        #expect(markdown.contents.first?.mimeType == "text/markdown")
        let binary = try await harness.result(
            "resources/read", ["uri": .string("file://\(harness.root)/bin.dat")], as: ReadResource.Result.self)
        #expect(binary.contents.first?.blob == Data([0x68, 0x69, 0x00, 0x01, 0xFF]).base64EncodedString())

        let outside = try await harness.error("resources/read", ["uri": .string("file://\(harness.outside)/secret.txt")])
        #expect(outside.code == JSONRPCErrorObject.invalidParams)
        #expect(outside.message.contains("outside the server root"))
        let dotdot = try await harness.error("resources/read", ["uri": .string("file://\(harness.root)/../outside/secret.txt")])
        #expect(dotdot.message.contains("outside the server root"))
        let missing = try await harness.error("resources/read", ["uri": .string("file://\(harness.root)/nope.txt")])
        #expect(missing.code == JSONRPCErrorObject.resourceNotFound)
        #expect(missing.data == ["uri": .string("file://\(harness.root)/nope.txt")])
        let unknown = try await harness.error("resources/read", ["uri": "https://example.com/x"])
        #expect(unknown.code == JSONRPCErrorObject.resourceNotFound)
        let relative = try await harness.error("resources/read", ["uri": "file:notes.txt"])
        #expect(relative.code == JSONRPCErrorObject.invalidParams)
    }

    @Test func explainFileEmbedsTheFileAndAsks() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let prompts = try await harness.result("prompts/list", as: ListPrompts.Result.self).prompts
        #expect(prompts.map(\.name) == ["explain_file"])
        #expect(prompts.first?.arguments?.map(\.name) == ["path", "focus"])
        #expect(prompts.first?.arguments?.first?.required == true)

        let result = try await harness.result(
            "prompts/get", ["name": "explain_file", "arguments": ["path": "notes.txt", "focus": "tone"]],
            as: GetPrompt.Result.self)
        #expect(result.messages.count == 2)
        #expect(result.messages.allSatisfy { $0.role == .user })
        guard case .resource(let resource, _, _) = result.messages[0].content else {
            Issue.record("expected an embedded resource, got \(result.messages[0].content)")
            return
        }
        #expect(resource.text == "hello from notes\n")
        #expect(resource.uri == URL(fileURLWithPath: harness.root + "/notes.txt").absoluteString)
        guard case .text(let ask) = result.messages[1].content else { Issue.record("expected text"); return }
        #expect(ask.contains("notes.txt"))
        #expect(ask.contains("Focus on: tone."))

        let missing = try await harness.error("prompts/get", ["name": "explain_file", "arguments": [:]])
        #expect(missing.code == JSONRPCErrorObject.invalidParams)
        #expect(missing.message.contains("path"))
        let unknown = try await harness.error("prompts/get", ["name": "summarize"])
        #expect(unknown.code == JSONRPCErrorObject.invalidParams)
        #expect(unknown.message.contains("summarize"))
        let escape = try await harness.error("prompts/get", ["name": "explain_file", "arguments": ["path": "../outside/secret.txt"]])
        #expect(escape.message.contains("outside the server root"))
        let binary = try await harness.error("prompts/get", ["name": "explain_file", "arguments": ["path": "bin.dat"]])
        #expect(binary.message.contains("binary"))
    }
}
