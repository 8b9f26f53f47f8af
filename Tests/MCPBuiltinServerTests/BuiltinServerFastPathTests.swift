import Foundation
import JSONRPC
import MCP
import Testing
@testable import MCPBuiltinServer

/// The hand-written response JSON and the one-parse request head agree with the Codable path.
@Suite("BuiltinServer: fast path")
struct BuiltinServerFastPathTests {
    @Test(arguments: [
        CallTool.Result.text("plain"),
        .text("quotes \" backslash \\ slash / newline \n tab \t cr \r nul \u{0} bell \u{7} del \u{7F} é 😀 \u{2028}"),
        .text("", structured: ["result": 1024]),
        .text("x", structured: ["a": [1, 2.5, "s", true, nil, ["nested": "v"]], "b": -0.001, "c": 1e300]),
        .failure("it broke"),
        CallTool.Result(content: [.text(text: "one", annotations: nil, _meta: nil), .text(text: "two", annotations: nil, _meta: nil)], isError: false),
        CallTool.Result(content: [.image(data: "AAAA", mimeType: "image/png", annotations: nil, _meta: nil)]),
    ])
    func toolResultsRoundTrip(result: CallTool.Result) throws {
        for id in [JSONRPCID.int(42), .string("id \"quoted\"")] {
            let bytes = ResponseWriter.callTool(id: id, result)
            #expect(!bytes.contains(UInt8(ascii: "\n")))
            let message = try JSONRPCMessage(bytes)
            #expect(message.kind == .response(id: id))
            #expect(try message.result(as: CallTool.Result.self) == result)
        }
    }

    @Test func requestHeadReadsToolCallsLeniently() throws {
        func head(_ json: String) throws -> RequestHead {
            try JSONRPCCoding.decode(RequestHead.self, from: Data(json.utf8))
        }
        let call = try head(#"{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"echo","arguments":{"text":"hi","n":3,"z":null}}}"#)
        #expect(call.id == .string("a"))
        #expect(call.params?.name == "echo")
        #expect(try call.params?.arguments?.string("text") == "hi")
        #expect(throws: ArgumentError.self) { try call.params?.arguments?.string("n") }
        #expect(try call.params?.arguments?.optionalString("z") == nil)
        #expect(call.params?.argumentsUnreadable == false)

        let odd = try head(#"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":7,"arguments":"text"}}"#)
        #expect(odd.params?.name == nil)
        #expect(odd.params?.argumentsUnreadable == true)
        let other = try head(#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":[1,2]}"#)
        #expect(other.method == "initialize")
        #expect(other.params?.name == nil)
    }

    @Test func oddToolCallShapesGetPreciseErrors() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let notObject = try await harness.result("tools/call", ["name": "echo", "arguments": "hi"], as: CallTool.Result.self)
        #expect(notObject.failed)
        #expect(notObject.text.contains("must be a JSON object"))
        let nullArguments = try await harness.result("tools/call", ["name": "echo", "arguments": nil], as: CallTool.Result.self)
        #expect(nullArguments.text == "invalid arguments for 'echo': missing \"text\"")
        let numericName = try await harness.error("tools/call", ["name": 7])
        #expect(numericName.code == JSONRPCErrorObject.invalidParams)
        #expect(numericName.message == "invalid params for tools/call: \"name\" must be a string")
        let taskTool = try await harness.result("tools/call", ["name": "read_file", "arguments": ["path": 5]], as: CallTool.Result.self)
        #expect(taskTool.text == "invalid arguments for 'read_file': \"path\" must be a string")
    }

    @Test func aSymlinkedSpellingOfTheRootIsInside() async throws {
        let harness = try BuiltinServerHarness()
        defer { harness.remove() }
        let alias = harness.outside + "/alias"
        try FileManager.default.createSymbolicLink(atPath: alias, withDestinationPath: harness.root)
        let result = try await harness.call("read_file", ["path": .string(alias + "/notes.txt")])
        #expect(result.texts == ["hello from notes\n"])
        let missing = try await harness.call("read_file", ["path": .string(alias + "/nope.txt")])
        #expect(missing.text.contains("outside the server root"))
    }
}
