import Foundation
import JSONRPC
import MCP

/// A request's envelope, plus the name and string arguments of a `tools/call`, in one parse.
///
/// A concrete (non-generic) type decoded once per message: for the hot requests (`ping`, and
/// the cheap tools whose arguments are all strings) this is the only JSON parse. Other methods
/// decode their typed params from the raw bytes afterwards. Unexpected `params` shapes decode
/// as empty rather than failing, so the typed decoding can report them precisely.
struct RequestHead: Decodable {
    let id: JSONRPCID?
    let method: String?
    let params: CallParams?
    /// What `params._meta` says of the 2026-07-28 envelope; nil when there is no `_meta`.
    var meta: Meta?

    private enum CodingKeys: String, CodingKey { case id, method, params }

    /// The envelope members a 2026-07-28 request must carry.
    struct Meta: Equatable {
        /// `io.modelcontextprotocol/protocolVersion`, when it is a string.
        var version: String?
        /// Whether `io.modelcontextprotocol/clientCapabilities` is an object.
        var hasCapabilities: Bool

        init?(params: Value?) {
            guard case .object(let params)? = params, case .object(let meta)? = params["_meta"] else { return nil }
            if case .string(let version)? = meta["io.modelcontextprotocol/protocolVersion"] { self.version = version }
            if case .object? = meta["io.modelcontextprotocol/clientCapabilities"] { hasCapabilities = true } else { hasCapabilities = false }
        }
    }

    /// Reads `data` with `JSONValueParser`, or `JSONDecoder` for the shapes the fast reading
    /// leaves alone (odd ids, `data:` URL arguments); nil when it is not a JSON object.
    static func read(_ data: Data) -> RequestHead? {
        guard case .object(let members)? = try? JSONValueParser.parse(data) else {
            return try? JSONRPCCoding.decode(RequestHead.self, from: data)
        }
        if let head = RequestHead(members) { return head }
        var head = try? JSONRPCCoding.decode(RequestHead.self, from: data)
        head?.meta = Meta(params: members["params"])
        return head
    }

    private init?(_ members: [String: Value]) {
        switch members["id"] {
        case .int(let number)?: id = .int(number)
        case .string(let text)?: id = .string(text)
        case .null?, nil: id = nil
        default: return nil
        }
        switch members["method"] {
        case .string(let text)?: method = text
        case .null?, nil: method = nil
        default: return nil
        }
        meta = Meta(params: members["params"])
        switch members["params"] {
        case .object(let params)?:
            guard let call = CallParams(params) else { return nil }
            self.params = call
        case .null?, nil: params = nil
        default: params = CallParams(name: nil, arguments: nil, argumentsUnreadable: false)
        }
    }

    struct CallParams: Decodable {
        let name: String?
        let arguments: StringArguments?
        /// `arguments` is present but not an object of the expected shape.
        let argumentsUnreadable: Bool

        private enum CodingKeys: String, CodingKey { case name, arguments }

        init(name: String?, arguments: StringArguments?, argumentsUnreadable: Bool) {
            (self.name, self.arguments, self.argumentsUnreadable) = (name, arguments, argumentsUnreadable)
        }

        /// Mirrors `init(from:)`; nil for a `data:` URL (as name or argument), which the parser no
        /// longer holds as the text it was.
        init?(_ members: [String: Value]) {
            switch members["name"] {
            case .string(let text)?: name = text
            case .data?: return nil
            default: name = nil
            }
            switch members["arguments"] {
            case nil, .null?:
                (arguments, argumentsUnreadable) = (nil, false)
            case .object(let values)?:
                var entries: [String: StringArguments.Entry] = [:]
                for (key, value) in values {
                    switch value {
                    case .string(let text): entries[key] = .string(text)
                    case .null: entries[key] = .null
                    case .data: return nil
                    default: entries[key] = .notString
                    }
                }
                (arguments, argumentsUnreadable) = (StringArguments(entries), false)
            case .some:
                (arguments, argumentsUnreadable) = (nil, true)
            }
        }

        init(from decoder: any Decoder) throws {
            guard let container = try? decoder.container(keyedBy: CodingKeys.self) else {
                (name, arguments, argumentsUnreadable) = (nil, nil, false)
                return
            }
            name = try? container.decodeIfPresent(String.self, forKey: .name)
            let present = container.contains(.arguments)
            let decoded = try? container.decodeIfPresent(StringArguments.self, forKey: .arguments)
            arguments = decoded
            argumentsUnreadable = present && decoded == nil && !((try? container.decodeNil(forKey: .arguments)) ?? false)
        }
    }
}
