import Foundation
import GatewayRuntime
import MCPGateway
import TestSupport
import Testing
@testable import GatewayServer

/// Servers added, replaced and removed over HTTP. Addresses resolve through a stand-in, so the
/// metadata-address refusal is checked without any packet leaving the machine: the check runs
/// before any connect, and the only server that connects here is on a closed loopback port.
@Suite("Gateway API: servers added over HTTP")
struct ServerChangesTests {
    struct StandInResolver: HostResolver {
        let table: [String: [String]]
        func addresses(of host: String) async throws -> [String] {
            guard let found = table[host] else { throw APIError.badRequest("the host '\(host)' does not resolve") }
            return found
        }
    }

    static let resolver = StandInResolver(table: [
        "127.0.0.1": ["127.0.0.1"], "metadata.test": ["169.254.169.254"], "v6.test": ["fe80::1"],
        "mixed.test": ["127.0.0.1", "169.254.10.1"],
    ])

    static func api(_ server: String = "{}") async throws -> GatewayAPI {
        let json = #"{"server": \#(server), "mcpServers": {"filed": {"command": "true", "enabled": false}}}"#
        let config = try ConfigLoader(environment: [:]).parse(Data(json.utf8), file: "s.json")
        let runtime = GatewayRuntime(config: config, environment: RuntimeEnvironment([:]))
        await runtime.manager.addServers(config.servers)
        return GatewayAPI(runtime: runtime, resolver: resolver)
    }

    static func send(_ api: GatewayAPI, _ method: String, _ path: String, _ body: String = "") async -> (status: Int, text: String) {
        let response = await api.handle(APIRequest(method: method, path: path, body: Data(body.utf8)))
        return (response.status, String(decoding: response.body, as: UTF8.self))
    }

    @Test func aServerIsAddedListedReplacedAndRemoved() async throws {
        let api = try await Self.api()
        let url = "http://127.0.0.1:\(try freeLoopbackPort())/mcp"  // bound, then closed: nothing listens
        let added = await Self.send(api, "POST", "/mcp/servers", #"{"name": "remote", "url": "\#(url)", "timeout": 2, "headers": [{"key": "Authorization", "value": "Bearer tok-1"}]}"#)
        #expect(added.status == 201, "\(added.text)")
        #expect(added.text.contains(#""state":"failed""#), "a server that cannot connect is added; its status says why")
        let listed = await Self.send(api, "GET", "/mcp/servers")
        #expect(listed.text.contains(#""name":"remote""#) && listed.text.contains(#""name":"filed""#))
        #expect(!listed.text.contains("tok-1"))
        #expect(await Self.send(api, "POST", "/mcp/servers", #"{"name": "remote", "url": "\#(url)"}"#).status == 409)
        #expect(await Self.send(api, "PUT", "/mcp/servers/remote", #"{"url": "\#(url)", "timeout": 1}"#).status == 200)
        #expect(await Self.send(api, "DELETE", "/mcp/servers/remote").status == 204)
        #expect(await !api.runtime.manager.serverNames.contains("remote"))
        #expect(await Self.send(api, "DELETE", "/mcp/servers/remote").status == 404)
        await api.runtime.shutdown()
    }

    @Test func configFileServersStayTheFiles() async throws {
        let api = try await Self.api()
        let replaced = await Self.send(api, "PUT", "/mcp/servers/filed", #"{"command": "true"}"#)
        #expect(replaced.status == 409 && replaced.text.contains("config file"))
        #expect(await Self.send(api, "DELETE", "/mcp/servers/filed").status == 409)
        #expect(await Self.send(api, "POST", "/mcp/servers", #"{"name": "filed", "url": "http://127.0.0.1:9/mcp"}"#).status == 409)
    }

    @Test func stdioEntriesAreRefusedUnlessAllowed() async throws {
        let refused = await Self.send(try await Self.api(), "POST", "/mcp/servers", #"{"name": "shell", "command": "sh", "args": ["-c", "id"]}"#)
        #expect(refused.status == 403)
        #expect(refused.text.contains("server.allow_stdio_servers"))
        let allowed = try await Self.api(#"{"allow_stdio_servers": true}"#)
        let added = await Self.send(allowed, "POST", "/mcp/servers", #"{"name": "t", "command": "true", "enabled": false}"#)
        #expect(added.status == 201, "\(added.text)")
    }

    @Test func linkLocalAndMetadataAddressesAreRefusedBeforeAnyConnect() async throws {
        let api = try await Self.api()
        for host in ["metadata.test", "v6.test", "mixed.test", "169.254.169.254"] {
            let answer = await Self.send(api, "POST", "/mcp/servers", #"{"name": "m", "url": "http://\#(host)/mcp"}"#)
            #expect(answer.status == 403 || answer.status == 400, "\(host): \(answer.text)")
            #expect(await !api.runtime.manager.serverNames.contains("m"), "nothing was started for \(host)")
        }
        let metadata = await Self.send(api, "POST", "/mcp/servers", #"{"name": "m", "url": "http://metadata.test/mcp"}"#)
        #expect(metadata.text.contains("169.254.169.254") && metadata.text.contains("server.allowed_url_hosts"))
        #expect(AddressPolicy.isLinkLocalOrMetadata("fe80::1") && AddressPolicy.isLinkLocalOrMetadata("febf::1"))
        #expect(!AddressPolicy.isLinkLocalOrMetadata("fec0::1") && !AddressPolicy.isLinkLocalOrMetadata("127.0.0.1"))
        #expect(AddressPolicy.isLinkLocalOrMetadata("fd00:ec2::254") && AddressPolicy.isLinkLocalOrMetadata("::ffff:169.254.1.1"))
    }

    @Test func allowedHostsAreTheOnlyHosts() async throws {
        let api = try await Self.api(#"{"allowed_url_hosts": ["metadata.test"]}"#)
        let other = await Self.send(api, "POST", "/mcp/servers", #"{"name": "o", "url": "http://127.0.0.1:9/mcp"}"#)
        #expect(other.status == 403 && other.text.contains("not in server.allowed_url_hosts"))
        // A listed host is the operator's choice, even a metadata one; its connect is not attempted here.
        let policy = AddressPolicy(allowedHosts: ["metadata.test"], resolver: Self.resolver)
        try await policy.check("http://metadata.test/mcp")
    }

    @Test func entriesFromRequestsAreNotExpandedAndNeedAName() async throws {
        let api = try await Self.api()
        let expanded = await Self.send(api, "POST", "/mcp/servers", #"{"name": "x", "url": "http://127.0.0.1:9/mcp", "headers": {"Authorization": "${OPENAI_API_KEY}"}}"#)
        #expect(expanded.status == 400 && expanded.text.contains("OPENAI_API_KEY is not set"), "\(expanded.text)")
        #expect(await Self.send(api, "POST", "/mcp/servers", #"{"url": "http://127.0.0.1:9/mcp"}"#).status == 400)
        #expect(await Self.send(api, "POST", "/mcp/servers", #"{"name": "a/b", "url": "http://127.0.0.1:9/mcp"}"#).status == 400)
        #expect(await Self.send(api, "POST", "/mcp/servers", #"{"name": "x"}"#).status == 400, "an entry needs command or url")
    }
}
