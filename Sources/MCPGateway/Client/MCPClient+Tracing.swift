import CurlHTTP
import JSONRPC
import Tracing

extension MCPClient {
    /// One exchange: the response message, or the server's JSON-RPC error thrown. One client
    /// span (server, method, target, sizes; never arguments), whose trace context the server gets
    /// in `_meta` (`traceparent`, `tracestate`) and, over HTTP, in the same-named headers.
    func requestOnce<P: Encodable>(
        _ method: String, params: (JSONRPCID) -> P?, timeout: Duration?, progress: MCPProgressHandler?, allowedBeforeReady: Bool, extras: RequestExtras
    ) async throws -> JSONRPCMessage {
        // Spans only inside a trace (a request, a turn): the manager's own connects, lists and
        // health checks would otherwise each be a trace of one span.
        guard InstrumentationContext.current != nil else {
            return try await exchangeOnce(
                method, params: params, timeout: timeout, progress: progress, allowedBeforeReady: allowedBeforeReady, extras: extras,
                trace: [], span: nil)
        }
        return try await withSpan(extras.name.map { "\(method) \($0)" } ?? method, ofKind: .client) { span in
            span.attributes["mcp.method.name"] = method
            span.attributes["lmg.mcp.server"] = name
            if method == "tools/call", let tool = extras.name { span.attributes["gen_ai.tool.name"] = tool }
            if let arguments = extras.tracedArguments { span.attributes["gen_ai.tool.call.arguments"] = arguments }
            let message = try await exchangeOnce(
                method, params: params, timeout: timeout, progress: progress, allowedBeforeReady: allowedBeforeReady, extras: extras,
                trace: TracePropagation.headers(), span: span)
            span.attributes["lmg.mcp.response.size"] = message.raw.count
            return message
        }
    }
}
