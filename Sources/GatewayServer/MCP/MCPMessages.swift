import Foundation
import JSONRPC
import MCP

/// The wire pieces of `/mcp`: error bodies, params, SSE events and streamed answers.
extension GatewayAPI {
    /// An HTTP refusal with a JSON-RPC error body (id null), which MCP clients know how to show.
    static func mcpError(_ status: Int, code: Int, _ message: String) -> APIResponse {
        APIResponse(
            status: status, headers: ["Content-Type": "application/json"],
            body: JSONRPCCoding.errorResponse(id: nil, error: JSONRPCErrorObject(code: code, message: message)))
    }

    /// A message's `params` object (empty when absent or not an object).
    static func params(of message: JSONRPCMessage) -> [String: Value] {
        if case .object(let params)? = message.paramsValue { return params }
        return [:]
    }

    /// Whether a request's `_meta` carries a progress token.
    static func asksProgress(_ params: [String: Value]) -> Bool {
        if case .object(let meta)? = params["_meta"], meta["progressToken"] != nil { return true }
        return false
    }

    static func id(_ value: Value?) -> JSONRPCID? {
        switch value {
        case .int(let number)?: .int(number)
        case .string(let text)?: .string(text)
        case .double(let number)? where number.rounded() == number && abs(number) < 1e15: .int(Int(number))
        default: nil
        }
    }

    /// One JSON-RPC message as one SSE event.
    static func event(_ message: Data) -> Data {
        var event = Data("event: message\ndata: ".utf8)
        event.append(message)
        event.append(contentsOf: "\n\n".utf8)
        return event
    }

    /// A `text/event-stream` answer whose events `produce` writes, with a comment line every
    /// `keepAlive` (when given) so proxies leave a quiet stream open, holding at most `limit`
    /// chunks for a reader that falls behind (unbounded without). The client going away
    /// calls `onCancel` and, when `cancelsOnDisconnect`, cancels `produce` (and what it runs).
    static func eventStream(
        cancelsOnDisconnect: Bool = true, keepAlive: Duration? = nil, limit: Int? = nil, onCancel: @escaping @Sendable () -> Void = {},
        _ produce: @escaping @Sendable (AsyncStream<Data>.Continuation) async -> Void
    ) -> APIResponse {
        // `limit`: at most that many chunks wait for a slow reader (a yield past it says `.dropped`).
        let (chunks, sink) = AsyncStream.makeStream(of: Data.self, bufferingPolicy: limit.map { .bufferingNewest($0) } ?? .unbounded)
        let task = Task {
            let ticker = keepAlive.map { interval in
                Task {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: interval)
                        if case .terminated = sink.yield(Data(": keep-alive\n\n".utf8)) { return }
                    }
                }
            }
            await produce(sink)
            ticker?.cancel()
            sink.finish()
        }
        sink.onTermination = { _ in
            if cancelsOnDisconnect { task.cancel() }
            onCancel()
        }
        var response = APIResponse(status: 200, headers: ["Content-Type": "text/event-stream", "Cache-Control": "no-cache", "X-Accel-Buffering": "no"])
        response.stream = StreamingBody(chunks: chunks, onCancel: { sink.finish() })
        return response
    }
}
