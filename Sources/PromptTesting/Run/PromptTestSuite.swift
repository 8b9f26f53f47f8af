import Foundation
import PromptTemplates

/// A test file with its template loaded and checked: what the runner runs.
public struct PromptTestSuite: Sendable {
    public var file: PromptTestFile
    public var template: PromptTemplate
    public var renderer: PromptRenderer
    /// Findings from the template and the test file, one line each.
    public var warnings: [String]
    /// The server's prompt the tests use (`prompt: mcp:SERVER/PROMPT`) instead of a template;
    /// ``template`` then only names it. The server renders it in every run, so it must be up.
    public var mcpPrompt: MCPPromptReference?

    /// Loads `path` and the template it names (relative to the test file's folder, else a name
    /// in `library`), with the partials of the template's folder.
    public static func load(_ path: String, library: PromptLibrary) throws(PromptFileError) -> PromptTestSuite {
        let file = try PromptTestFile.load(path)
        if let reference = MCPPromptReference.parse(file.prompt) {
            return PromptTestSuite(
                file: file, template: reference.template, renderer: try PromptLibrary(directory: file.directory).renderer(),
                warnings: file.warnings, mcpPrompt: reference)
        }
        let local = PromptLibrary(directory: file.directory)
        let candidate = local.path(file.prompt)
        let loaded: (template: PromptTemplate, warnings: [String])
        if FileManager.default.fileExists(atPath: candidate) {
            loaded = try PromptLibrary.loadFile(candidate)
        } else {
            do {
                loaded = try library.load(file.prompt)
            } catch where error.isAboutVariables {
                throw PromptFileError(file: path, field: "prompt", message: "no template '\(file.prompt)' beside it or in \(library.directory)")
            }
        }
        // Partials come from the template's own folder, wherever the test file is.
        let folder = (loaded.template.file as NSString).deletingLastPathComponent
        return PromptTestSuite(
            file: file, template: loaded.template, renderer: try PromptLibrary(directory: folder.isEmpty ? "." : folder).renderer(),
            warnings: loaded.warnings + file.warnings)
    }

    /// The test files under `paths` (files as they are; folders searched for `*.tests.yaml`), sorted.
    public static func discover(_ paths: [String]) throws(PromptFileError) -> [String] {
        var found: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw PromptFileError(file: path, message: "no such file or folder", isAboutVariables: true)
            }
            guard isDirectory.boolValue else {
                found.append(path)
                continue
            }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            found += names.filter { $0.hasSuffix(".tests.yaml") || $0.hasSuffix(".tests.yml") }.sorted().map { "\(base)/\($0)" }
        }
        return found
    }
}
