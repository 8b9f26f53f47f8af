import JSONRPC

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

    struct CallParams: Decodable {
        let name: String?
        let arguments: StringArguments?
        /// `arguments` is present but not an object of the expected shape.
        let argumentsUnreadable: Bool

        private enum CodingKeys: String, CodingKey { case name, arguments }

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
