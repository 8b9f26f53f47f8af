import CurlHTTP
import Foundation
import TestSupport
import Testing

/// `/openapi.json` of a real `lmg serve` with the built-in server behind it, checked by the
/// tools people check OpenAPI documents with: openapi-spec-validator (the document is valid
/// OpenAPI 3.1) and schemathesis (fuzzing every operation gives no 5xx and no status, content
/// type, header or body the document does not describe).
@Suite("lmg serve: OpenAPI, checked by openapi-spec-validator and schemathesis", .serialized)
struct GatewayOpenAPILiveTests {
    static let key = "openapi-admin-key-7"

    /// A fresh directory, removed when `body` ends.
    static func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
        let path = NSTemporaryDirectory() + "lmg-openapi-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path + "/root", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try await body(path)
    }

    /// The gateway with an admin key (so the document has its security scheme), the built-in
    /// server rooted in an empty temporary directory (so no call reads a file outside it), and
    /// servers added over HTTP held to 127.0.0.1 (so a fuzzed URL never leaves loopback: other
    /// hosts are refused before any lookup).
    static func serve(_ dir: String) async throws -> ServeProcess {
        try "hello\n".write(toFile: dir + "/root/note.txt", atomically: true, encoding: .utf8)
        let builtin = #"{"command": "\#(Repo.lmgBinary)", "args": ["mcp-server", "--root", "\#(dir)/root"]}"#
        return try await ServeProcess.start(config: #"""
            {"mcpServers": {"builtin": \#(builtin)},
             "server": {"api_keys": [{"key": "\#(key)", "name": "ci", "role": "admin"}], "allowed_url_hosts": ["127.0.0.1"]}}
            """#)
    }

    /// Runs a Python module's entry point in `dir` (schemathesis keeps its example database in
    /// the working directory).
    static func python(_ code: String, in dir: String, _ arguments: [String], timeout: TimeInterval) async throws -> CommandResult {
        try await runProcess("/usr/bin/env", [Repo.python, "-c", "import os, sys; os.chdir(sys.argv[1]); sys.argv = sys.argv[1:]; " + code, dir] + arguments, timeout: timeout)
    }

    @Test func theDocumentIsValidAndSchemathesisFindsNothing() async throws {
        try await Self.withTemporaryDirectory { dir in
            let serve = try await Self.serve(dir)
            try await withPeer(serve, stop: { await $0.stop() }) { serve in
                let auth: HTTPHeaders = ["Authorization": "Bearer \(Self.key)"]
                #expect(try await serve.send("GET", "/openapi.json").status == 401, "the document needs a key when keys are set")
                let document = try await serve.send("GET", "/openapi.json", headers: auth)
                #expect(document.status == 200)
                try document.body.write(toFile: dir + "/openapi.json", atomically: true, encoding: .utf8)
                #expect(document.body.contains("/tools/builtin/read_file"), "\(document.body.prefix(300))")

                let valid = try await Self.python(
                    "from openapi_spec_validator.__main__ import main; sys.exit(main(sys.argv[1:]))", in: dir, ["openapi.json"], timeout: 60)
                #expect(valid.status == 0, "openapi-spec-validator: \(valid)")

                // Every check, on every operation, with one worker (the other suites run beside it).
                // A fixed seed keeps CI reproducible; 20 examples an operation take about 30 s on an
                // idle 2-core machine (the timeout allows for a loaded one). Nothing is excluded: the
                // built-in server's tools are safe to fuzz (rooted in `dir`), and servers added over
                // HTTP are held to 127.0.0.1.
                let run = try await Self.python(
                    "from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; schemathesis()", in: dir, [
                        "run", serve.url("/openapi.json"), "--header", "Authorization: Bearer \(Self.key)",
                        "--checks", "all", "--workers", "1", "--max-examples", "20", "--seed", "20261202", "--request-timeout", "20",
                        "--no-color", "--output-truncate", "false",
                    ], timeout: 480)
                #expect(run.status == 0, "schemathesis found problems:\n\(run.stdout)\n\(run.stderr)")
                #expect(run.stdout.contains("Tested: 20"), "schemathesis did not test every operation:\n\(run.stdout)")
            }
        }
    }
}
