import Foundation
import MCP
import MCPGateway
import ModelClient
import Mustache
import Orchestrator

/// Renders templates: checks the variables against the input schema, runs the Mustache body
/// (no HTML escaping, partials from the library) and cuts the output into messages at the role
/// markers. A value; rendering the same template with the same variables always gives the same
/// messages, which is what lets prompt tests replay recorded model answers.
public struct PromptRenderer: Sendable {
    /// A partial's body, and where it was read from (for errors inside it).
    public struct Partial: Sendable, Equatable {
        public var text: String
        public var file: String
        /// The file line the body starts on (after any front matter).
        public var firstLine: Int

        public init(text: String, file: String, firstLine: Int = 1) {
            (self.text, self.file, self.firstLine) = (text, file, firstLine)
        }
    }

    /// Partials by name (`{{> name}}`).
    public var partials: [String: Partial]

    public init(partials: [String: Partial]) {
        self.partials = partials
    }

    /// Partials given as text alone (an app's own, tests).
    public init(partialTexts: [String: String] = [:]) {
        var partials: [String: Partial] = [:]
        for (name, text) in partialTexts { partials[name] = Partial(text: text, file: "partials/\(name)") }
        self.partials = partials
    }

    /// The messages and request options for `template` with `variables` over its defaults.
    /// Throws a one-line ``PromptFileError``: a required variable missing, a variable of the
    /// wrong type, a body Mustache cannot parse, a partial that does not exist.
    public func render(_ template: PromptTemplate, variables: [String: Value] = [:]) throws(PromptFileError) -> RenderedPrompt {
        var values = template.defaults
        values.merge(variables) { _, given in given }
        let scanned = try BodyScanner(file: template.file, firstLine: template.bodyLine).scan(template.body)
        var warnings = try check(values, given: variables, against: template, bodyVariables: scanned.topLevelVariables)
        let library = try partialLibrary(for: scanned, template: template, warnings: &warnings)
        let mustache: MustacheTemplate
        do {
            mustache = try MustacheTemplate(string: Self.textPragma + scanned.text)
        } catch {
            throw Self.describe(error, file: template.file, firstLine: template.bodyLine)
        }
        let output = mustache.render(MustacheJSON.value(.object(values)) ?? [String: Any](), library: library)
        let messages = RoleMarker.messages(in: output)
        guard !messages.isEmpty else {
            throw PromptFileError(file: template.file, line: template.bodyLine, message: "the body renders to no message at all", isAboutVariables: !variables.isEmpty)
        }
        return RenderedPrompt(
            name: template.name, file: template.file, messages: messages, model: template.model, settings: template.settings,
            responseFormat: Self.responseFormat(template), tools: template.tools, servers: template.servers,
            maxToolIterations: template.maxToolIterations, toolChoice: template.toolChoice.map(Self.toolChoice),
            variables: values, warnings: warnings)
    }

    /// Prompt text is not HTML: the pragma makes `{{name}}` insert values as they are.
    static let textPragma = "{{% CONTENT_TYPE: TEXT}}"

    private func check(
        _ values: [String: Value], given: [String: Value], against template: PromptTemplate, bodyVariables: Set<String>
    ) throws(PromptFileError) -> [String] {
        var warnings: [String] = []
        guard case .object(var schema) = template.inputSchema else {
            for name in bodyVariables.sorted() where values[name] == nil {
                warnings.append("\(template.file): the body uses '\(name)', which has no value (it renders empty)")
            }
            return warnings
        }
        var declared: Set<String> = []
        if case .object(let properties) = schema["properties"] { declared = Set(properties.keys) }
        if schema["additionalProperties"] == .bool(false) {
            // An unknown variable is a warning, not a failure: checked here, not by the schema.
            schema["additionalProperties"] = nil
            for name in given.keys.sorted() where !declared.contains(name) {
                let hint = NameSuggestion.closest(to: name, in: Array(declared)).map { " (did you mean '\($0)'?)" } ?? ""
                warnings.append("\(template.file): variable '\(name)' is not in input.schema, ignored by the schema\(hint)")
            }
            for name in bodyVariables.sorted() where !declared.contains(name) && values[name] == nil {
                warnings.append("\(template.file): the body uses '\(name)', which input.schema does not declare (it renders empty)")
            }
        }
        let problems = ToolInputValidator(schema: .object(schema)).problems(in: values)
        guard !problems.isEmpty else { return warnings }
        let text = problems.map { problem in
            problem.message == "is required" ? "variable '\(problem.path)' is required (pass \(problem.path)=VALUE)"
                : problem.path.isEmpty ? "the variables \(problem.message)" : "variable '\(problem.path)' \(problem.message)"
        }.joined(separator: "; ")
        throw PromptFileError(file: template.file, field: "input.schema", message: text, isAboutVariables: true)
    }

    private func partialLibrary(for scanned: BodyScanner.Scanned, template: PromptTemplate, warnings: inout [String]) throws(PromptFileError) -> MustacheLibrary? {
        guard !scanned.partials.isEmpty else { return nil }
        var library = MustacheLibrary()
        // Each reference with the file it is in and the partials it was reached through.
        var pending = scanned.partials.map { (name: $0.name, line: $0.line, file: template.file, path: [String]()) }
        var done: Set<String> = []
        var references: [String: [String]] = [:]
        while let (name, line, file, path) = pending.popLast() {
            guard !done.contains(name) else { continue }
            guard let partial = partials[name] else {
                let hint = NameSuggestion.closest(to: name, in: Array(partials.keys)).map { " (did you mean '\($0)'?)" } ?? ""
                throw PromptFileError(file: file, line: line, message: "partial '\(name)' does not exist in partials/\(hint)")
            }
            let inner = try BodyScanner(file: partial.file, firstLine: partial.firstLine).scan(partial.text)
            references[name] = inner.partials.map(\.name)
            pending += inner.partials.map { ($0.name, $0.line, partial.file, path + [name]) }
            do {
                try library.register(Self.textPragma + inner.text, named: name)
            } catch {
                throw Self.describe(error, file: partial.file, firstLine: partial.firstLine)
            }
            done.insert(name)
        }
        // swift-mustache has no depth limit: a partial that includes itself would never end.
        if let cycle = Self.cycle(in: references) {
            throw PromptFileError(file: partials[cycle[0]]?.file ?? template.file, message: "partial '\(cycle[0])' includes itself (\(cycle.joined(separator: " → ")))")
        }
        return library
    }

    /// A chain of partials that leads back to its start, if there is one.
    static func cycle(in references: [String: [String]]) -> [String]? {
        func walk(_ name: String, _ path: [String]) -> [String]? {
            if let start = path.firstIndex(of: name) { return Array(path[start...]) + [name] }
            for next in references[name] ?? [] {
                if let found = walk(next, path + [name]) { return found }
            }
            return nil
        }
        for name in references.keys.sorted() {
            if let found = walk(name, []) { return found }
        }
        return nil
    }

    private static func describe(_ error: Error, file: String, firstLine: Int) -> PromptFileError {
        guard let parse = error as? MustacheTemplate.ParserError else {
            return PromptFileError(file: file, line: firstLine, message: "not a valid Mustache template: \(error)")
        }
        let what: String
        switch parse.error as? MustacheTemplate.Error {
        case .sectionCloseNameIncorrect?: what = "a section is closed with another name than it was opened with"
        case .unfinishedName?: what = "a tag is not finished"
        case .expectedSectionEnd?: what = "a section is opened and never closed"
        case .invalidSetDelimiter?: what = "a set-delimiter tag is malformed"
        default: what = "\(parse.error)"
        }
        return PromptFileError(file: file, line: firstLine + parse.context.lineNumber - 1, message: "not valid Mustache: \(what)")
    }

    static func responseFormat(_ template: PromptTemplate) -> JSONValue? {
        guard template.output.format == "json" else { return nil }
        guard let schema = template.output.schema else { return .object(["type": .string("json_object")]) }
        let name = String(template.name.map { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" ? $0 : "_" }.prefix(64))
        return .object([
            "type": .string("json_schema"),
            "json_schema": .object(["name": .string(name), "schema": JSONValue(schema)]),
        ])
    }

    static func toolChoice(_ choice: String) -> JSONValue {
        ["auto", "none", "required"].contains(choice)
            ? .string(choice) : .object(["type": .string("function"), "function": .object(["name": .string(choice)])])
    }
}
