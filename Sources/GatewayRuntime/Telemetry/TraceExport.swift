import Foundation
import Logging
import OTel
import ServiceLifecycle
import Tracing

/// Spans exported over OTLP/HTTP (swift-otel) when the environment asks for them with the
/// standard `OTEL_*` variables, for every front end alike: `lmg serve`, `lmg run`, `lmg chat`.
/// Without them no tracer is bootstrapped and every span in lmg costs next to nothing.
public final class TraceExport: Sendable {
    private let group: ServiceGroup
    private let running: Task<Void, Never>

    private init(_ service: some Service) {
        let group = ServiceGroup(services: [service], logger: Logger(label: "lmg.traces"))
        self.group = group
        running = Task { try? await group.run() }
    }

    /// Whether `environment` asks for traces: an OTLP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`,
    /// `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) or `OTEL_TRACES_EXPORTER=otlp`, and not
    /// `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`.
    public static func wanted(_ environment: [String: String]) -> Bool {
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        if let exporter = environment["OTEL_TRACES_EXPORTER"]?.lowercased(), !exporter.isEmpty { return exporter != "none" }
        return [environment["OTEL_EXPORTER_OTLP_ENDPOINT"], environment["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]]
            .contains { !($0 ?? "").isEmpty }
    }

    /// Bootstraps the process's tracer and starts exporting, or nil when `environment` does not
    /// ask for traces. Call once, before any span. A setting lmg cannot use is an error naming it.
    public static func start(environment: [String: String] = ProcessInfo.processInfo.environment) throws(TraceExportError) -> TraceExport? {
        guard wanted(environment) else { return nil }
        try check(environment)
        var configuration = OTel.Configuration.default
        configuration.serviceName = "lmg"
        configuration.diagnosticLogLevel = .warning
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        configuration.traces.exporter = .otlp
        configuration.traces.otlpExporter.protocol = .httpProtobuf
        let service: any Service
        do {
            service = try OTel.bootstrap(configuration: configuration, environment: environment)
        } catch {
            throw TraceExportError(variable: "OTEL_*", reason: "\(error)")
        }
        return TraceExport(service)
    }

    /// The values lmg refuses rather than letting the exporter fail later: it exports traces
    /// over OTLP/HTTP only (no gRPC in this build).
    static func check(_ environment: [String: String]) throws(TraceExportError) {
        for variable in ["OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"] {
            guard let value = environment[variable], !value.isEmpty else { continue }
            guard ["http/protobuf", "http/json"].contains(value) else {
                throw TraceExportError(variable: variable, reason: "is '\(value)': lmg exports traces over http/protobuf or http/json")
            }
        }
        if let exporter = environment["OTEL_TRACES_EXPORTER"], !["", "otlp", "none"].contains(exporter.lowercased()) {
            throw TraceExportError(variable: "OTEL_TRACES_EXPORTER", reason: "is '\(exporter)': lmg exports traces with otlp (or none)")
        }
        for variable in ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] {
            guard let value = environment[variable], !value.isEmpty else { continue }
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw TraceExportError(variable: variable, reason: "is not an http:// or https:// URL")
            }
        }
    }

    /// Sends the spans still queued and stops, waiting at most `limit` (a collector that is
    /// down must not hold the exit).
    public func finish(within limit: Duration = .seconds(5)) async {
        await group.triggerGracefulShutdown()
        let running = running
        await withTaskGroup(of: Void.self) { waiting in
            waiting.addTask { await running.value }
            waiting.addTask { try? await Task.sleep(for: limit) }
            await waiting.next()
            waiting.cancelAll()
        }
        running.cancel()
    }
}

/// A tracing setting lmg cannot use: the variable and what is wrong (never a header's value).
public struct TraceExportError: Error, CustomStringConvertible, Sendable {
    public let variable: String
    public let reason: String

    public var description: String { "\(variable) \(reason)" }
}
