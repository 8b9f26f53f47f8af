import Foundation
import MCP
import PromptTemplates

/// A test file, `Prompts/NAME.tests.yaml`: the template it tests and its test cases.
///
/// ```yaml
/// prompt: weather.prompt
/// tests:
///   - name: paris
///     vars: {city: Paris}
///     expect:
///       toolCalls: {calls: [{name: weather__get_forecast, args: {city: {$regex: "(?i)paris"}}}]}
///       answer: [{contains: "°"}]
/// ```
public struct PromptTestFile: Sendable {
    public var file: String
    /// The template, as written (a path relative to the test file's folder, or a name).
    public var prompt: String
    public var tests: [PromptTestCase]
    /// Findings that do not stop the run (unknown keys), one line each.
    public var warnings: [String]

    /// The folder the file is in; templates and `cassettes/` are looked up there.
    public var directory: String { (file as NSString).deletingLastPathComponent.isEmpty ? "." : (file as NSString).deletingLastPathComponent }

    /// The file's base name without `.tests.yaml`: the folder of its cassettes.
    public var baseName: String {
        var name = (file as NSString).lastPathComponent
        for suffix in [".tests.yaml", ".tests.yml", ".yaml", ".yml"] where name.hasSuffix(suffix) {
            name.removeLast(suffix.count)
            break
        }
        return name
    }

    /// Reads and checks a test file: every error names the file, line and field.
    public static func load(_ file: String) throws(PromptFileError) -> PromptTestFile {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PromptFileError(file: file, message: "cannot read the file (does it exist?)", isAboutVariables: true)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw PromptFileError(file: file, message: "not UTF-8 text") }
        return try parse(text, file: file)
    }

    public static func parse(_ text: String, file: String) throws(PromptFileError) -> PromptTestFile {
        let document = try YAMLDocument.parse(text, file: file)
        var reader = TestFileReader(document: document)
        return try reader.readFile()
    }
}
