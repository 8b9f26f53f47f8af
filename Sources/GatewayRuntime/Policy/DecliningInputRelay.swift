import JSONRPC
import MCP
import MCPGateway

/// What commands with no one to ask (`lmg call`, `lmg run`, …) answer a server's elicitation:
/// declined, and said on stderr, so the server can go on without it and the person knows why
/// the tool did less than asked.
public final class DecliningInputRelay: ServerRequestRelay {
    private let report: @Sendable (String) -> Void

    /// `report`: where the one-line notice goes (stderr in the commands).
    public init(report: @escaping @Sendable (String) -> Void) {
        self.report = report
    }

    public func relay(method: String, params: Value?, server: String) async throws(JSONRPCErrorObject) -> Value? {
        guard method == "elicitation/create" else { return nil }
        var message = ""
        if case .object(let request)? = params, let text = request["message"]?.stringValue, !text.isEmpty { message = " (\(text))" }
        report("server '\(server)' asked for input\(message); declined: this command cannot ask, lmg chat can")
        return ["action": "decline"]
    }
}
