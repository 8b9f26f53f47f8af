import CurlHTTP
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Locking
import TestSupport

/// `lmg serve --port 0` as a real process: started, awaited until it prints its listening line
/// on stderr, and stopped (SIGTERM, then SIGKILL) when the test ends.
final class ServeProcess: Sendable {
    let process: Process
    let port: Int
    /// The config file it serves, for tests that edit it while it runs.
    let configPath: String
    private let stderr = Buffer()

    /// What the process wrote on stderr, appended from the pipe's handler.
    final class Buffer: Sendable {
        let data = Locked(Data())
    }

    /// Starts `lmg serve --config <file written from json> --port 0 extra…`, with `environment`
    /// over the test's own; `XDG_STATE_HOME` is a directory of its own unless set there, so the
    /// default store of servers added over HTTP is never the user's nor another test's.
    static func start(config json: String, _ extra: [String] = [], environment: [String: String] = [:]) async throws -> ServeProcess {
        let path = try writeConfig(json)
        let state = environment["XDG_STATE_HOME"] == nil ? NSTemporaryDirectory() + "lmg-serve-state-\(UUID().uuidString)" : nil
        var env = ProcessInfo.processInfo.environment
        env["XDG_STATE_HOME"] = state
        env.merge(environment) { $1 }
        let all = env
        return try await offPool { try ServeProcess(arguments: ["serve", "--config", path, "--port", "0"] + extra, environment: all, state: state, configPath: path) }
    }

    /// The state directory made for this process, removed by ``stop()``.
    private let state: String?

    private init(arguments: [String], environment: [String: String], state: String?, configPath: String) throws {
        self.state = state
        self.configPath = configPath
        process = Process()
        process.executableURL = URL(fileURLWithPath: Repo.lmgBinary)
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardError = pipe
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let handle = pipe.fileHandleForReading
        let deadline = Date().addingTimeInterval(60)
        var found: Int?
        var seen = Data()
        while found == nil && Date() < deadline {
            let chunk = handle.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
            let text = String(decoding: seen, as: UTF8.self)
            if let range = text.range(of: "lmg serve: listening on http://127.0.0.1:") {
                found = Int(text[range.upperBound...].prefix(while: \.isNumber))
            }
        }
        guard let found else {
            process.terminate()
            process.waitUntilExit()
            if let state { try? FileManager.default.removeItem(atPath: state) }
            throw FixtureError("lmg serve did not say it listens: \(String(decoding: seen, as: UTF8.self))")
        }
        port = found
        stderr.data.withLock { $0 = seen }
        let sink = stderr
        handle.readabilityHandler = { h in
            let data = h.availableData
            sink.data.withLock { $0.append(data) }
        }
    }

    /// Everything the gateway wrote on stderr so far.
    var stderrText: String { String(decoding: stderr.data.withLock { $0 }, as: UTF8.self) }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// One request; the status, headers and body.
    func send(_ method: String, _ path: String, body: String? = nil, headers: HTTPHeaders = [:]) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        try await Self.send(method, url: url(path), body: body, headers: headers)
    }

    /// One request to `url` (this gateway's, or the load balancer's in front of it).
    static func send(_ method: String, url: String, body: String? = nil, headers: HTTPHeaders = [:]) async throws -> (status: Int, headers: HTTPHeaders, body: String) {
        var all = headers
        if body != nil { all.replaceOrAdd(name: "Content-Type", value: "application/json") }
        let response = try await HTTPClient.shared.execute(HTTPRequest(
            method: method, url: url, headers: all, body: body.map { Data($0.utf8) },
            timeouts: HTTPTimeouts(connect: .seconds(5), total: .seconds(30))))
        let data = try await response.body.collect(upTo: 8 << 20)
        return (response.status, response.headers, String(decoding: data, as: UTF8.self))
    }

    /// SIGTERM, and the exit status once it is gone.
    func terminate() async -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        let process = process
        return (try? await offPool {
            process.waitUntilExit()
            return process.terminationStatus
        }) ?? -1
    }

    /// SIGKILL, as a crash or the OOM killer would end it: no request finishes.
    func crash() async {
        kill(process.processIdentifier, SIGKILL)
        let process = process
        _ = try? await offPool { process.waitUntilExit() }
    }

    /// Stops it for good: SIGTERM, then SIGKILL after 5 s; removes the state directory it made.
    func stop() async {
        defer { if let state { try? FileManager.default.removeItem(atPath: state) } }
        let process = process
        _ = try? await offPool { terminateAndWait(process, grace: 5) }
    }
}
