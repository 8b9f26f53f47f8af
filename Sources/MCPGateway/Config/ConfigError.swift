/// A configuration problem, told in one line that names the file, the server and the field.
public struct ConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, or `<embedded>`/`<memory>` for configs not read from disk.
    public var file: String
    /// `mcpServers.NAME.field` style path to the offending value, when there is one.
    public var location: String?
    public var message: String

    public init(file: String, location: String? = nil, message: String) {
        self.file = file
        self.location = location
        self.message = message
    }

    public var description: String {
        if let location { return "\(file): \(location): \(message)" }
        return "\(file): \(message)"
    }
}
