import Foundation
import MCPGateway

/// A folder of templates (`Prompts/` by default): `NAME.prompt` and `NAME.prompty` files, their
/// partials under `partials/` (or dotprompt's `_NAME.prompt` beside them), test files
/// `NAME.tests.yaml` and recordings under `cassettes/`.
public struct PromptLibrary: Sendable {
    /// The folder, as given (relative paths stay relative, so messages show what the user typed).
    public let directory: String
    /// Template extensions lmg reads.
    public static let extensions = ["prompt", "prompty"]

    public init(directory: String) {
        self.directory = directory
    }

    /// The folder to use: `--prompts DIR`, else the config's `prompts_dir`, else `./Prompts`.
    public static func directory(explicit: String?, configured: String?) -> String {
        explicit ?? configured ?? "Prompts"
    }

    /// True when the folder exists.
    public var exists: Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// Every template file, sorted; partials (`_NAME.prompt`) are not templates.
    public func templateFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.filter { name in
            Self.extensions.contains((name as NSString).pathExtension) && !name.hasPrefix("_") && !name.hasPrefix(".")
        }.sorted().map { path($0) }
    }

    /// Every template file that loads, in file order (the ones that do not are left out: a
    /// listing or a lookup by name should not fail for another template's mistake).
    public func templates() -> [PromptTemplate] {
        templateFiles().compactMap { try? Self.loadFile($0).template }
    }

    /// The template `reference` names: a path to a file, else a name in the folder (the file's
    /// name without extension, or a template's `name`).
    public func load(_ reference: String) throws(PromptFileError) -> (template: PromptTemplate, warnings: [String]) {
        if reference.contains("/") || Self.extensions.contains((reference as NSString).pathExtension) {
            let file = FileManager.default.fileExists(atPath: reference) ? reference : path(reference)
            return try Self.loadFile(file)
        }
        for ext in Self.extensions {
            let file = path("\(reference).\(ext)")
            if FileManager.default.fileExists(atPath: file) { return try Self.loadFile(file) }
        }
        var names: [String] = []
        for file in templateFiles() {
            guard let loaded = try? Self.loadFile(file) else { continue }
            if loaded.template.name == reference { return loaded }
            names.append(loaded.template.name)
        }
        guard exists else {
            throw PromptFileError(file: directory, message: "no prompts folder here (use --prompts DIR or prompts_dir in the config)", isAboutVariables: true)
        }
        let hint = NameSuggestion.closest(to: reference, in: names).map { " (did you mean '\($0)'?)" } ?? ""
        throw PromptFileError(
            file: directory, message: "no template '\(reference)'\(hint) (templates: \(names.isEmpty ? "none" : names.joined(separator: ", ")))",
            isAboutVariables: true)
    }

    /// Reads and checks one template file; the syntax follows the extension.
    public static func loadFile(_ file: String) throws(PromptFileError) -> (template: PromptTemplate, warnings: [String]) {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw PromptFileError(file: file, message: "cannot read the file (does it exist?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PromptFileError(file: file, message: "not UTF-8 text")
        }
        return try parse(text, file: file)
    }

    /// Reads and checks a template held in memory as if it were `file`: the syntax follows its
    /// extension (`.prompty` is Prompty, anything else dotprompt), the name defaults to its base name,
    /// and errors name it. For an app that keeps its templates elsewhere than in files.
    public static func parse(_ text: String, file: String) throws(PromptFileError) -> (template: PromptTemplate, warnings: [String]) {
        let base = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        if (file as NSString).pathExtension == "prompty" {
            return try PromptyReader.read(text, file: file, defaultName: base)
        }
        return try DotpromptReader.read(text, file: file, defaultName: base)
    }

    /// Partials by name: `partials/NAME.*` (any extension) and `_NAME.prompt`; front matter is dropped.
    public func partials() throws(PromptFileError) -> [String: PromptRenderer.Partial] {
        var found: [String: PromptRenderer.Partial] = [:]
        let folder = path("partials")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] where !name.hasPrefix(".") {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(folder)/\(name)", isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            found[(name as NSString).deletingPathExtension] = try Self.partialText("\(folder)/\(name)")
        }
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] where name.hasPrefix("_") && name.hasSuffix(".prompt") {
            found[String((name as NSString).deletingPathExtension.dropFirst())] = try Self.partialText(path(name))
        }
        return found
    }

    /// A renderer with this folder's partials.
    public func renderer() throws(PromptFileError) -> PromptRenderer {
        PromptRenderer(partials: try partials())
    }

    /// `name` inside the folder.
    public func path(_ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : "\(directory)/\(name)"
    }

    private static func partialText(_ file: String) throws(PromptFileError) -> PromptRenderer.Partial {
        guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
            throw PromptFileError(file: file, message: "cannot read the partial as UTF-8 text")
        }
        let split = try FrontMatter.split(text, file: file)
        var body = split.body
        if body.hasSuffix("\n") { body.removeLast() }
        return PromptRenderer.Partial(text: body, file: file, firstLine: split.bodyLine)
    }

    /// The template whose `name` is `name` (else whose file is `name.prompt` / `.prompty`): the
    /// one `/prompt NAME` and the built-in server's prompts mean.
    public func template(named name: String) -> PromptTemplate? {
        let templates = templates()
        return templates.first { $0.name == name }
            ?? templates.first { (($0.file as NSString).lastPathComponent as NSString).deletingPathExtension == name }
    }
}
