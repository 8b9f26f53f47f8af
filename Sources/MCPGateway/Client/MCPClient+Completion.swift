import MCP

/// What `completion/complete` completes: a prompt's argument, or a resource template's variable.
public enum CompletionReference: Sendable, Hashable {
    case prompt(String)
    case resourceTemplate(String)
}

extension MCPClient {
    /// The server's suggestions for `argument` of `reference`, starting from `value`; the other
    /// arguments already given go in `context`. Empty when the server offers no completions.
    public func complete(
        _ reference: CompletionReference, argument: String, value: String, context: [String: String] = [:], timeout: Duration? = nil
    ) async throws -> [String] {
        guard serverCapabilities?.completions != nil else { return [] }
        var params: [String: Value] = ["argument": ["name": .string(argument), "value": .string(value)]]
        switch reference {
        case .prompt(let name): params["ref"] = ["type": "ref/prompt", "name": .string(name)]
        case .resourceTemplate(let uri): params["ref"] = ["type": "ref/resource", "uri": .string(uri)]
        }
        if !context.isEmpty { params["context"] = ["arguments": .object(context.mapValues { .string($0) })] }
        let result: Value = try await request("completion/complete", params: params, timeout: timeout)
        guard case .object(let object) = result, case .object(let completion)? = object["completion"],
              case .array(let values)? = completion["values"]
        else { return [] }
        return values.compactMap(\.stringValue)
    }
}
