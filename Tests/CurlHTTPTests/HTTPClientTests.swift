import CCurl
@testable import CurlHTTP
import Foundation
import TestSupport
import Testing

/// The engine against a real HTTP server on loopback.
/// Each test gets its own fixture process and engine; deinit stops both.
@Suite("HTTP client", .serialized)
final class HTTPClientTests: @unchecked Sendable {
    let fixture: FixtureProcess
    let client = HTTPClient()

    init() async throws {
        fixture = try await FixtureProcess.python("http_fixture.py")
    }

    deinit {
        client.shutdown()
        fixture.stop()
    }

    func json(_ response: HTTPResponse) async throws -> [String: Any] {
        let data = try await response.body.collect(upTo: 1 << 20)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func postEchoesBodyAndHeaders() async throws {
        var headers = HTTPHeaders()
        headers.add(name: "X-Custom", value: "one")
        headers.add(name: "Content-Type", value: "application/json")
        let body = Data(#"{"hello":"world"}"#.utf8)
        let response = try await client.execute(HTTPRequest(method: "POST", url: fixture.url("/echo"), headers: headers, body: body))
        #expect(response.status == 200)
        #expect(response.headers["content-type"] == "application/json")
        #expect(response.headers["CONTENT-TYPE"] == "application/json")
        let echo = try await json(response)
        #expect(echo["method"] as? String == "POST")
        #expect(echo["body"] as? String == #"{"hello":"world"}"#)
        let sent = try #require(echo["headers"] as? [String: String])
        #expect(sent["x-custom"] == "one")
        #expect(sent["expect"] == nil)
    }

    @Test func largeBodiesArriveWhole() async throws {
        let body = Data(repeating: UInt8(ascii: "a"), count: 300_000)
        let response = try await client.execute(HTTPRequest(method: "PUT", url: fixture.url("/echo"), body: body))
        let echo = try await json(response)
        #expect(echo["method"] as? String == "PUT")
        #expect((echo["body"] as? String)?.count == 300_000)
        let large = try await client.execute(HTTPRequest(url: fixture.url("/large?n=2000000")))
        #expect(try await large.body.collect(upTo: 4 << 20).count == 2_000_000)
    }

    @Test func statusCodesAndDelete() async throws {
        let response = try await client.execute(HTTPRequest(url: fixture.url("/status/404")))
        #expect(response.status == 404)
        #expect(response.headers["x-fixture"] == "yes")
        #expect(String(decoding: try await response.body.collect(upTo: 1024), as: UTF8.self) == "status 404\n")
        let delete = try await client.execute(HTTPRequest(method: "DELETE", url: fixture.url("/echo")))
        #expect(try await json(delete)["method"] as? String == "DELETE")
        let empty = try await client.execute(HTTPRequest(url: fixture.url("/status/204")))
        #expect(empty.status == 204)
        #expect(try await empty.body.collect(upTo: 10).isEmpty)
    }

    @Test func sequentialRequestsReuseTheConnection() async throws {
        var ports: Set<Int> = []
        for _ in 0..<5 {
            let echo = try await json(try await client.execute(HTTPRequest(url: fixture.url("/echo"))))
            ports.insert(try #require(echo["client_port"] as? Int))
        }
        #expect(ports.count == 1, "one connection expected, saw client ports \(ports)")
    }

    @Test func eventsArriveBeforeTheStreamEnds() async throws {
        let key = UUID().uuidString
        let response = try await client.execute(HTTPRequest(url: fixture.url("/sse-hold?key=\(key)")))
        #expect(response.headers["content-type"] == "text/event-stream")
        var events: [SSEEvent] = []
        for try await event in response.body.sseEvents() {
            events.append(event)
            if events.count == 2 {
                // Only released now: the first two events came while the stream was still open.
                _ = try await client.execute(HTTPRequest(url: fixture.url("/release?key=\(key)"))).body.collect(upTo: 100)
            }
        }
        #expect(events == [
            SSEEvent(event: "first", data: "1"),
            SSEEvent(data: "two\nlines", id: "2"),
            SSEEvent(data: "last", id: "2"),
        ])
    }

    @Test func refusedConnectionIsNamedAndNotSent() async throws {
        let port = try freeLoopbackPort()  // bound, then closed: nothing listens
        let url = "http://127.0.0.1:\(port)/mcp"
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await self.client.execute(HTTPRequest(url: url))
        }
        #expect(error?.kind == .couldNotConnect)
        #expect(error?.requestWasNotSent == true)
        #expect(error?.description.hasPrefix("could not connect to \(url)") == true)
        #expect(error?.description.contains("\n") == false)
    }

    /// A host that does not resolve is "not sent". Tested on libcurl's code, not by looking a
    /// name up: a lookup would ask the machine's DNS server, and tests send nothing beyond loopback.
    @Test func unresolvableHost() {
        #expect(CurlLoop.kind(for: CURLE_COULDNT_RESOLVE_HOST) == .couldNotResolveHost)
        #expect(CurlLoop.kind(for: CURLE_COULDNT_RESOLVE_PROXY) == .couldNotResolveHost)
        let error = HTTPClientError(kind: .couldNotResolveHost, url: "http://nowhere/mcp", message: "Could not resolve host: nowhere")
        #expect(error.requestWasNotSent)
        #expect(error.description.hasPrefix("could not resolve the host of http://nowhere/mcp"), "\(error.description)")
        #expect(CurlLoop.kind(for: CURLE_COULDNT_CONNECT) == .couldNotConnect)
        #expect(CurlLoop.kind(for: CURLE_OPERATION_TIMEDOUT) == nil, "timeouts need the transfer's timings")
    }

    @Test func invalidURL() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await self.client.execute(HTTPRequest(url: "ftp://example.com/x"))
        }
        #expect(error?.kind == .invalidURL)
    }

    @Test func totalTimeout() async throws {
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await self.client.execute(HTTPRequest(url: self.fixture.url("/never"), timeouts: HTTPTimeouts(total: .milliseconds(300))))
        }
        #expect(error?.kind == .timedOut(.total))
        #expect(error?.requestWasNotSent == false)
    }

    @Test func idleTimeout() async throws {
        let response = try await client.execute(HTTPRequest(url: fixture.url("/stall"), timeouts: HTTPTimeouts(idle: .seconds(1))))
        let error = await #expect(throws: HTTPClientError.self) {
            _ = try await response.body.collect(upTo: 1 << 20)
        }
        #expect(error?.kind == .timedOut(.idle))
    }

    @Test func truncatedBodyFails() async throws {
        let response = try await client.execute(HTTPRequest(url: fixture.url("/cut")))
        await #expect(throws: HTTPClientError.self) { _ = try await response.body.collect(upTo: 1 << 20) }
    }

    @Test func bodyLimit() async throws {
        let response = try await client.execute(HTTPRequest(url: fixture.url("/large?n=5000")))
        let error = await #expect(throws: HTTPClientError.self) { _ = try await response.body.collect(upTo: 1000) }
        #expect(error?.kind == .bodyTooLarge)
    }

    @Test func cancellingExecuteAbortsPromptly() async throws {
        let started = ContinuousClock.now
        let task = Task { try await self.client.execute(HTTPRequest(url: self.fixture.url("/never"))) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        // A bound to catch hangs only, far above the expected few milliseconds.
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func cancellingBodyIterationAbortsPromptly() async throws {
        let response = try await client.execute(HTTPRequest(url: fixture.url("/stall")))
        let started = ContinuousClock.now
        let task = Task {
            var chunks = 0
            for try await _ in response.body { chunks += 1 }
            return chunks
        }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        _ = try? await task.value
        #expect(ContinuousClock.now - started < .seconds(5))
        // The engine is still healthy afterwards.
        #expect(try await client.execute(HTTPRequest(url: fixture.url("/status/200"))).status == 200)
    }

    /// The engine polls briefly after traffic instead of sleeping at once; an open stream with
    /// nothing on it is not traffic, so the thread must sleep (a spinning one would use ~1 s).
    @Test func aQuietOpenStreamLetsTheEngineSleep() async throws {
        let response = try await client.execute(HTTPRequest(url: fixture.url("/sse-hold?key=quiet")))
        var events = response.body.sseEvents().makeAsyncIterator()
        _ = try await events.next()
        _ = try await events.next()
        try await Task.sleep(for: .milliseconds(100))
        let before = try #require(client.threadCPUTime)
        try await Task.sleep(for: .seconds(1))
        let used = try #require(client.threadCPUTime) - before
        #expect(used < .milliseconds(200), "the engine used \(used) of CPU in 1 s with nothing to do")
        _ = try await client.execute(HTTPRequest(url: fixture.url("/release?key=quiet"))).body.collect(upTo: 1024)
        #expect(try await events.next()?.data == "last")
    }

    @Test func manyConcurrentRequests() async throws {
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for i in 0..<50 {
                group.addTask {
                    let response = try await self.client.execute(HTTPRequest(method: "POST", url: self.fixture.url("/echo"), body: Data("n\(i)".utf8)))
                    let data = try await response.body.collect(upTo: 1 << 20)
                    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
                    return object?["body"] as? String ?? ""
                }
            }
            var all: Set<String> = []
            for try await body in group { all.insert(body) }
            return all
        }
        #expect(results == Set((0..<50).map { "n\($0)" }))
    }

    @Test func shutdownFailsTransfersInFlight() async throws {
        let engine = HTTPClient()
        let task = Task { try await engine.execute(HTTPRequest(url: self.fixture.url("/never"))) }
        try await Task.sleep(for: .milliseconds(200))
        engine.shutdown()
        let error = await #expect(throws: HTTPClientError.self) { _ = try await task.value }
        #expect(error?.kind == .shutdown)
    }

    /// A task running on the engine's thread is resumed by shutdown too, and keeps running after it.
    @Test func shutdownResumesTasksThatPreferTheEngine() async throws {
        let engine = HTTPClient()
        let url = fixture.url("/never")
        let task = Task(executorPreference: engine.executor) { () -> HTTPClientError.Kind? in
            do {
                _ = try await engine.execute(HTTPRequest(url: url))
                return nil
            } catch let error as HTTPClientError {
                try? await Task.sleep(for: .milliseconds(10))  // more work after the loop is gone
                return error.kind
            } catch {
                return nil
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        engine.shutdown()
        // A hang shows as the 10 s sleep finishing first.
        let kind = await withTaskGroup(of: HTTPClientError.Kind??.self) { group in
            group.addTask { await task.value }
            group.addTask { try? await Task.sleep(for: .seconds(10)); return .some(nil) }
            defer { group.cancelAll() }
            return await group.next()!
        }
        #expect(kind == .some(.shutdown), "the task was not resumed by shutdown")
    }

    /// Many sequential requests on the reused connection: every one answered, none lost or
    /// mixed up (a stale pooled connection or a leaked easy handle shows here first).
    @Test func sequentialRequestsOnOneConnectionAllSucceed() async throws {
        for index in 0..<1000 {
            let response = try await client.execute(HTTPRequest(method: "POST", url: fixture.url("/status/200"), body: Data("{}".utf8)))
            let body = try await response.body.collect(upTo: 1024)
            guard response.status == 200 else {
                Issue.record("request \(index) answered \(response.status): \(String(decoding: body, as: UTF8.self))")
                return
            }
        }
    }
}
