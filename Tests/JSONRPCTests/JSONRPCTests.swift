import Foundation
import JSONRPC
import Testing

@Suite("JSON-RPC framing")
struct JSONRPCTests {
    @Test func classifiesMessages() throws {
        let request = try JSONRPCMessage(Data(#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#.utf8))
        #expect(request.kind == .request(id: .int(7), method: "ping"))
        let note = try JSONRPCMessage(Data(#"{"jsonrpc":"2.0","method":"notifications/progress","params":{}}"#.utf8))
        #expect(note.kind == .notification(method: "notifications/progress"))
        let response = try JSONRPCMessage(Data(#"{"jsonrpc":"2.0","id":"a","result":{"x":1}}"#.utf8))
        #expect(response.kind == .response(id: .string("a")))
        struct X: Decodable { let x: Int }
        #expect(try response.result(as: X.self).x == 1)
        let error = try JSONRPCMessage(Data(#"{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"bad"}}"#.utf8))
        #expect(error.kind == .errorResponse(id: nil, error: JSONRPCErrorObject(code: -32700, message: "bad")))
    }

    @Test func rejectsNonMessages() {
        #expect(throws: JSONRPCDecodingError.self) { try JSONRPCMessage(Data("this is not json".utf8)) }
        #expect(throws: JSONRPCDecodingError.self) { try JSONRPCMessage(Data(#"{"jsonrpc":"2.0","id":1}"#.utf8)) }
    }

    /// Found by FuzzJSONRPC: past the parser's depth limit the message is refused at once, not
    /// handed to Foundation, which would recurse as deep only to say the same.
    @Test func nestingPastTheLimitIsRefusedWithoutFoundation() {
        let deep = Data(repeating: UInt8(ascii: "["), count: 513)
        #expect {
            try JSONRPCMessage(deep)
        } throws: { error in
            "\(error)".contains("nesting deeper than 512 levels")
        }
        let object = Data(("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"m\",\"params\":" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "}").utf8)
        #expect(throws: (any Error).self) { try JSONRPCMessage(object) }
    }

    @Test func encodedMessagesHaveNoNewlines() throws {
        let data = try JSONRPCCoding.request(id: .int(1), method: "tools/call", params: ["text": "a\nb"])
        #expect(!data.contains(UInt8(ascii: "\n")))
        #expect(String(decoding: data, as: UTF8.self).contains(#""method":"tools/call""#))
    }

    @Test func lineFramerSplitsAtEveryBoundary() throws {
        let input = Data("{\"a\":1}\r\n\n{\"b\":2}\n{\"c\":3}".utf8)
        for cut in 0...input.count {
            var framer = LineFramer()
            var lines = try framer.append(input.prefix(cut))
            lines += try framer.append(input.dropFirst(cut))
            if let rest = framer.finish() { lines.append(rest) }
            #expect(lines.map { String(decoding: $0, as: UTF8.self) } == [#"{"a":1}"#, #"{"b":2}"#, #"{"c":3}"#], "cut at \(cut)")
        }
    }

    @Test func lineFramerBoundsMemory() {
        var framer = LineFramer(maxLineLength: 8)
        #expect(throws: LineFramer.LineTooLong.self) { _ = try framer.append(Data("0123456789".utf8)) }
    }
}
