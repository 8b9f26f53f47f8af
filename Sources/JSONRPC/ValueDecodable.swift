import MCP

/// A type that can be built from an already parsed `Value` without `Codable`, for the hot
/// results. `init(value:)` returns nil for any shape it does not handle fully, and the caller
/// then decodes the raw bytes with `JSONDecoder` as usual, so the outcome never differs.
public protocol ValueDecodable {
    init?(value: Value)
}

extension CallTool.Result: ValueDecodable {
    /// Text content, `structuredContent` and `isError`; anything else (images, annotations,
    /// `_meta`…) is left to the SDK's decoder.
    public init?(value: Value) {
        guard case .object(let members) = value, case .array(let blocks)? = members["content"] else { return nil }
        var content: [Tool.Content] = []
        content.reserveCapacity(blocks.count)
        for block in blocks {
            guard case .object(let fields) = block, fields.count == 2, fields["type"] == .string("text"),
                  case .string(let text)? = fields["text"]
            else { return nil }
            content.append(.text(text: text, annotations: nil, _meta: nil))
        }
        let known = 1 + (members["structuredContent"] == nil ? 0 : 1) + (members["isError"] == nil ? 0 : 1)
        guard members.count == known else { return nil }
        let structured: Value?
        switch members["structuredContent"] {
        case nil, .null?: structured = nil
        case let other?: structured = other
        }
        let isError: Bool?
        switch members["isError"] {
        case nil, .null?: isError = nil
        case .bool(let flag)?: isError = flag
        default: return nil
        }
        self.init(content: content, structuredContent: structured, isError: isError)
    }
}
