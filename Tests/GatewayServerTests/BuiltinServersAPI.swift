import Foundation
import GatewayRuntime
import GatewayServer
import MCPGateway
import TestSupport

/// A `GatewayAPI` over two built-in servers over stdio, `builtin` and `other`, both rooted in
/// one fresh temporary directory (`prepare` may put files there first), and `extra` config
/// members (e.g. `"server": {...}`); every server is shut down and the directory removed when
/// `body` ends.
func withBuiltinServersAPI<T>(
    named label: String, extra: String? = nil, answeredInputs: ServerInputs = [],
    prepare: (String) throws -> Void = { _ in }, _ body: (GatewayAPI) async throws -> T
) async throws -> T {
    let root = NSTemporaryDirectory() + "lmg-\(label)-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: root) }
    try prepare(root)
    let server = #"{"command": "\#(Repo.lmgBinary)", "args": ["mcp-server", "--root", "\#(root)"]}"#
    let json = #"{"mcpServers": {"builtin": \#(server), "other": \#(server)}\#(extra.map { ", " + $0 } ?? "")}"#
    let config = try ConfigLoader(environment: [:]).parse(Data(json.utf8), file: "\(label).json")
    let runtime = GatewayRuntime(config: config, environment: RuntimeEnvironment([:]), answeredInputs: answeredInputs)
    await runtime.manager.addServers(config.servers)
    return try await withPeer(runtime.manager, stop: { await $0.shutdown() }) { _ in try await body(GatewayAPI(runtime: runtime)) }
}
