import ModelClient
import Testing

/// The public stream assembler, payload by payload, as an app reading the SSE stream itself uses it.
@Suite("Model stream assembler")
struct ModelStreamAssemblerTests {
    /// Applies `payloads` in order; the events and the assembler after them.
    func apply(_ payloads: [String]) throws -> (events: [ModelStreamAssembler.Event], assembler: ModelStreamAssembler) {
        var assembler = ModelStreamAssembler()
        var events: [ModelStreamAssembler.Event] = []
        for payload in payloads {
            events.append(try assembler.apply(payload))
        }
        return (events, assembler)
    }

    @Test func eachPayloadSaysWhatItWas() throws {
        let head = [#"{"choices":[{"delta":{"role":"assistant"}}]}"#, " ", #"{"choices":[{"delta":{"content":"Hel"}}]}"#, #" {"choices":[{"delta":{"content":"lo"}}]} "#]
        let (started, open) = try apply(head)
        #expect(started == [.nothing, .nothing, .text("Hel"), .text("lo")])
        #expect(!open.isComplete)
        let finish = #"{"choices":[{"delta":{},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":2,"total_tokens":5}}"#
        let (events, assembler) = try apply(head + [finish, "[DONE]"])
        #expect(events.suffix(2) == [.nothing, .done])
        #expect(assembler.isComplete)
        let turn = assembler.turn()
        #expect(turn.message.content == .text("Hello"))
        #expect(turn.finishReason == "stop")
        #expect(turn.usage?.totalTokens == 5)
    }

    @Test func aFinishReasonOrDoneCompletesAStream() throws {
        #expect(try apply(["[DONE]"]).assembler.isComplete)
        #expect(try apply([#"{"choices":[{"delta":{},"finish_reason":"length"}]}"#]).assembler.isComplete)
        #expect(try !apply([#"{"choices":[{"delta":{"content":"cut"}}]}"#]).assembler.isComplete)
    }

    @Test func aServerErrorInTheStreamCarriesItsMessage() throws {
        let (events, _) = try apply([#"{"error":{"message":"model overloaded","type":"server_error"}}"#])
        #expect(events == [.serverError("model overloaded")])
    }

    @Test func aPayloadThatIsNoChunkIsRefusedWithItsStart() {
        let payload = "not json " + String(repeating: "x", count: 300)
        let error = #expect(throws: ModelStreamAssembler.InvalidChunk.self) { try apply([payload]) }
        #expect(error?.payload.count == 120)
        #expect(error?.payload.hasPrefix("not json") == true)
    }
}
