import ModelClient
import Locking

/// A request the cassette has no recording of, in replay: the test fails with what differs.
public struct CassetteMiss: Error, Sendable, CustomStringConvertible {
    /// What differs from the nearest recorded request; empty when nothing is recorded.
    public var differences: [String]
    public var cassette: String

    public var description: String {
        differences.isEmpty
            ? "no recording in \(cassette) (record it: lmg prompt test --record once)"
            : "request not in \(cassette): \(differences.joined(separator: "; ")) (re-record: --record new or rewrite)"
    }
}

/// The model of one prompt-test run: answers from the cassette where a recording exists,
/// else from the live model when the record mode allows (keeping the answer), else fails with
/// a ``CassetteMiss``. Streams recorded text in the pieces it was recorded in.
public actor CassetteModel: ChatModel {
    public nonisolated let modelName: String
    private let live: (any ChatModel)?
    private let recordsMissing: Bool
    private let path: String
    private(set) var cassette: Cassette
    private var played: Set<Int> = []
    /// Interactions recorded in this run.
    public private(set) var recorded = 0
    /// Recorded model time minus replay time, over the answers replayed so far: added to a
    /// turn's measured time, it gives the latency the turn had when recorded (`maxLatencyMs`).
    public private(set) var replayedTimeShiftMs = 0.0

    /// `existing` is replayed; with `live` and `recordsMissing`, requests it lacks are recorded.
    /// `rewrite` passes no existing cassette.
    public init(cassette: Cassette, path: String, live: (any ChatModel)?, recordsMissing: Bool, modelName: String) {
        self.cassette = cassette
        self.path = path
        self.live = live
        self.recordsMissing = recordsMissing
        self.modelName = modelName
    }

    public func complete(_ request: ChatRequest, onTextDelta: @escaping @Sendable (String) -> Void) async throws -> ModelTurn {
        try await answer(request, modelName: modelName, live: live, onTextDelta: onTextDelta)
    }

    /// A request to another model through the same cassette (the judge of `judge` checks): keyed
    /// by that model's name, recorded from `live` when this run records.
    public func complete(_ request: ChatRequest, by other: String, live otherLive: (any ChatModel)?) async throws -> ModelTurn {
        try await answer(request, modelName: other, live: otherLive, onTextDelta: { _ in })
    }

    private func answer(
        _ request: ChatRequest, modelName: String, live: (any ChatModel)?, onTextDelta: @escaping @Sendable (String) -> Void
    ) async throws -> ModelTurn {
        let canonical = RequestKey.canonical(request, modelName: modelName, repeatIndex: cassette.repeatIndex)
        let key = RequestKey.hash(canonical)
        let matches = cassette.interactions.indices.filter { cassette.interactions[$0].key == key }
        if let index = matches.first(where: { !played.contains($0) }) ?? matches.first {
            let started = ContinuousClock.now
            played.insert(index)
            let response = cassette.interactions[index].response
            for delta in response.deltas ?? [] { onTextDelta(delta) }
            if let recorded = response.latencyMs { replayedTimeShiftMs += recorded - (ContinuousClock.now - started).milliseconds }
            return ModelTurn(message: response.message, finishReason: response.finishReason, usage: response.usage)
        }
        guard recordsMissing, let live else {
            let nearest = RequestDiff.nearest(to: canonical, in: cassette.interactions.map(\.request))
            throw CassetteMiss(differences: nearest.map { RequestDiff.differences(recorded: $0, now: canonical) } ?? [], cassette: path)
        }
        let deltas = DeltaLog()
        let started = ContinuousClock.now
        let turn = try await live.complete(request) { piece in
            deltas.append(piece)
            onTextDelta(piece)
        }
        let latency = ((ContinuousClock.now - started).milliseconds * 10).rounded() / 10
        let pieces = deltas.pieces
        cassette.interactions.append(.init(
            key: key, request: canonical,
            response: .init(
                message: turn.message, finishReason: turn.finishReason, usage: turn.usage, deltas: pieces.isEmpty ? nil : pieces, latencyMs: latency)))
        played.insert(cassette.interactions.count - 1)
        recorded += 1
        return turn
    }

    /// Recordings this run never asked for: a sign the template or its tools changed.
    public var unplayed: Int { cassette.interactions.count - played.count }

    /// The cassette with what this run recorded.
    public var contents: Cassette { cassette }

    func setToolRecording(_ tools: Cassette.ToolRecording?) { cassette.tools = tools }
}

/// The text pieces of one streamed answer, collected from the model client's callback.
final class DeltaLog: Sendable {
    private let stored = Locked<[String]>([])

    func append(_ piece: String) { stored.withLock { $0.append(piece) } }
    var pieces: [String] { stored.withLock { $0 } }
}
