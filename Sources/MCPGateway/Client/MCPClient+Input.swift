import JSONRPC
import MCP

/// What a server asks of its client — an elicitation, a sampling, the roots — answered the same
/// way whether it came as a request (up to 2025-11-25) or inside an `input_required` result
/// (2026-07-28): through the relay of the call it belongs to, else by lmg itself.
extension MCPClient {
    /// The input requests lmg answers without a relay.
    static let answeredLocally: Set<String> = ["roots/list"]

    /// Whether the capabilities this client declares cover `method`.
    func declares(_ method: String) -> Bool {
        switch method {
        case "roots/list": return true
        case "elicitation/create": return options.answeredInputs.contains(.elicitation)
        case "sampling/createMessage": return options.answeredInputs.contains(.sampling)
        default: return false
        }
    }

    /// The capabilities sent in `initialize` and, with the extensions lmg speaks (tasks), in
    /// every 2026-07-28 request.
    func declaredCapabilities(modern: Bool) -> Value {
        var capabilities: [String: Value] = ["roots": ["listChanged": false]]
        // Both modes: every front end that asks handles a URL too (consent, or a decline).
        if options.answeredInputs.contains(.elicitation) { capabilities["elicitation"] = ["form": [:], "url": [:]] }
        // Tools too: the model calls them, the server runs them (2025-11-25 sampling with tools).
        if options.answeredInputs.contains(.sampling) { capabilities["sampling"] = ["tools": [:]] }
        // A task is followed to its end by the call that got it, so every front end takes one.
        if modern { capabilities["extensions"] = [ToolTask.extensionID: [:]] }
        return .object(capabilities)
    }

    /// The result for one server request, or the JSON-RPC error to answer it with.
    func answerInput(method: String, params: Value?, relay: (any ServerRequestRelay)?) async throws(JSONRPCErrorObject) -> Value {
        if let relay, method != "ping", let result = try await relay.relay(method: method, params: params, server: name) {
            return result
        }
        switch method {
        case "ping":
            return .object([:])
        case "roots/list":
            return .object(["roots": .array((config.roots ?? options.roots).map { root in
                var object: [String: Value] = ["uri": .string(root.uri)]
                if let name = root.name { object["name"] = .string(name) }
                return .object(object)
            })])
        default:
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.methodNotFound, message: "lmg does not support \(method)")
        }
    }

    /// The answers to an `input_required` result, under the server's keys. A request lmg never
    /// declared, or one nobody can answer during this call, fails the call.
    func answers(to input: InputRequired, during method: String) async throws -> [String: Value] {
        let relay = ServerRequestRelays.current
        var answers: [String: Value] = [:]
        for request in input.requests {
            guard declares(request.method) else {
                throw MCPClientError(
                    .protocolViolation, server: name, method: method,
                    "the server asked for \(request.method), which lmg did not offer it (lmg offers \(offeredInputs))")
            }
            if relay == nil && !Self.answeredLocally.contains(request.method) {
                // Offered, but this call has no one to ask (a REST call at the gateway, a health
                // check): a form is declined, so the server can go on; a sampling cannot be.
                guard request.method == "elicitation/create" else {
                    throw MCPClientError(
                        .protocolViolation, server: name, method: method,
                        "the server asked for \(request.method), and nothing answers it during this call")
                }
                answers[request.key] = ["action": "decline"]
                continue
            }
            do throws(JSONRPCErrorObject) {
                answers[request.key] = try await answerInput(method: request.method, params: request.params, relay: relay)
            } catch {
                throw MCPClientError(
                    .server(code: error.code), server: name, method: method,
                    "the server's \(request.method) could not be answered: \(error.message)", data: error.data)
            }
        }
        return answers
    }

    private var offeredInputs: String {
        ["roots/list", "elicitation/create", "sampling/createMessage"].filter(declares).joined(separator: ", ")
    }
}
