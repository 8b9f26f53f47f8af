import Foundation
import JSONRPC
import MCP
import Testing
@testable import MCPBuiltinServer
@testable import MCPGateway

/// The hand-written JSON paths must agree with `JSONDecoder`/`JSONEncoder` on everything they
/// accept, and leave to them what they do not handle.
@Suite("Fast JSON paths")
struct FastJSONTests {
    static let valid: [String] = [
        #"{}"#, #"[]"#, #"null"#, #"true"#, #"false"#, #"0"#, #"-0"#, #"12"#, #"-7"#, #"1.5"#, #"-0.25"#,
        #"1e3"#, #"1E-3"#, #"2.5e+10"#, #"2.0"#, #"1.5e1"#, #"1e-2"#, #"-5.000e3"#, #"123e-1"#, #"1e19"#, #"-0.0"#,
        #"9007199254740993.0"#, #"12345678901234567.0"#, #"1234567890123456789e0"#, #"9223372036854775807"#, #"9223372036854775808"#, #"-9223372036854775808"#,
        #""""#, #""plain""#, #""a\"b\\c\/d""#, #""\b\f\n\r\t""#, #""\u00e9\u4e2d""#, #""\ud83d\ude00""#, #""é中😀""#,
        #"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#, #" { "a" : [ 1 , 2 ] } "#, "\n\t[1]\r\n",
        #"{"dup":1,"dup":2}"#, #"[[[[[]]]]]"#, #"{"k":"data:text/plain;base64,aGk="}"#,
    ]

    static let invalid: [String] = [
        "", " ", "{", "}", "[1,]", "[1 2]", #"{"a"}"#, #"{"a":}"#, #"{"a":1,}"#, #"{a:1}"#, "'x'", "01", "1.", ".5",
        "-", "1e", "+1", "tru", "nul", "True", #""abc"#, "\"a\u{01}b\"", #""\x""#, #""\u12""#, #""\ud800""#,
        #""\udc00""#, #""\ud800\u0041""#, "[1]x", "{} {}", "NaN", "Infinity", "1e999",
    ]

    @Test func parserAgreesWithJSONDecoderOnValidInput() throws {
        for text in Self.valid {
            let parsed = try JSONValueParser.parse(Data(text.utf8))
            let decoded = try JSONDecoder().decode(Value.self, from: Data(text.utf8))
            #expect(parsed == decoded, "\(text)")
        }
    }

    @Test func parserRejectsWhatJSONRejects() {
        for text in Self.invalid {
            #expect(throws: JSONValueParser.Failure.self, "\(text)") { try JSONValueParser.parse(Data(text.utf8)) }
        }
        let invalidUTF8 = Data([0x22, 0xFF, 0x22])
        #expect(throws: JSONValueParser.Failure.self) { try JSONValueParser.parse(invalidUTF8) }
    }

    /// Found by the JSONValueParser fuzzer (scripts/fuzz.sh): past 2^53 Foundation reads this as
    /// the `Int` 134567890123456232, dropping the fraction; the parser rounds to the nearest
    /// double, as RFC 8259 readers should, and the two are one unit in the last place apart.
    @Test func aLargeNumberWithAFractionIsTheNearestDouble() throws {
        let value = try JSONValueParser.parse(Data("134567890123456232.7".utf8))
        #expect(value == .double(134_567_890_123_456_240))
    }

    /// Found by the JSON-RPC fuzzer (scripts/fuzz.sh): `0e` and a long run of digits made the exact
    /// integer check add the exponent to a digit count, which trapped on overflow: a body with such a
    /// number stopped the whole process. Exponents at `Int`'s edges are numbers like any other.
    @Test func exponentsAtIntsEdgesDoNotTrap() throws {
        let zeros = ["0e9223372036854775807", "0e00009223372036854775807", "-0.0e-9223372036854775808", "0.0e+9223372036854775807"]
        for text in zeros {
            #expect(try JSONValueParser.parse(Data(text.utf8)) == .int(0), "\(text)")
        }
        for text in ["1e-9223372036854775808", "1.5e-9223372036854775808", "1.5e-9223372036854775807"] {
            #expect(try JSONValueParser.parse(Data(text.utf8)) == .double(0), "\(text)")
        }
        #expect(try JSONValueParser.parse(Data("2e19".utf8)) == .double(2e19))
        #expect(try JSONValueParser.parse(Data("12.5e1".utf8)) == .int(125))
        #expect(throws: JSONValueParser.Failure.self) { try JSONValueParser.parse(Data("5e9223372036854775807".utf8)) }
        let request = #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"n":0e9223372036854775807}}"#
        #expect(try JSONValueParser.parse(Data(request.utf8)) == .object(["jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": ["n": 0]]))
    }

    @Test func parserLimitsNesting() {
        let deep = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        #expect(throws: JSONValueParser.Failure.self) { try JSONValueParser.parse(Data(deep.utf8)) }
    }

    @Test func writerOutputReadsBackAsTheSameValue() throws {
        let value: Value = [
            "text": "quote \" backslash \\ newline \n tab \t control \u{01} é 😀",
            "numbers": [0, -3, 1.5, 1e-7, 123456789012],
            "flags": [true, false, nil],
            "nested": ["empty": [:], "list": []],
        ]
        var writer = JSONWriter()
        writer.value(value)
        #expect(try JSONValueParser.parse(writer.data) == value)
        #expect(try JSONDecoder().decode(Value.self, from: writer.data) == value)
        // Numbers read back as the same Double, sign of zero included.
        for number in [-0.0, 0.0, 0.5, -2.0, 1e300, 1e-300, 9_007_199_254_740_992, 0.1 + 0.2] {
            var one = JSONWriter()
            one.number(number)
            let back = try JSONDecoder().decode(Double.self, from: one.data)
            #expect(back == number && back.sign == number.sign, "\(number) written as \(String(decoding: one.data, as: UTF8.self))")
        }
    }

    @Test func callToolRequestMatchesTheEncoder() throws {
        let arguments: [String: Value] = ["text": "a \"b\"\n", "n": 3, "x": 2.5, "list": [1, "two"], "none": nil]
        let params = CallToolParams(name: "echo", arguments: arguments)
        let fast = try JSONRPCCoding.request(id: .int(4), method: "tools/call", params: params)
        let slow = try JSONEncoder().encode(SlowRequest(id: .int(4), method: "tools/call", params: params))
        #expect(try JSONValueParser.parse(fast) == JSONValueParser.parse(slow))
    }

    /// `_meta` and retry members go beside the params' own members, for written and encoded params alike.
    @Test func additionsJoinTheParams() throws {
        var meta = JSONWriter()
        meta.raw(#""progressToken":9"#)
        var members = JSONWriter()
        members.raw(#""requestState":"s""#)
        let additions = JSONRPCCoding.ParamsAdditions(meta: meta.bytes, members: members.bytes)
        let written = try JSONRPCCoding.request(id: .int(4), method: "tools/call", params: CallToolParams(name: "echo", arguments: ["a": 1]), adding: additions)
        #expect(try JSONValueParser.parse(written) == [
            "jsonrpc": "2.0", "id": 4, "method": "tools/call",
            "params": ["name": "echo", "arguments": ["a": 1], "_meta": ["progressToken": 9], "requestState": "s"],
        ])
        let encoded = try JSONRPCCoding.request(id: .int(5), method: "resources/read", params: ["uri": "x://y"] as [String: String], adding: additions)
        #expect(try JSONValueParser.parse(encoded) == [
            "jsonrpc": "2.0", "id": 5, "method": "resources/read",
            "params": ["uri": "x://y", "_meta": ["progressToken": 9], "requestState": "s"],
        ])
        let none = try JSONRPCCoding.request(id: .int(6), method: "server/discover", params: EmptyParams?.none, adding: .init(meta: meta.bytes))
        #expect(try JSONValueParser.parse(none) == ["jsonrpc": "2.0", "id": 6, "method": "server/discover", "params": ["_meta": ["progressToken": 9]]])
        let empty = try JSONRPCCoding.request(id: .int(7), method: "tools/list", params: EmptyParams(), adding: .init(meta: meta.bytes))
        #expect(try JSONValueParser.parse(empty) == ["jsonrpc": "2.0", "id": 7, "method": "tools/list", "params": ["_meta": ["progressToken": 9]]])
    }

    private struct SlowRequest<P: Encodable>: Encodable {
        var jsonrpc = "2.0"
        let id: JSONRPCID
        let method: String
        let params: P
    }

    @Test func messagesClassifyAsTheDecoderWould() throws {
        let cases: [(String, JSONRPCMessage.Kind)] = [
            (#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#, .request(id: .int(7), method: "ping")),
            (#"{"jsonrpc":"2.0","id":"x","method":"ping","params":null}"#, .request(id: .string("x"), method: "ping")),
            (#"{"jsonrpc":"2.0","method":"n","id":null}"#, .notification(method: "n")),
            (#"{"jsonrpc":"2.0","id":3,"result":{}}"#, .response(id: .int(3))),
            (#"{"jsonrpc":"2.0","id":3,"error":{"code":-1,"message":"m","data":{"k":1}}}"#,
             .errorResponse(id: .int(3), error: JSONRPCErrorObject(code: -1, message: "m", data: ["k": 1]))),
            (#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad","data":null}}"#,
             .errorResponse(id: nil, error: JSONRPCErrorObject(code: -32700, message: "bad"))),
        ]
        for (text, kind) in cases {
            let message = try JSONRPCMessage(Data(text.utf8))
            #expect(message.kind == kind, "\(text)")
            #expect(message.members != nil, "\(text) took the slow path")
        }
        // Shapes the fast path declines still get the decoder's precise errors.
        for text in [#"{"jsonrpc":"2.0","id":1,"result":null}"#, #"{"jsonrpc":"2.0","id":1.5,"result":{}}"#,
                     #"{"jsonrpc":"2.0","id":1,"method":5}"#, #"{"jsonrpc":"2.0","id":1,"error":{"code":"x"}}"#,
                     #"{"jsonrpc":"2.0","id":1,"method":"x","error":"oops"}"#] {
            #expect(throws: JSONRPCDecodingError.self, "\(text)") { try JSONRPCMessage(Data(text.utf8)) }
        }
    }

    @Test func callToolResultsDecodeAsTheSDKDoes() throws {
        let texts = [
            #"{"content":[{"type":"text","text":"hi"}]}"#,
            #"{"content":[{"type":"text","text":"a"},{"type":"text","text":"b\n"}],"isError":true}"#,
            #"{"content":[],"structuredContent":{"n":1,"s":["x"]},"isError":false}"#,
            #"{"content":[{"type":"text","text":"x"}],"isError":null,"structuredContent":null}"#,
        ]
        for text in texts {
            let message = try JSONRPCMessage(Data(#"{"jsonrpc":"2.0","id":1,"result":\#(text)}"#.utf8))
            let fast = try #require(CallTool.Result(value: try JSONValueParser.parse(Data(text.utf8))), "\(text)")
            #expect(fast == (try JSONDecoder().decode(CallTool.Result.self, from: Data(text.utf8))), "\(text)")
            #expect(try message.result(as: CallTool.Result.self) == fast)
        }
        // Everything else is left to the SDK's decoder, which keeps what the fast path would drop.
        let declined = [
            #"{"content":[{"type":"image","data":"aGk=","mimeType":"image/png"}]}"#,
            #"{"content":[{"type":"text","text":"a","annotations":{"priority":1}}]}"#,
            #"{"content":[{"type":"text","text":"a"}],"_meta":{"k":"v"}}"#,
            #"{"content":[{"type":"text","text":"a"}],"isError":"yes"}"#,
        ]
        for text in declined {
            #expect(CallTool.Result(value: try JSONValueParser.parse(Data(text.utf8))) == nil, "\(text)")
        }
        let image = try JSONRPCMessage(Data(#"{"jsonrpc":"2.0","id":1,"result":\#(declined[0])}"#.utf8))
        let result = try image.result(as: CallTool.Result.self)
        guard case .image(let data, let mimeType, _, _) = result.content.first else {
            Issue.record("image content lost: \(result)")
            return
        }
        #expect(data == "aGk=" && mimeType == "image/png")
    }

    @Test func builtinRequestHeadMatchesTheDecoder() throws {
        let texts = [
            #"{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi","n":null,"x":3}}}"#,
            #"{"jsonrpc":"2.0","id":"s","method":"tools/call","params":{"name":"echo","arguments":[1]}}"#,
            #"{"jsonrpc":"2.0","id":2,"method":"tools/call","params":"odd"}"#,
            #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#,
            #"{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"arguments":{"a":"data:text/plain;base64,aGk="}}}"#,
            #"{"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"data:,echo"}}"#,
        ]
        for text in texts {
            let fast = try #require(RequestHead.read(Data(text.utf8)))
            let slow = try JSONDecoder().decode(RequestHead.self, from: Data(text.utf8))
            #expect(fast.id == slow.id && fast.method == slow.method, "\(text)")
            #expect(fast.params?.name == slow.params?.name, "\(text)")
            #expect(fast.params?.argumentsUnreadable == slow.params?.argumentsUnreadable, "\(text)")
            let keys = ["text", "n", "x", "a"]
            #expect(keys.map { try? fast.params?.arguments?.optionalString($0) } == keys.map { try? slow.params?.arguments?.optionalString($0) }, "\(text)")
        }
    }
}
