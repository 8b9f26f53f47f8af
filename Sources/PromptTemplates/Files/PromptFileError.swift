/// A template or test file lmg cannot use, said in one line: which file, which line, which
/// field, and what is wrong there — `Prompts/weather.prompt:4: config.temperature: must be a number`.
public struct PromptFileError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file as the user named it (or as found under the prompts folder).
    public var file: String
    /// 1-based line in the file, when known.
    public var line: Int?
    /// The field's path (`input.schema.city`, `tests[2].expect`), when the problem is in one.
    public var field: String?
    public var message: String
    /// The file is fine but the variables given to it are not (a usage error, exit status 2).
    public var isAboutVariables: Bool

    public init(file: String, line: Int? = nil, field: String? = nil, message: String, isAboutVariables: Bool = false) {
        (self.file, self.line, self.field, self.message) = (file, line, field, message)
        self.isAboutVariables = isAboutVariables
    }

    public var description: String {
        "\(file)\(line.map { ":\($0)" } ?? ""): \(field.map { "\($0): " } ?? "")\(message)"
    }
}
