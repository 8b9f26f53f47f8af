import CurlHTTP
import Foundation
import Testing

@Suite("SSE parser")
struct SSEParserTests {
    struct Case: Sendable, CustomStringConvertible {
        let name: String
        let input: String
        let events: [SSEEvent]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "one event", input: "data: hello\n\n", events: [SSEEvent(data: "hello")]),
        Case(name: "multi-line data", input: "data: a\ndata: b\ndata\n\n", events: [SSEEvent(data: "a\nb\n")]),
        Case(name: "event, id, retry", input: "event: endpoint\nid: 7\nretry: 1500\ndata: /messages?s=1\n\n",
             events: [SSEEvent(event: "endpoint", data: "/messages?s=1", id: "7", retry: 1500)]),
        Case(name: "comments and unknown fields", input: ": ping\nfoo: bar\ndata: x\n\n: tail\n", events: [SSEEvent(data: "x")]),
        Case(name: "CR line ends", input: "data: a\r\rdata: b\r\r", events: [SSEEvent(data: "a"), SSEEvent(data: "b")]),
        Case(name: "CRLF line ends", input: "data: a\r\n\r\ndata: b\r\n\r\n", events: [SSEEvent(data: "a"), SSEEvent(data: "b")]),
        Case(name: "mixed line ends", input: "data: a\r\ndata: b\rdata: c\n\r\n", events: [SSEEvent(data: "a\nb\nc")]),
        Case(name: "leading BOM", input: "\u{FEFF}data: bom\n\n", events: [SSEEvent(data: "bom")]),
        Case(name: "no space after colon; two spaces keep one", input: "data:x\n\ndata:  y\n\n",
             events: [SSEEvent(data: "x"), SSEEvent(data: " y")]),
        Case(name: "event without data is not dispatched", input: "event: nothing\n\ndata: z\n\n", events: [SSEEvent(data: "z")]),
        Case(name: "id persists across events; NUL id ignored", input: "id: 1\ndata: a\n\nid: 2\u{0}\ndata: b\n\n",
             events: [SSEEvent(data: "a", id: "1"), SSEEvent(data: "b", id: "1")]),
        Case(name: "non-digit retry ignored", input: "retry: 10x\ndata: a\n\n", events: [SSEEvent(data: "a")]),
        Case(name: "UTF-8 split anywhere", input: "data: héllo ✓ 日本\n\n", events: [SSEEvent(data: "héllo ✓ 日本")]),
        Case(name: "truncated final event dropped", input: "data: whole\n\ndata: cut", events: [SSEEvent(data: "whole")]),
        Case(name: "JSON-RPC payload", input: "event: message\ndata: {\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n\n",
             events: [SSEEvent(data: #"{"jsonrpc":"2.0","id":1,"result":{}}"#)]),
    ]

    func parse(_ chunks: [ArraySlice<UInt8>]) -> [SSEEvent] {
        var parser = SSEParser()
        var events: [SSEEvent] = []
        for chunk in chunks { events += parser.feed(chunk) }
        events += parser.finish()
        return events
    }

    @Test(arguments: cases)
    func wholeInput(_ test: Case) {
        #expect(parse([ArraySlice(Array(test.input.utf8))]) == test.events)
    }

    @Test(arguments: cases)
    func splitAtEveryByteBoundary(_ test: Case) {
        let bytes = Array(test.input.utf8)
        for cut in 0...bytes.count {
            #expect(parse([bytes[0..<cut], bytes[cut...]]) == test.events, "cut at \(cut)")
        }
    }

    @Test(arguments: cases)
    func byteByByte(_ test: Case) {
        let bytes = Array(test.input.utf8)
        #expect(parse(bytes.indices.map { bytes[$0...$0] }) == test.events)
    }

    @Test func reportsLastEventIDAndReconnectionTime() {
        var parser = SSEParser()
        _ = parser.feed(Array("id: abc\nretry: 250\ndata: x\n\n".utf8))
        #expect(parser.lastEventID == "abc")
        #expect(parser.reconnectionTime == 250)
    }
}
