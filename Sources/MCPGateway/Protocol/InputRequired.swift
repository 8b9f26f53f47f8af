import JSONRPC
import MCP

/// A 2026-07-28 multi-round-trip result (`resultType: "input_required"`): what the server must
/// learn from the client (an elicitation, a sampling, the roots) before it can finish, and the
/// state to hand back with the answers.
struct InputRequired: Sendable, Equatable {
    /// One request under the key the server chose for it.
    struct Request: Sendable, Equatable {
        var key: String
        var method: String
        var params: Value?
    }

    var requests: [Request]
    /// Opaque to the client: sent back exactly as received, or not at all when absent.
    var requestState: String?

    /// How many rounds one call may take before lmg gives up on a server that keeps asking.
    static let roundLimit = 8

    /// What a result's `resultType` says.
    enum Kind: Equatable {
        case complete
        case inputRequired(InputRequired)
        /// A task handle in place of the result (the tasks extension): followed by the caller.
        case task
        /// A value this client does not know: the spec has it treated as invalid.
        case unknown(String)
        /// `input_required` whose members do not fit.
        case malformed(String)
    }

    /// Reads a result's `resultType`; an absent one (every older server) is complete.
    static func kind(of result: Value?) -> Kind {
        guard case .object(let object)? = result, let type = object["resultType"] else { return .complete }
        guard case .string(let name) = type else { return .malformed("resultType is not a string") }
        switch name {
        case "complete":
            return .complete
        case "task":
            return .task
        case "input_required":
            var requests: [Request] = []
            switch object["inputRequests"] {
            case .object(let entries)?:
                for (key, entry) in entries.sorted(by: { $0.key < $1.key }) {
                    guard case .object(let request) = entry, case .string(let method)? = request["method"] else {
                        return .malformed("inputRequests '\(key)' has no method")
                    }
                    requests.append(Request(key: key, method: method, params: request["params"]))
                }
            case nil, .null?:
                break
            default:
                return .malformed("inputRequests is not an object")
            }
            var state: String?
            switch object["requestState"] {
            case .string(let text)?: state = text
            case nil, .null?: state = nil
            default: return .malformed("requestState is not a string")
            }
            if requests.isEmpty && state == nil { return .malformed("input_required with neither inputRequests nor requestState") }
            return .inputRequired(InputRequired(requests: requests, requestState: state))
        default:
            return .unknown(name)
        }
    }

    /// Whether a retry's error says its `requestState` is no longer good: -32602 with
    /// `data.reason` "invalid_request_state", as the Python SDK answers an expired or foreign one.
    static func isStaleState(_ error: MCPClientError) -> Bool {
        guard error.kind == .server(code: JSONRPCErrorObject.invalidParams), case .object(let data)? = error.data else { return false }
        return data["reason"]?.stringValue == "invalid_request_state"
    }

    /// The retry's extra members: `inputResponses` under the server's keys, and `requestState`
    /// when the server sent one.
    func retryMembers(answers: [String: Value]) -> [UInt8] {
        var writer = JSONWriter()
        writer.raw(#""inputResponses":"#)
        writer.value(.object(answers))
        if let requestState {
            writer.raw(#","requestState":"#)
            writer.string(requestState)
        }
        return writer.bytes
    }
}
