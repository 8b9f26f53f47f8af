import MCP

/// Checks a tool call's arguments against the tool's `inputSchema` before the call leaves the
/// process, so the gateway answers a bad call with a 422 and the orchestrator answers a model's
/// bad call, both naming the field, without a round trip to the server.
///
/// A pure value over JSON Schema (draft 4 through 2020-12, the keywords tools use): `type`,
/// `enum`, `const`, `properties`, `required`, `additionalProperties`, `patternProperties`,
/// `items`, `prefixItems`, `additionalItems`, `anyOf`, `oneOf`, `allOf`, numeric and length
/// bounds, `pattern`, `multipleOf`, `uniqueItems`, `dependentRequired`, OpenAPI's `nullable`,
/// and local `$ref`s. It never rejects what the server might accept: unknown keywords, `format`,
/// `not`, `if`/`then`/`else`, remote `$ref`s and patterns it cannot compile are ignored, and
/// `oneOf` passes when any branch does (ignoring keywords can make branches look alike).
public struct ToolInputValidator: Sendable {
    /// The tool's `inputSchema` as the server listed it.
    public let schema: Value

    public init(schema: Value) {
        self.schema = schema
    }

    /// Every problem with `arguments`, in field order; empty when they are valid.
    public func problems(in arguments: [String: Value]) -> [SchemaProblem] {
        guard case .object(var root) = schema else { return [] }
        // Arguments are always an object: a root that says otherwise is the server's mistake,
        // and must not make its tool uncallable.
        if let types = SchemaEvaluator.types(root["type"]), !types.contains("object") { root["type"] = nil }
        var evaluator = SchemaEvaluator(root: schema)
        return evaluator.check(.object(arguments), against: .object(root), at: [])
    }

    /// Throws the problems of `arguments` for `tool` (named `server/tool` in the message).
    public func validate(_ arguments: [String: Value], tool: String) throws(ToolInputError) {
        let found = problems(in: arguments)
        if !found.isEmpty { throw ToolInputError(tool: tool, problems: found) }
    }
}

/// One way arguments do not match a schema: where, and what was expected there.
public struct SchemaProblem: Sendable, Equatable, CustomStringConvertible {
    /// Where in the arguments, e.g. `items[2].name`; empty for the arguments as a whole.
    public let path: String
    /// What is wrong, after the subject: `must be a string, not a number`, `is required`.
    public let message: String
    /// The types expected where a value had another type (used to merge `anyOf` branches).
    let expectedTypes: [String]?
    /// The values allowed where `enum` or `const` failed (used to merge `anyOf` branches).
    let allowedValues: [Value]?

    init(path: String, message: String, expectedTypes: [String]? = nil, allowedValues: [Value]? = nil) {
        (self.path, self.message, self.expectedTypes, self.allowedValues) = (path, message, expectedTypes, allowedValues)
    }

    /// One line: `field 'items[2].name' must be a string, not a number`.
    public var description: String {
        path.isEmpty ? "the arguments \(message)" : "field '\(path)' \(message)"
    }
}

/// Arguments that do not match their tool's schema; the message names the tool and each field.
public struct ToolInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `server/tool`.
    public let tool: String
    public let problems: [SchemaProblem]

    public init(tool: String, problems: [SchemaProblem]) {
        (self.tool, self.problems) = (tool, problems)
    }

    /// The problems as one line, without the tool: what the orchestrator tells a model.
    public var summary: String { Self.summary(of: problems) }

    /// `tool 'builtin/echo': field 'text' is required`.
    public var description: String { "tool '\(tool)': \(summary)" }

    /// At most five problems, joined with "; ".
    public static func summary(of problems: [SchemaProblem]) -> String {
        let shown = problems.prefix(5).map(\.description).joined(separator: "; ")
        return problems.count > 5 ? shown + "; and \(problems.count - 5) more" : shown
    }
}
