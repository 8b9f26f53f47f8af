import Foundation

/// One assistant turn assembled from the `data:` payloads of an OpenAI-compatible stream, whatever
/// their boundaries: what ``OpenAIChatClient`` does with a streamed answer, for an app that reads the
/// SSE stream itself (and for the fuzzer, which feeds it any bytes). A pure value: it parses and
/// assembles; reading the stream and reporting errors is the caller's.
public struct ModelStreamAssembler: Sendable {
    /// What one payload was.
    public enum Event: Sendable, Equatable {
        /// A chunk that added this text to the answer.
        case text(String)
        /// A chunk that added no text (a role, a piece of a tool call, usage), or an empty payload.
        case nothing
        /// `[DONE]`: the stream is over.
        case done
        /// An error the server reported inside the stream, with its message.
        case serverError(String)
    }

    /// A payload that is neither a chunk, an error nor `[DONE]`; carries its start for the message.
    public struct InvalidChunk: Error, Sendable {
        /// The payload's first 120 characters.
        public let payload: String
    }

    private var accumulator = TurnAccumulator()
    private var sawDone = false
    /// Shared, as `JSONRPCCoding`'s is: immutable once made, safe for concurrent use, and a stream
    /// sends a payload per token, so one decoder each would be an allocation per token.
    private static let decoder = JSONDecoder()

    /// An empty turn.
    public init() {}

    /// Applies one `data:` payload.
    public mutating func apply(_ payload: String) throws(InvalidChunk) -> Event {
        let data = payload.trimmingCharacters(in: .whitespaces)
        if data == "[DONE]" {
            sawDone = true
            return .done
        }
        if data.isEmpty { return .nothing }
        let bytes = Data(data.utf8)
        if let error = try? Self.decoder.decode(WireErrorBody.self, from: bytes), let message = error.error?.message {
            // Some servers report failures mid-stream as an error event.
            return .serverError(message)
        }
        guard let chunk = try? Self.decoder.decode(ChatCompletionWire.self, from: bytes) else {
            throw InvalidChunk(payload: String(data.prefix(120)))
        }
        return accumulator.apply(chunk).map(Event.text) ?? .nothing
    }

    /// Whether the stream said it was over: `[DONE]` or a finish reason. A stream that ends before
    /// either was cut off.
    public var isComplete: Bool { sawDone || accumulator.finishReason != nil }

    /// The turn so far; tool calls without an id get `callIDPrefix` and their position.
    public func turn(callIDPrefix: String = "call") -> ModelTurn {
        accumulator.turn(callIDPrefix: callIDPrefix)
    }
}
