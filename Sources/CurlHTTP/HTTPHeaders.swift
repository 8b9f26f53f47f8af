/// HTTP header fields in order, with case-insensitive lookup.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral, CustomStringConvertible {
    public private(set) var fields: [(name: String, value: String)] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        fields = elements.map { (name: $0.0, value: $0.1) }
    }

    public mutating func add(name: String, value: String) {
        fields.append((name, value))
    }

    /// Replaces every field named `name` with one holding `value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        fields.removeAll { $0.name.caseInsensitiveEquals(name) }
        fields.append((name, value))
    }

    /// The first value of `name`, ignoring case.
    public subscript(name: String) -> String? {
        fields.first { $0.name.caseInsensitiveEquals(name) }?.value
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveEquals(name) }.map(\.value)
    }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    /// Names only: values may be credentials.
    public var description: String { "[" + fields.map(\.name).joined(separator: ", ") + "]" }
}

extension String {
    func caseInsensitiveEquals(_ other: String) -> Bool {
        utf8.count == other.utf8.count && lowercased() == other.lowercased()
    }
}

/// Credential values (by `Redaction.isSecretHeader`) never print, also in `dump` and debuggers.
extension HTTPHeaders: CustomDebugStringConvertible, CustomReflectable {
    /// `name: value` pairs, credential values redacted.
    public var debugDescription: String {
        "[" + fields.map { "\($0.name): \(Redaction.isSecretHeader($0.name) ? Redaction.placeholder : $0.value)" }.joined(separator: ", ") + "]"
    }

    public var customMirror: Mirror {
        Mirror(self, unlabeledChildren: fields.map { "\($0.name): \(Redaction.isSecretHeader($0.name) ? Redaction.placeholder : $0.value)" },
               displayStyle: .collection)
    }
}
