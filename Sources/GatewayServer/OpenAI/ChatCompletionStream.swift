import Foundation
import ModelClient
import Orchestrator
import Locking

/// Turns a running turn's events into the SSE body of a streamed answer: the text as the model
/// sends it, in every round; each MCP call's start and end on the `lmg` member of an empty
/// chunk; comment lines (`: lmg tool running`) every `keepAlive` while tools run, so proxies
/// keep the stream open; the finish chunk, the summed usage when asked, and `data: [DONE]`.
///
/// Nothing is committed before the turn's first event: a failure before it (the upstream's
/// 429 or 401) is answered as an ordinary error status. Cancelling the body (the client went
/// away) cancels the consumer, hence the turn: its model request and every MCP call in flight.
enum ChatCompletionStream {
    /// The stream's body, or the failure that came before any event.
    static func start(
        _ events: AsyncThrowingStream<OrchestratorEvent, Error>, answer: ChatCompletionAnswer, includeUsage: Bool,
        keepAlive: Duration, model name: String
    ) async -> Result<StreamingBody, OpenAIError> {
        let (chunks, sink) = AsyncStream.makeStream(of: Data.self)
        let started = await withCheckedContinuation { (started: CheckedContinuation<OpenAIError?, Never>) in
            let task = Task {
                await produce(events, into: sink, answer: answer, includeUsage: includeUsage, keepAlive: keepAlive, model: name) {
                    started.resume(returning: $0)
                }
            }
            sink.onTermination = { _ in task.cancel() }
        }
        if let started { return .failure(started) }
        return .success(StreamingBody(chunks: chunks, onCancel: { sink.finish() }))
    }

    /// Consumes the events; calls `begin` exactly once: nil when the first event came, else
    /// the failure that came first (and then writes nothing).
    private static func produce(
        _ events: AsyncThrowingStream<OrchestratorEvent, Error>, into sink: AsyncStream<Data>.Continuation,
        answer: ChatCompletionAnswer, includeUsage: Bool, keepAlive: Duration, model name: String,
        begin: @escaping @Sendable (OpenAIError?) -> Void
    ) async {
        let running = Locked<Set<String>>([])
        var begun = false
        let ticker = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: keepAlive)
                if !running.withLock({ $0.isEmpty }) { sink.yield(Data(": lmg tool running\n\n".utf8)) }
            }
        }
        defer { ticker.cancel() }
        do {
            for try await event in events {
                if !begun {
                    begun = true
                    begin(nil)
                    sink.yield(ChatCompletionAnswer.event(answer.chunk(delta: .object(["role": .string("assistant"), "content": .string("")]))))
                }
                switch event {
                case .textDelta(let piece):
                    sink.yield(ChatCompletionAnswer.event(answer.chunk(delta: .object(["content": .string(piece)]))))
                case .toolCallStarted(let request):
                    running.withLock { _ = $0.insert(request.id) }
                    let call: JSONValue = .object([
                        "id": .string(request.id), "name": .string(request.qualifiedName),
                        "arguments": .string(request.arguments), "status": .string("running"),
                    ])
                    sink.yield(ChatCompletionAnswer.event(answer.chunk(delta: .object([:]), lmg: .object(["tool_call": call]))))
                case .toolCallFinished(let outcome):
                    running.withLock { _ = $0.remove(outcome.request.id) }
                    let call = ChatCompletionAnswer.call(outcome)
                    sink.yield(ChatCompletionAnswer.event(answer.chunk(delta: .object([:]), lmg: .object(["tool_call": call]))))
                case .turnFinished(let summary):
                    if !summary.externalToolCalls.isEmpty {
                        let calls = ChatCompletionAnswer.toolCalls(summary.externalToolCalls, indexed: true)
                        sink.yield(ChatCompletionAnswer.event(answer.chunk(delta: .object(["tool_calls": calls]))))
                    }
                    sink.yield(ChatCompletionAnswer.event(answer.chunk(
                        delta: .object([:]), finishReason: ChatCompletionAnswer.finishReason(summary),
                        lmg: ChatCompletionAnswer.summary(summary))))
                    if includeUsage { sink.yield(ChatCompletionAnswer.event(answer.chunk(delta: nil, usage: summary.usage))) }
                case .toolCallRequested, .toolCallProgress, .usage:
                    break
                }
            }
        } catch {
            let failure = OpenAIError(turnFailure: error, model: name)
            guard begun else {
                begin(failure)
                sink.finish()
                return
            }
            // Too late for a status: the error travels as an event, which SDKs raise.
            sink.yield(ChatCompletionAnswer.event(failure.object))
        }
        if !begun {
            // The stream ended without an event (cancelled before the model answered).
            begin(OpenAIError(turnFailure: CancellationError(), model: name))
            sink.finish()
            return
        }
        sink.yield(ChatCompletionAnswer.done)
        sink.finish()
    }
}
