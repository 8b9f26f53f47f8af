/// The arguments of a cheap tool, all strings: decoded without generics, checked on access.
///
/// Values that are not strings are kept as "wrong type" markers so the tool can say which
/// argument is wrong instead of the whole call failing to decode.
struct StringArguments: Decodable, Sendable {
    enum Entry: Decodable, Sendable {
        case string(String)
        case null
        case notString

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let text = try? container.decode(String.self) {
                self = .string(text)
            } else if container.decodeNil() {
                self = .null
            } else {
                self = .notString
            }
        }
    }

    let values: [String: Entry]

    init(_ values: [String: Entry] = [:]) {
        self.values = values
    }

    init(from decoder: any Decoder) throws {
        values = try decoder.singleValueContainer().decode([String: Entry].self)
    }

    /// A required string argument.
    func string(_ name: String) throws(ArgumentError) -> String {
        guard let value = try optionalString(name) else { throw ArgumentError("missing \"\(name)\"") }
        return value
    }

    /// An optional string argument; `null` counts as absent.
    func optionalString(_ name: String) throws(ArgumentError) -> String? {
        switch values[name] {
        case .string(let text): return text
        case .null, nil: return nil
        case .notString: throw ArgumentError("\"\(name)\" must be a string")
        }
    }
}

/// What is wrong with a tool's arguments, phrased for the model that sent them.
struct ArgumentError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
