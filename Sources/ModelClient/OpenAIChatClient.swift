import CurlHTTP
import Foundation
import Tracing

/// A Chat Completions client for any OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp,
/// Ollama, OpenRouter…), on the project's libcurl engine.
///
/// Streams when the config says so (the default), assembling tool calls from deltas whatever
/// their boundaries. 429 and 5xx answers are retried with backoff, honouring `Retry-After`;
/// other failures become one-line ``ModelClientError``s.
public struct OpenAIChatClient: ChatModel {
    public let config: ModelConfig
    /// How often, and how long apart, 429 and 5xx answers are retried.
    public var retry: RetryPolicy
    /// A `Retry-After` longer than this is not waited for: the error is reported instead.
    public var maxRetryAfter: Duration
    private let http: HTTPClient

    public init(
        config: ModelConfig, retry: RetryPolicy = RetryPolicy(base: .milliseconds(500), cap: .seconds(8), attempts: 4),
        maxRetryAfter: Duration = .seconds(60), http: HTTPClient = .shared
    ) {
        self.config = config
        self.retry = retry
        self.maxRetryAfter = maxRetryAfter
        self.http = http
    }

    public var modelName: String { config.modelName }

    /// `<base_url>/chat/completions`, or the base URL itself when it already names that path.
    public var endpoint: String {
        let base = (config.baseURL ?? "").trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return base.hasSuffix("/chat/completions") ? base : base + "/chat/completions"
    }

    public func complete(_ request: ChatRequest, onTextDelta: @escaping @Sendable (String) -> Void) async throws -> ModelTurn {
        guard let base = config.baseURL, !base.isEmpty else {
            throw ModelClientError(.notConfigured, url: "", "")
        }
        var request = request
        request.model = request.model ?? modelName
        request.temperature = request.temperature ?? config.temperature
        request.maxTokens = request.maxTokens ?? config.maxTokens
        request.stream = config.stream
        let body = try JSONEncoder().encode(request)
        var attempt = 0
        while true {
            do {
                return try await send(body, model: request.model ?? modelName, stream: config.stream, onTextDelta: onTextDelta)
            } catch let failure as RetryableFailure {
                attempt += 1
                let wait = failure.retryAfter ?? retry.delay(forRetry: attempt - 1)
                guard attempt < retry.attempts, wait <= maxRetryAfter else {
                    var error = failure.error
                    error.retryAfter = failure.retryAfter
                    throw error
                }
                try await Task.sleep(for: wait)
            }
        }
    }

    /// A 429 or 5xx that may succeed later.
    private struct RetryableFailure: Error {
        var error: ModelClientError
        var retryAfter: Duration?
    }

    /// One attempt, as one client span (OpenTelemetry's GenAI conventions: model, tokens; never
    /// the messages), whose trace context goes to the endpoint in `traceparent`.
    private func send(_ body: Data, model: String, stream: Bool, onTextDelta: @escaping @Sendable (String) -> Void) async throws -> ModelTurn {
        try await withSpan("chat \(model)", ofKind: .client) { span in
            span.attributes["gen_ai.operation.name"] = "chat"
            span.attributes["gen_ai.request.model"] = model
            span.attributes["http.request.body.size"] = body.count
            if let host = URLComponents(string: endpoint)?.host { span.attributes["server.address"] = host }
            let turn = try await exchange(body, stream: stream, span: span, onTextDelta: onTextDelta)
            if let usage = turn.usage {
                span.attributes["gen_ai.usage.input_tokens"] = usage.promptTokens
                span.attributes["gen_ai.usage.output_tokens"] = usage.completionTokens
            }
            if let reason = turn.finishReason { span.attributes["gen_ai.response.finish_reasons"] = [reason] }
            return turn
        }
    }

    private func exchange(_ body: Data, stream: Bool, span: any Span, onTextDelta: @escaping @Sendable (String) -> Void) async throws -> ModelTurn {
        var headers = config.requestHeaders(streaming: stream)
        TracePropagation.inject(into: &headers)
        let timeouts = config.timeouts(streaming: stream)
        let url = endpoint
        let response: HTTPResponse
        do {
            response = try await http.execute(HTTPRequest(method: "POST", url: url, headers: headers, body: body, timeouts: timeouts))
        } catch let error as HTTPClientError {
            throw translate(error)
        }
        span.attributes["http.response.status_code"] = response.status
        guard response.status == 200 else { throw try await failure(response) }
        do {
            let contentType = response.headers["Content-Type"]?.lowercased() ?? ""
            if stream && contentType.contains("text/event-stream") {
                return try await readStream(response, onTextDelta: onTextDelta)
            }
            return try await readPlain(response, onTextDelta: onTextDelta)
        } catch let error as HTTPClientError {
            throw translate(error)
        }
    }

    private func readStream(_ response: HTTPResponse, onTextDelta: @Sendable (String) -> Void) async throws -> ModelTurn {
        var assembler = ModelStreamAssembler()
        reading: for try await event in response.body.sseEvents() {
            let applied: ModelStreamAssembler.Event
            do {
                applied = try assembler.apply(event.data)
            } catch {
                throw ModelClientError(.invalidResponse, url: endpoint, "a stream event is not a chunk: \(error.payload)")
            }
            switch applied {
            case .done: break reading
            case .serverError(let message): throw ModelClientError(.serverError(status: 200), url: endpoint, message)
            case .text(let piece): onTextDelta(piece)
            case .nothing: continue
            }
        }
        try Task.checkCancellation()
        if !assembler.isComplete {
            throw ModelClientError(.invalidResponse, url: endpoint, "the stream ended before the answer was complete")
        }
        return assembler.turn()
    }

    private func readPlain(_ response: HTTPResponse, onTextDelta: @Sendable (String) -> Void) async throws -> ModelTurn {
        let data = try await response.body.collect(upTo: 64 << 20)
        let decoded: ChatCompletionWire
        do {
            decoded = try JSONDecoder().decode(ChatCompletionWire.self, from: data)
        } catch {
            throw ModelClientError(.invalidResponse, url: endpoint, "not JSON: \(String(decoding: data.prefix(120), as: UTF8.self))")
        }
        guard let choice = decoded.choices?.first else {
            throw ModelClientError(.invalidResponse, url: endpoint, "the answer has no choices")
        }
        var turn = TurnAccumulator()
        turn.apply(message: choice.message ?? WireMessage(), finishReason: choice.finishReason, usage: decoded.usage)
        if !turn.text.isEmpty { onTextDelta(turn.text) }
        return turn.turn()
    }

    /// A non-200 answer as an error; 429 and 5xx as retryable.
    private func failure(_ response: HTTPResponse) async throws -> Error {
        let data = (try? await response.body.collect(upTo: 64 << 10)) ?? Data()
        let parsed = try? JSONDecoder().decode(WireErrorBody.self, from: data)
        let text = String(decoding: data.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let message = parsed?.bestMessage ?? (text.isEmpty ? "HTTP \(response.status)" : text.replacingOccurrences(of: "\n", with: " "))
        let status = response.status
        switch status {
        case 401, 403:
            return ModelClientError(.unauthorized, url: endpoint, "HTTP \(status): \(message)")
        case 429:
            return RetryableFailure(
                error: ModelClientError(.rateLimited, url: endpoint, message),
                retryAfter: RetryAfter.delay(response.headers["Retry-After"]))
        case 500...599:
            return RetryableFailure(
                error: ModelClientError(.serverError(status: status), url: endpoint, message),
                retryAfter: RetryAfter.delay(response.headers["Retry-After"]))
        default:
            return ModelClientError(.rejected(status: status), url: endpoint, message)
        }
    }

    private func translate(_ error: HTTPClientError) -> Error {
        switch error.kind {
        case .cancelled: return CancellationError()
        case .timedOut: return ModelClientError(.timedOut, url: endpoint, error.description)
        case .invalidURL, .couldNotConnect, .couldNotResolveHost, .tlsFailure:
            return ModelClientError(.unreachable, url: endpoint, error.message.isEmpty ? "\(error.kind)" : error.message)
        default: return ModelClientError(.invalidResponse, url: endpoint, error.description)
        }
    }
}
