import Tracing

/// The W3C trace context (`traceparent`, `tracestate`) of the calling task, for an outgoing
/// request: what lets a model endpoint or an MCP server join the caller's trace. Empty when no
/// tracer is bootstrapped (`lmg` without `OTEL_*` settings), so nothing changes on the wire then.
public enum TracePropagation {
    /// The headers for `context` (the current task's by default), as the bootstrapped instrument writes them.
    public static func headers(_ context: InstrumentationContext? = .current) -> [(String, String)] {
        guard let context else { return [] }
        var carrier: [(String, String)] = []
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: PairInjector())
        return carrier
    }

    /// The same into an `HTTPHeaders` value.
    public static func inject(into headers: inout HTTPHeaders, _ context: InstrumentationContext? = .current) {
        for (name, value) in Self.headers(context) { headers.replaceOrAdd(name: name, value: value) }
    }

    private struct PairInjector: Injector {
        func inject(_ value: String, forKey key: String, into carrier: inout [(String, String)]) {
            carrier.append((key, value))
        }
    }
}
