import Foundation
import TestSupport
import Testing

@Suite("lmg: inspection commands")
struct InspectionCommandTests {
    @Test func toolsJSONHasTheDocumentedKeys() async throws {
        let path = try writeConfig(BadInputTests.timeServer)
        let result = try await runLMG(["tools", "--json", "--config", path])
        #expect(result.status == 0, "\(result)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        #expect(rows.count == 2)
        for row in rows {
            for key in ["server", "name", "description", "inputSchema"] { #expect(row[key] != nil, "missing \(key)") }
            #expect(row["server"] as? String == "time")
        }
    }

    @Test func toolNameClashesAreResolvedAndNamed() async throws {
        // "my.srv" and "my_srv" both sanitize to "my_srv": their echo tools would share a name.
        let builtin = #"{"command": "\#(Repo.lmgBinary)", "args": ["mcp-server"]}"#
        let path = try writeConfig(#"{"mcpServers": {"my.srv": \#(builtin), "my_srv": \#(builtin)}}"#)
        let result = try await runLMG(["tools", "--json", "--config", path])
        #expect(result.status == 0, "\(result)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let names = rows.compactMap { $0["qualifiedName"] as? String }
        #expect(names.count == rows.count && Set(names).count == names.count, "every tool keeps a name of its own: \(names)")
        #expect(names.contains("my_srv__echo"))
        #expect(names.allSatisfy { $0.range(of: "^[a-zA-Z0-9_-]{1,64}$", options: .regularExpression) != nil })
        let clashes = result.stderrLines.filter { $0.contains("name clash") }
        #expect(clashes.count == rows.count / 2, "\(result.stderr)")
        #expect(clashes.first?.contains("my_srv") == true)
    }

    @Test func callTypesArgumentsBySchemaAndPrintsJSON() async throws {
        let path = try writeConfig(BadInputTests.timeServer)
        let result = try await runLMG(["call", "time", "convert_time", "source_timezone=UTC", "time=12:00", "target_timezone=Asia/Tokyo", "--json", "--config", path])
        #expect(result.status == 0, "\(result)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let content = try #require(object["content"] as? [[String: Any]])
        #expect(content.first?["type"] as? String == "text")
        #expect((content.first?["text"] as? String)?.contains("21:00") == true)
    }

    @Test func serversJSON() async throws {
        let path = try writeConfig(#"{"mcpServers": {"time": {"command": "\#(Repo.python)", "args": ["-m", "mcp_server_time"]}, "off": {"command": "x", "enabled": false}}}"#)
        let result = try await runLMG(["servers", "--json", "--config", path])
        #expect(result.status == 0, "\(result)")
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
        let byName = Dictionary(uniqueKeysWithValues: rows.map { ($0["name"] as! String, $0) })
        #expect(byName["time"]?["state"] as? String == "ready")
        #expect(byName["time"]?["transport"] as? String == "stdio")
        #expect(byName["time"]?["tools"] as? Int == 2)
        #expect(byName["off"]?["state"] as? String == "disabled")
    }

    @Test func benchReportsTheDocumentedKeys() async throws {
        let path = try writeConfig(BadInputTests.timeServer)
        let result = try await runProcess(Repo.benchBinary, ["call", "time", "get_current_time", "timezone=UTC", "-n", "20", "--warmup", "2", "--json", "--config", path])
        #expect(result.status == 0, "\(result)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        for key in ["calls", "seconds", "calls_per_second", "p50_ms", "p99_ms", "errors"] { #expect(report[key] != nil, "missing \(key)") }
        #expect(report["calls"] as? Int == 20)
        #expect(report["errors"] as? Int == 0)
    }
}
