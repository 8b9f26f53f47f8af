import CurlHTTP
import Foundation
import Locking
import Synchronization
import TestSupport
import Testing

/// Two `lmg serve` replicas on one PostgreSQL database behind nginx, configured with the
/// README's `deploy/nginx-lmg.conf`: what a deployment promises, against the real parts.
@Suite("lmg serve: two replicas behind nginx", .serialized)
struct ReplicasBehindNginxTests {
    static let key = Data((0..<32).map { UInt8(($0 * 11 + 5) & 0xFF) }).base64EncodedString()
    static let builtin = #"{"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#

    /// A database, replicas A and B on it (the config's own server `builtin`, the same session
    /// key), and nginx in front of both; everything stopped afterwards.
    static func withReplicas(_ body: (PostgresServer, ServeProcess, ServeProcess, NginxServer) async throws -> Void) async throws {
        let database = try await PostgresServer.start()
        try await withPeer(database, stop: { await $0.remove() }) { database in
            let config = #"{"server": {"store": "\#(database.urlWithoutPassword)", "allow_stdio_servers": true}, "mcpServers": {"builtin": \#(builtin)}}"#
            let environment = ["PGPASSWORD": database.password, "LMG_SESSION_KEY": key]
            let a = try await ServeProcess.start(config: config, environment: environment)
            try await withPeer(a, stop: { await $0.stop() }) { a in
                let b = try await ServeProcess.start(config: config, environment: environment)
                try await withPeer(b, stop: { await $0.stop() }) { b in
                    let nginx = try await NginxServer.start(replicas: [a.port, b.port])
                    try await withPeer(nginx, stop: { await $0.stop() }) { nginx in
                        try await body(database, a, b, nginx)
                        for replica in [a, b] {
                            #expect(!replica.stderrText.contains(database.password) && !replica.stderrText.contains(key), "no secret printed")
                        }
                    }
                }
            }
        }
    }

    static func call(_ text: String, server: String = "shared") -> String {
        #"{"server_name": "\#(server)", "tool_name": "echo", "arguments": {"text": "\#(text)"}}"#
    }

    /// Whether `response` is the echo tool's answer of `text`.
    static func echoed(_ response: (status: Int, headers: HTTPHeaders, body: String), _ text: String) -> Bool {
        response.status == 200 && response.body.contains(#""\#(text)""#)
    }

    /// Adds `shared` (the built-in server) through A and waits until B calls it.
    static func addShared(_ a: ServeProcess, _ b: ServeProcess) async throws {
        let added = try await a.send("POST", "/mcp/servers", body: #"{"name": "shared", "command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#)
        try #require(added.status == 201, "\(added.body)")
        let served = await PostgresStoreTests.eventually(within: .seconds(20)) {
            (try? await b.send("POST", "/mcp/tools/call", body: call("on b"))).map { echoed($0, "on b") } ?? false
        }
        try #require(served, "B serves what A added")
    }

    @Test func aServerAddedThroughOneReplicaIsListedAndCalledThroughNginx() async throws {
        try await Self.withReplicas { _, a, b, nginx in
            try await Self.addShared(a, b)
            let listed = try await ServeProcess.send("GET", url: nginx.url("/mcp/tools?server_name=shared"))
            #expect(listed.status == 200 && listed.body.contains(#""qualified_name":"shared__echo""#), "\(listed.body.prefix(300))")
            var failures: [String] = []
            for n in 1...200 {
                let answer = try await ServeProcess.send("POST", url: nginx.url("/mcp/tools/call"), body: Self.call("call \(n)"))
                if !Self.echoed(answer, "call \(n)") { failures.append("\(n): \(answer.status) \(answer.body.prefix(200))") }
            }
            #expect(failures.isEmpty, "\(failures.prefix(5))")
            // Round-robin: each replica's access log has calls from nginx.
            for replica in [a, b] {
                #expect(replica.stderrText.components(separatedBy: "/mcp/tools/call").count > 50, "each replica answered a share")
            }
        }
    }

    /// SIGKILL: a crash, calls in flight cut; SIGTERM: a rolling restart, the replica drains.
    @Test(arguments: [SIGKILL, SIGTERM])
    func aReplicaStoppedDuringAThousandCallsLosesNone(_ signal: Int32) async throws {
        try await Self.withReplicas { _, a, b, nginx in
            try await Self.addShared(a, b)
            let progress = CallProgress()
            let url = nginx.url("/mcp/tools/call")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        while true {
                            let n = progress.next.wrappingAdd(1, ordering: .relaxed).newValue
                            guard n <= 1000 else { return }
                            let answer = try await ServeProcess.send("POST", url: url, body: Self.call("call \(n)"))
                            if !Self.echoed(answer, "call \(n)") { progress.failures.withLock { $0.append("\(n): \(answer.status) \(answer.body.prefix(200))") } }
                            progress.done.wrappingAdd(1, ordering: .relaxed)
                        }
                    }
                }
                // A goes a fifth of the way through, calls in flight on it included.
                while progress.done.load(ordering: .relaxed) < 200 { try await Task.sleep(for: .milliseconds(2)) }
                if signal == SIGKILL { await a.crash() } else { #expect(await a.terminate() == 0, "drained and exited 0") }
                try await group.waitForAll()
            }
            #expect(progress.done.load(ordering: .relaxed) == 1000)
            let failed = progress.failures.withLock { $0 }
            #expect(failed.isEmpty, "\(failed.count) failed: \(failed.prefix(5))")
            #expect(!a.process.isRunning)
            #expect(try await b.send("GET", "/readyz").status == 200)
        }
    }

    @Test func anMCPSessionOpenedOnOneReplicaGoesOnThroughNginxWhenThatReplicaIsGone() async throws {
        try await Self.withReplicas { _, a, _, nginx in
            let accept: HTTPHeaders = ["Accept": "application/json, text/event-stream"]
            let opened = try await a.send("POST", "/mcp", body: ServeSessionReplicaTests.initialize, headers: accept)
            #expect(opened.status == 200, "\(opened.body)")
            let session = try #require(opened.headers["Mcp-Session-Id"])
            await a.crash()
            var headers = accept
            headers.replaceOrAdd(name: "Mcp-Session-Id", value: session)
            let notified = try await ServeProcess.send("POST", url: nginx.url("/mcp"), body: #"{"jsonrpc":"2.0","method":"notifications/initialized"}"#, headers: headers)
            #expect(notified.status == 202, "\(notified.body)")
            for n in 1...20 {
                let call = #"{"jsonrpc":"2.0","id":\#(n + 1),"method":"tools/call","params":{"name":"builtin__echo","arguments":{"text":"on \#(n)"}}}"#
                let called = try await ServeProcess.send("POST", url: nginx.url("/mcp"), body: call, headers: headers)
                #expect(called.status == 200 && called.body.contains("on \(n)"), "\(n): \(called.status) \(called.body.prefix(300))")
            }
        }
    }

    @Test func withTheDatabaseStoppedBothReplicasServeAndSayNotReadyThenRecover() async throws {
        try await Self.withReplicas { database, a, b, nginx in
            try await Self.addShared(a, b)
            let ready: (ServeProcess) async -> Int = { (try? await $0.send("GET", "/readyz").status) ?? 0 }
            let (readyA, readyB) = (await ready(a), await ready(b))
            #expect(readyA == 200 && readyB == 200)
            try await database.stop()
            for replica in [a, b] {
                #expect(await PostgresStoreTests.eventually { await ready(replica) == 503 }, "not ready while the database is away")
            }
            for n in 1...20 {
                let answer = try await ServeProcess.send("POST", url: nginx.url("/mcp/tools/call"), body: Self.call("away \(n)"))
                #expect(Self.echoed(answer, "away \(n)"), "what they have, they serve: \(answer.status) \(answer.body.prefix(200))")
            }
            try await database.start()
            for replica in [a, b] {
                #expect(await PostgresStoreTests.eventually(within: .seconds(30)) { await ready(replica) == 200 }, "ready again")
            }
            // And following again: a server added through B is served by A.
            let added = try await b.send("POST", "/mcp/servers", body: #"{"name": "later", "command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#)
            #expect(added.status == 201, "\(added.body)")
            #expect(await PostgresStoreTests.eventually(within: .seconds(20)) {
                (try? await a.send("POST", "/mcp/tools/call", body: Self.call("on a", server: "later"))).map { Self.echoed($0, "on a") } ?? false
            })
        }
    }
}

/// The calls of a load run: the next to send, how many are done, which failed.
private final class CallProgress: Sendable {
    let next = Atomic(0)
    let done = Atomic(0)
    let failures = Locked<[String]>([])
}
