import Foundation
import MCP
import Testing

@testable import GatewayServer

/// The call routes' hand-written bodies are the encoder's bytes, and what the writer does not
/// handle still goes through the encoder.
@Suite("Gateway call bodies without Foundation's coders")
struct CallResultWriterTests {
    static func encoded(_ result: CallTool.Result) -> Data { APIResponse.json(result).body }

    @Test func writesWhatTheEncoderWrites() throws {
        let results: [CallTool.Result] = [
            .init(content: [.text(text: "hi", annotations: nil, _meta: nil)]),
            .init(content: []),
            .init(content: [.text(text: "a \"quoted\" \\ line\nnext\ttab / slash é 😀 \u{01}", annotations: nil, _meta: nil)], isError: true),
            .init(content: [.text(text: "126", annotations: nil, _meta: nil), .text(text: "two", annotations: nil, _meta: nil)], isError: false),
            .init(content: [.text(text: "{}", annotations: nil, _meta: nil)],
                  structuredContent: ["result": 126, "nested": ["list": [1, "x", true, .null], "z": "last", "a": 2.0]]),
        ]
        for result in results {
            let fast = try #require(CallResultWriter.body(result), "\(result)")
            #expect(String(decoding: fast, as: UTF8.self) == String(decoding: Self.encoded(result), as: UTF8.self))
        }
    }

    @Test func leavesTheRestToTheEncoder() throws {
        let image = CallTool.Result(content: [.image(data: "iVBORw0KGgo=", mimeType: "image/png", annotations: nil, _meta: nil)])
        let fraction = try CallTool.Result(content: [], structuredContent: ["t": 0.1])
        for result in [image, fraction] {
            #expect(CallResultWriter.body(result) == nil)
            #expect(CallResultWriter.response(result).body == Self.encoded(result))
        }
    }

    @Test func bodiesAreParsedAsObjectsNamingWhatIsWrong() throws {
        let body = Data(#"{"text": "data:text/plain;base64,aGk=", "n": 2, "list": [1.5, null, {"a": "b"}]}"#.utf8)
        #expect(try CallResultWriter.object(body, empty: "e", notObject: "o") == JSONDecoder().decode([String: Value].self, from: body),
                "the same values as the SDK's decoding")
        #expect(throws: APIError.badRequest("e")) { try CallResultWriter.object(Data(" \n".utf8), empty: "e", notObject: "o") }
        #expect(try CallResultWriter.object(Data(" \n".utf8), empty: nil, notObject: "o").isEmpty, "without a message an empty body is {}")
        #expect(throws: APIError.badRequest("o")) { try CallResultWriter.object(Data("[1]".utf8), empty: "e", notObject: "o") }
        let malformed = #expect(throws: APIError.self) { try CallResultWriter.object(Data(#"{"a": }"#.utf8), empty: "e", notObject: "o") }
        #expect(malformed?.message.hasPrefix("the body is not valid JSON") == true)
    }
}
