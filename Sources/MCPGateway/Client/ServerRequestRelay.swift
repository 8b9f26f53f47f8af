import JSONRPC
import MCP

/// Where a server's request to its client goes when it arrives during a call made for someone
/// else: the gateway's `/mcp` relays `elicitation/create`, `sampling/createMessage` and
/// `roots/list` to the MCP client downstream that made the call.
///
/// The relay in ``ServerRequestRelays/current`` when a request is sent is remembered with it;
/// a server request that arrives on the HTTP exchange of one of our requests goes to that
/// request's relay. Elsewhere (stdio, the GET stream) nothing says which call it belongs to, so
/// it goes to a relay only when every request pending at that moment was sent for that same
/// relay: a request made for anyone else — another caller, a health check — means refusing it.
public protocol ServerRequestRelay: AnyObject, Sendable {
    /// The result to send the server, nil when this relay does not take `method` (the client
    /// then answers as it would without a relay), or throws the JSON-RPC error to send back.
    func relay(method: String, params: Value?, server: String) async throws(JSONRPCErrorObject) -> Value?
}

/// The relay of the calls the current task makes.
public enum ServerRequestRelays {
    @TaskLocal public static var current: (any ServerRequestRelay)?
    /// Set by a transport while it delivers a message that came on the exchange of one of our
    /// requests (a Streamable HTTP POST's event stream): the request it belongs to.
    @TaskLocal static var relatedRequest: JSONRPCID?
}

extension ClientState {
    /// The relay for a server request: its related request's (nil when that one has none), else
    /// ``soleRelay``.
    func relay(related: JSONRPCID?) -> (any ServerRequestRelay)? {
        if let related, let request = pending[related] { return request.relay }
        return soleRelay
    }

    /// The relay every pending request was sent for; nil when none is pending, or one was sent
    /// for another relay or for none.
    var soleRelay: (any ServerRequestRelay)? {
        var found: (any ServerRequestRelay)?
        for request in pending.values {
            guard let relay = request.relay else { return nil }
            if let found, found !== relay { return nil }
            found = relay
        }
        return found
    }
}
