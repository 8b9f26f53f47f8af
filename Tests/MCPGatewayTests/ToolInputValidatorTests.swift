import Foundation
import MCP
import MCPBuiltinServer
import MCPGateway
import Testing

/// The argument check the gateway and the orchestrator share: each keyword, the paths and
/// wording of its problems, and leniency wherever a schema is not understood.
@Suite("Tool input validator")
struct ToolInputValidatorTests {
    /// The problems of `arguments` (JSON) against `schema` (JSON), as lines.
    static func problems(_ schema: String, _ arguments: String) throws -> [String] {
        let schema = try JSONDecoder().decode(Value.self, from: Data(schema.utf8))
        let arguments = try #require(try JSONDecoder().decode(Value.self, from: Data(arguments.utf8)).objectValue)
        return ToolInputValidator(schema: schema).problems(in: arguments).map(\.description)
    }

    static let weather = #"""
        {"type": "object", "required": ["city"], "additionalProperties": false,
         "properties": {"city": {"type": "string", "minLength": 2, "maxLength": 20},
                        "unit": {"type": "string", "enum": ["c", "f"]},
                        "days": {"type": "integer", "minimum": 1, "maximum": 7}}}
        """#

    @Test func typesRequiredAndEnum() throws {
        #expect(try Self.problems(Self.weather, #"{"city": "Paris", "unit": "c", "days": 3}"#).isEmpty)
        #expect(try Self.problems(Self.weather, #"{}"#) == ["field 'city' is required"])
        #expect(try Self.problems(Self.weather, #"{"city": 5}"#) == ["field 'city' must be a string, not a number"])
        #expect(try Self.problems(Self.weather, #"{"city": "Rome", "unit": "k"}"#) == [#"field 'unit' must be one of "c", "f""#])
        #expect(try Self.problems(Self.weather, #"{"city": "Rome", "wind": 1}"#) == ["field 'wind' is not allowed (the fields are 'city', 'days', 'unit')"])
        #expect(try Self.problems(Self.weather, #"{"city": "Rome", "days": "2"}"#) == ["field 'days' must be an integer, not a string"])
    }

    @Test func integersAndNumbers() throws {
        let schema = #"{"properties": {"n": {"type": "integer"}, "x": {"type": "number"}, "b": {"type": "boolean"}}}"#
        #expect(try Self.problems(schema, #"{"n": 2.0, "x": 2, "b": false}"#).isEmpty, "2.0 is an integer, 2 is a number")
        #expect(try Self.problems(schema, #"{"n": 2.5}"#) == ["field 'n' must be an integer, not 2.5"])
        #expect(try Self.problems(schema, #"{"x": "2"}"#) == ["field 'x' must be a number, not a string"])
        #expect(try Self.problems(schema, #"{"b": 1}"#) == ["field 'b' must be a boolean, not a number"])
        #expect(try Self.problems(schema, #"{"n": null}"#) == ["field 'n' must be an integer, not null"])
    }

    @Test func nullableAndTypeLists() throws {
        let schema = #"{"properties": {"a": {"type": ["string", "null"]}, "b": {"type": "string", "nullable": true}}}"#
        #expect(try Self.problems(schema, #"{"a": null, "b": null}"#).isEmpty)
        #expect(try Self.problems(schema, #"{"a": 1}"#) == ["field 'a' must be a string or null, not a number"])
    }

    @Test func constAndNumericBounds() throws {
        let schema = #"""
            {"properties": {"kind": {"const": "v1"}, "low": {"minimum": 1}, "high": {"maximum": 10},
             "open": {"exclusiveMinimum": 0, "exclusiveMaximum": 1}, "old": {"minimum": 0, "exclusiveMinimum": true},
             "step": {"multipleOf": 0.5}}}
            """#
        #expect(try Self.problems(schema, #"{"kind": "v1", "low": 1, "high": 10, "open": 0.5, "old": 0.1, "step": 1.5}"#).isEmpty)
        #expect(try Self.problems(schema, #"{"kind": "v2"}"#) == [#"field 'kind' must be "v1""#])
        #expect(try Self.problems(schema, #"{"low": 0}"#) == ["field 'low' must be at least 1, not 0"])
        #expect(try Self.problems(schema, #"{"high": 11}"#) == ["field 'high' must be at most 10, not 11"])
        #expect(try Self.problems(schema, #"{"open": 1}"#) == ["field 'open' must be less than 1, not 1"])
        #expect(try Self.problems(schema, #"{"open": 0}"#) == ["field 'open' must be greater than 0, not 0"])
        #expect(try Self.problems(schema, #"{"old": 0}"#) == ["field 'old' must be greater than 0, not 0"])
        #expect(try Self.problems(schema, #"{"step": 1.2}"#) == ["field 'step' must be a multiple of 0.5, not 1.2"])
    }

    @Test func stringLengthsAndPatterns() throws {
        #expect(try Self.problems(Self.weather, #"{"city": "X"}"#) == ["field 'city' must be at least 2 characters long, not 1"])
        #expect(try Self.problems(Self.weather, #"{"city": "ÅÅ"}"#).isEmpty, "lengths count code points")
        let pattern = #"{"properties": {"id": {"type": "string", "pattern": "^[a-z]+-[0-9]+$"}, "any": {"pattern": "b"}}}"#
        #expect(try Self.problems(pattern, #"{"id": "abc-12", "any": "abc"}"#).isEmpty, "patterns are not anchored")
        #expect(try Self.problems(pattern, #"{"id": "ABC"}"#) == ["field 'id' must match the pattern ^[a-z]+-[0-9]+$"])
        #expect(try Self.problems(#"{"properties": {"s": {"pattern": "(unclosed"}}}"#, #"{"s": "x"}"#).isEmpty, "a pattern ICU cannot read passes")
    }

    @Test func nestedArraysAndObjectsNameTheirPath() throws {
        let schema = #"""
            {"type": "object", "properties": {"items": {"type": "array", "minItems": 1, "maxItems": 3, "uniqueItems": true,
              "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"},
                "tags": {"type": "array", "items": {"type": "string"}}}}}}}
            """#
        #expect(try Self.problems(schema, #"{"items": [{"name": "a", "tags": ["x"]}]}"#).isEmpty)
        #expect(try Self.problems(schema, #"{"items": [{"name": "a"}, {"name": "b"}, {"name": 3}]}"#) == ["field 'items[2].name' must be a string, not a number"])
        #expect(try Self.problems(schema, #"{"items": [{"name": "a", "tags": ["x", 1]}]}"#) == ["field 'items[0].tags[1]' must be a string, not a number"])
        #expect(try Self.problems(schema, #"{"items": [{}]}"#) == ["field 'items[0].name' is required"])
        #expect(try Self.problems(schema, #"{"items": []}"#) == ["field 'items' must have at least 1 item, not 0"])
        #expect(try Self.problems(schema, #"{"items": [{"name": "a"}, {"name": "a"}]}"#) == ["field 'items' must not repeat items (items 0 and 1 are equal)"])
        #expect(try Self.problems(schema, #"{"items": [{"name": "a"}, {"name": "b"}, {"name": "c"}, {"name": "d"}]}"#) == ["field 'items' must have at most 3 items, not 4"])
    }

    /// `uniqueItems` compares pairs: a huge array is not checked for repeats (no core pinned by
    /// one request), a small one still is.
    @Test func uniqueItemsIsBoundedForHugeArrays() throws {
        let schema = #"{"properties": {"ids": {"type": "array", "uniqueItems": true}}}"#
        let huge = "[" + Array(repeating: "1", count: 200_000).joined(separator: ",") + "]"
        #expect(try Self.problems(schema, #"{"ids": \#(huge)}"#).isEmpty)
        #expect(try Self.problems(schema, #"{"ids": [1, 2, 1]}"#) == ["field 'ids' must not repeat items (items 0 and 2 are equal)"])
    }

    /// A schema whose `$ref`s fan out (each definition referring twice to the next) would cost
    /// 2^40 checks; a budget per validation ends it, and what is left passes.
    @Test(.timeLimit(.minutes(1))) func fanningReferencesEndWithinABudget() throws {
        var defs: [String] = []
        for n in 0..<40 { defs.append(##""d\##(n)": {"allOf": [{"$ref": "#/$defs/d\##(n + 1)"}, {"$ref": "#/$defs/d\##(n + 1)"}]}"##) }
        defs.append(#""d40": {"type": "string"}"#)
        let schema = ##"{"$defs": {\##(defs.joined(separator: ", "))}, "properties": {"x": {"$ref": "#/$defs/d0"}}}"##
        _ = try Self.problems(schema, #"{"x": 1}"#)
    }

    @Test func tuplesAndAdditionalSchemas() throws {
        let modern = #"{"properties": {"p": {"prefixItems": [{"type": "number"}, {"type": "string"}], "items": false}}}"#
        #expect(try Self.problems(modern, #"{"p": [1, "a"]}"#).isEmpty)
        #expect(try Self.problems(modern, #"{"p": ["a"]}"#) == ["field 'p[0]' must be a number, not a string"])
        #expect(try Self.problems(modern, #"{"p": [1, "a", 2]}"#) == ["field 'p[2]' is not allowed here"])
        let draft7 = #"{"properties": {"p": {"items": [{"type": "number"}], "additionalItems": {"type": "boolean"}}}}"#
        #expect(try Self.problems(draft7, #"{"p": [1, true, "x"]}"#) == ["field 'p[2]' must be a boolean, not a string"])
        let map = #"{"properties": {"env": {"type": "object", "additionalProperties": {"type": "string"}, "patternProperties": {"^N_": {"type": "integer"}}}}}"#
        #expect(try Self.problems(map, #"{"env": {"A": "x", "N_1": 2}}"#).isEmpty)
        #expect(try Self.problems(map, #"{"env": {"A": 1, "N_1": "x"}}"#) == ["field 'env.A' must be a string, not a number", "field 'env.N_1' must be an integer, not a string"])
        let sizes = #"{"properties": {"o": {"minProperties": 1, "maxProperties": 1, "dependentRequired": {"a": ["b"]}}}}"#
        #expect(try Self.problems(sizes, #"{"o": {}}"#) == ["field 'o' must have at least 1 field, not 0"])
        #expect(try Self.problems(sizes, #"{"o": {"a": 1}}"#) == ["field 'o.b' is required when 'a' is given"])
    }

    @Test func combinators() throws {
        let schema = #"""
            {"properties": {"id": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
             "mode": {"oneOf": [{"const": "fast"}, {"const": "safe"}]},
             "shape": {"anyOf": [{"type": "object", "required": ["radius"], "properties": {"radius": {"type": "number"}}}, {"type": "string"}]},
             "both": {"allOf": [{"minimum": 1}, {"maximum": 5}]}}}
            """#
        #expect(try Self.problems(schema, #"{"id": 3, "mode": "safe", "shape": {"radius": 2}, "both": 3}"#).isEmpty)
        #expect(try Self.problems(schema, #"{"id": true}"#) == ["field 'id' must be a string or an integer, not a boolean"])
        #expect(try Self.problems(schema, #"{"mode": "slow"}"#) == [#"field 'mode' must be one of "fast", "safe""#])
        #expect(try Self.problems(schema, #"{"shape": {"radius": "big"}}"#) == ["field 'shape.radius' must be a number, not a string"], "the branch whose type fit")
        #expect(try Self.problems(schema, #"{"both": 9}"#) == ["field 'both' must be at most 5, not 9"])
        // Branches that look alike once unknown keywords are ignored: oneOf passes.
        #expect(try Self.problems(#"{"properties": {"d": {"oneOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "email"}]}}}"#, #"{"d": "x"}"#).isEmpty)
    }

    @Test func localReferencesAndCycles() throws {
        let schema = #"""
            {"type": "object", "required": ["order"], "properties": {"order": {"$ref": "#/$defs/Order"}},
             "$defs": {"Order": {"type": "object", "required": ["lines"], "properties": {"lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}}}},
                       "Line": {"type": "object", "required": ["sku"], "properties": {"sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1}}}}}
            """#
        #expect(try Self.problems(schema, #"{"order": {"lines": [{"sku": "a", "qty": 2}]}}"#).isEmpty)
        #expect(try Self.problems(schema, #"{"order": {"lines": [{"sku": "a"}, {"qty": 0}]}}"#) == ["field 'order.lines[1].sku' is required", "field 'order.lines[1].qty' must be at least 1, not 0"])
        let draft7 = ##"{"properties": {"u": {"$ref": "#/definitions/U"}}, "definitions": {"U": {"type": "string"}}}"##
        #expect(try Self.problems(draft7, #"{"u": 1}"#) == ["field 'u' must be a string, not a number"])
        let tree = ##"{"$defs": {"Node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/$defs/Node"}}, "v": {"type": "integer"}}}}, "properties": {"root": {"$ref": "#/$defs/Node"}}}"##
        #expect(try Self.problems(tree, #"{"root": {"children": [{"children": [{"v": "x"}]}]}}"#) == ["field 'root.children[0].children[0].v' must be an integer, not a string"])
        let cycle = ##"{"$defs": {"A": {"$ref": "#/$defs/B"}, "B": {"anyOf": [{"$ref": "#/$defs/A"}]}}, "properties": {"x": {"$ref": "#/$defs/A"}}}"##
        #expect(try Self.problems(cycle, #"{"x": 1}"#).isEmpty, "a cycle that consumes no data passes, and ends")
        #expect(try Self.problems(##"{"properties": {"x": {"$ref": "https://example.com/s.json"}, "y": {"$ref": "#/$defs/Missing"}}}"##, ##"{"x": 1, "y": 2}"##).isEmpty)
    }

    @Test func whatItDoesNotUnderstandNeverRejects() throws {
        #expect(try Self.problems(#"{"type": "object", "properties": {"a": {"type": "any"}, "f": {"type": "string", "format": "email"}, "n": {"not": {"type": "string"}}}, "x-vendor": 1}"#,
                                  #"{"a": 1, "f": "nope", "n": "str"}"#).isEmpty)
        #expect(try Self.problems(#"{"type": "string"}"#, #"{"a": 1}"#).isEmpty, "a root that is not an object schema cannot refuse an object")
        #expect(try Self.problems(#"true"#, #"{"a": 1}"#).isEmpty)
        #expect(try Self.problems(#"[1, 2]"#, #"{"a": 1}"#).isEmpty)
        #expect(try Self.problems(#"{"properties": {"a": {"minimum": "three", "maxLength": true, "required": "yes", "enum": 3}}}"#, #"{"a": 1}"#).isEmpty)
    }

    @Test func theErrorNamesTheToolAndEveryField() throws {
        let schema = try JSONDecoder().decode(Value.self, from: Data(Self.weather.utf8))
        #expect(throws: ToolInputError.self) { try ToolInputValidator(schema: schema).validate(["unit": "k"], tool: "weather/forecast") }
        do {
            try ToolInputValidator(schema: schema).validate(["unit": "k"], tool: "weather/forecast")
        } catch {
            #expect(error.description == #"tool 'weather/forecast': field 'city' is required; field 'unit' must be one of "c", "f""#)
            #expect(error.summary == #"field 'city' is required; field 'unit' must be one of "c", "f""#)
        }
    }

    /// The schemas the built-in server lists, as tools/list answers them.
    @Test func theBuiltinServersToolsAreCheckedAsTheyMean() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("validator-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let server = BuiltinMCPServer(configuration: try BuiltinServerConfiguration(root: root, version: "test"))
        let reply = try #require(await server.handle(Data(#"{"jsonrpc": "2.0", "id": 1, "method": "tools/list"}"#.utf8)))
        struct Reply: Decodable { let result: ListTools.Result }
        let tools = try JSONDecoder().decode(Reply.self, from: reply).result.tools
        func check(_ name: String, _ arguments: [String: Value]) throws -> [String] {
            let tool = try #require(tools.first { $0.name == name }, "\(tools.map(\.name))")
            return ToolInputValidator(schema: tool.inputSchema).problems(in: arguments).map(\.description)
        }
        #expect(try check("echo", ["text": "hi"]).isEmpty)
        #expect(try check("echo", [:]) == ["field 'text' is required"])
        #expect(try check("calculate", ["expression": 42]) == ["field 'expression' must be a string, not a number"])
        #expect(try check("current_time", [:]).isEmpty)
        #expect(try check("current_time", ["timezone": "UTC"]).isEmpty)
        #expect(try check("list_directory", ["path": .null]) == ["field 'path' must be a string, not null"])
        #expect(try check("read_file", ["path": "a.txt", "max_bytes": 2.0]).isEmpty)
        #expect(try check("read_file", ["path": "a.txt", "max_bytes": 0]) == ["field 'max_bytes' must be at least 1, not 0"])
        #expect(try check("read_file", ["max_bytes": "10"]) == ["field 'path' is required", "field 'max_bytes' must be an integer, not a string"])
    }
}
