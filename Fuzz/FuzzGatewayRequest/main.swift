import Dispatch
import Foundation
import FuzzSupport
import GatewayRuntime
import GatewayServer
import LMGTesting
import MCPGateway
import ModelClient

// The gateway's request decoding, called in process (no port): the first byte picks a route, the
// rest is the body. Every answer is a status from 200 to 599 with a JSON body; nothing reaches a
// network: the one server is disabled, the model is scripted, and every URL host is refused.
struct NoAddresses: HostResolver {
    func addresses(of host: String) async throws -> [String] { [] }
}

let routes: [(String, String)] = [
    ("POST", "/mcp/tools/call"), ("POST", "/mcp/resources/read"), ("POST", "/mcp/prompts/get"), ("POST", "/mcp/servers"),
    ("PUT", "/mcp/servers/fx"), ("POST", "/v1/chat/completions"), ("POST", "/mcp"), ("POST", "/mcp/oauth/refresh"),
]
var config = GatewayConfig(servers: [{ var fx = MCPServerConfig.stdio("fx", command: "true"); fx.enabled = false; return fx }()])
config.server.allowedURLHosts = []
let model = ScriptedChatModel { _, _ in ModelTurn(message: .assistant("ok"), finishReason: "stop", usage: nil) }
let runtime = GatewayRuntime(config: config, environment: RuntimeEnvironment([:]), model: model)
let api = GatewayAPI(runtime: runtime, resolver: NoAddresses())

/// The async handler, waited for: libFuzzer calls in synchronously. One long-lived task answers
/// every request (detached: top-level code is the main actor's, and the main thread waits in
/// `answer`), and the answer is taken out of the mailbox, so nothing of an input is still held
/// when the leak checker looks. LeakSanitizer cannot follow a `Data` slice's storage pointer
/// (Swift keeps the enum's case in its spare bits), so an answer still held anywhere is reported as
/// leaked: a task per input that had signalled but not yet let go of its answer was (seen in CI).
final class Mailbox: @unchecked Sendable {
    var response: APIResponse?
    let answered = DispatchSemaphore(value: 0)
}
let mailbox = Mailbox()
let (requests, sender) = AsyncStream<APIRequest>.makeStream()
let worker = Task.detached {
    for await request in requests {
        mailbox.response = await api.handle(request)
        mailbox.answered.signal()
    }
}

func answer(_ request: APIRequest) -> APIResponse {
    sender.yield(request)
    mailbox.answered.wait()
    defer { mailbox.response = nil }
    return mailbox.response!
}

_ = answer(APIRequest(method: "GET", path: "/healthz"))
fuzz { input in
    guard let first = input.first else { return }
    let (method, path) = routes[Int(first) % routes.count]
    let headers = ["content-type": "application/json", "mcp-protocol-version": "2025-11-25", "accept": "application/json, text/event-stream"]
    let response = answer(APIRequest(method: method, path: path, headers: headers, body: Data(input.dropFirst())))
    let text = String(decoding: response.body.prefix(200), as: UTF8.self)
    precondition((200..<600).contains(response.status), "status \(response.status)")
    precondition(response.status < 500 || response.status == 502 || response.status == 503, "\(path): \(response.status) \(text)")
    if response.status >= 400, response.headers["Content-Type"]?.contains("json") == true {
        precondition((try? JSONSerialization.jsonObject(with: response.body)) != nil, "\(path): \(response.status) answered with a body that is not JSON: \(text)")
    }
}
