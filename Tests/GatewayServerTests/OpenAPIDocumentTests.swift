import Foundation
import MCP
import MCPGateway
import Testing
@testable import GatewayServer

/// The OpenAPI document and the docs page as pure values: tool schemas carried over with their
/// `$defs` hoisted and every `$ref` resolving inside the document, result schemas, security,
/// error statuses, and the route matcher behind the paths.
@Suite("Gateway OpenAPI: document and docs")
struct OpenAPIDocumentTests {
    static func value(_ json: String) throws -> Value { try JSONDecoder().decode(Value.self, from: Data(json.utf8)) }

    static let orderTool = Tool(
        name: "place_order", description: "Places an <order>", inputSchema: try! value(##"""
            {"type": "object", "required": ["order"], "$schema": "https://json-schema.org/draft/2020-12/schema",
             "properties": {"order": {"$ref": "#/$defs/Order"}, "legacy": {"$ref": "#/definitions/Old"}, "again": {"$ref": "#"},
                            "$ref": {"type": "string", "description": "a property named $ref is data, not a reference"},
                            "remote": {"$ref": "https://example.com/schema.json"}},
             "$defs": {"Order": {"type": "object", "properties": {"lines": {"type": "array", "items": {"$ref": "#/$defs/Line"}}}},
                       "Line": {"type": "object", "properties": {"sku": {"type": "string", "enum": [{"$ref": "not a ref"}]}}}},
             "definitions": {"Old": {"type": "integer"}}}
            """##),
        outputSchema: try! value(##"{"type": "object", "properties": {"receipt": {"$ref": "#/$defs/Receipt"}}, "$defs": {"Receipt": {"type": "string"}}}"##))

    static let tools = ToolNamespace([
        ("shop", orderTool), ("odd", Tool(name: "a b/c", description: nil, inputSchema: ["type": "object"])),
    ]).tools

    static func document(secured: Bool = false, rateLimited: Bool = false) -> [String: Value] {
        OpenAPIBuilder(version: "1.2.3", secured: secured, rateLimited: rateLimited).document(tools: tools).objectValue!
    }

    static func at(_ value: Value?, _ path: String...) -> Value? {
        path.reduce(value) { node, key in node?.objectValue?[key] }
    }

    /// Every `$ref` string in `value`, wherever it sits.
    static func references(in value: Value) -> [String] {
        switch value {
        case .object(let members):
            (members["$ref"]?.stringValue.map { [$0] } ?? []) + members.values.flatMap(references(in:))
        case .array(let items): items.flatMap(references(in:))
        default: []
        }
    }

    @Test func toolSchemasAreHoistedAndEveryReferenceResolvesInTheDocument() throws {
        let document = Self.document()
        let root = Value.object(document)
        #expect(document["openapi"] == "3.1.0")
        let operation = try #require(Self.at(root, "paths", "/tools/shop/place_order", "post"))
        let body = try #require(Self.at(operation, "requestBody", "content", "application/json", "schema"))
        #expect(Self.at(body, "$defs") == nil && Self.at(body, "definitions") == nil && Self.at(body, "$schema") == nil)
        #expect(Self.at(body, "properties", "order", "$ref") == "#/components/schemas/shop.place_order.input.Order")
        #expect(Self.at(body, "properties", "legacy", "$ref") == "#/components/schemas/shop.place_order.input.Old")
        #expect(Self.at(body, "properties", "again", "$ref") == "#/components/schemas/shop.place_order.input", "# is the tool's own schema")
        #expect(Self.at(body, "properties", "remote", "$ref") == nil, "a remote reference is dropped, never fetched")
        #expect(Self.at(body, "properties", "$ref", "type") == "string", "a property named $ref is kept as it is")
        #expect(Self.at(operation, "requestBody", "required") == true, "an empty body would miss 'order'")
        let schemas = try #require(Self.at(root, "components", "schemas"))
        #expect(Self.at(schemas, "shop.place_order.input.Order", "properties", "lines", "items", "$ref") == "#/components/schemas/shop.place_order.input.Line")
        #expect(Self.at(schemas, "shop.place_order.input.Line", "properties", "sku", "enum") == [["$ref": "not a ref"]], "data stays data")
        for reference in Self.references(in: root) where reference != "not a ref" {
            #expect(SchemaReference.resolve(reference, in: root) != nil, "\(reference) does not resolve in the document")
        }
    }

    @Test func theResultCarriesTheOutputSchemaUnlessTheToolFailed() throws {
        let root = Value.object(Self.document())
        let result = try #require(Self.at(root, "paths", "/tools/shop/place_order", "post", "responses", "200", "content", "application/json", "schema"))
        #expect(Self.at(result, "allOf") == [["$ref": "#/components/schemas/CallToolResult"]])
        #expect(Self.at(result, "else", "properties", "structuredContent") == ["type": "object", "properties": ["receipt": ["$ref": "#/components/schemas/shop.place_order.output.Receipt"]]])
        #expect(Self.at(result, "if", "properties", "isError", "const") == true)
        let plain = try #require(Self.at(root, "paths", "/tools/odd/a%20b%2Fc", "post"), "names are percent-encoded into one path component")
        #expect(Self.at(plain, "responses", "200", "content", "application/json", "schema") == ["$ref": "#/components/schemas/CallToolResult"])
        #expect(Self.at(plain, "requestBody", "required") == false)
        #expect(Self.at(plain, "operationId") == "call_odd_a_b_c")
    }

    @Test func securityAndErrorStatusesFollowTheConfiguration() throws {
        let open = Value.object(Self.document())
        #expect(Self.at(open, "components", "securitySchemes") == nil && Self.at(open, "security") == nil)
        #expect(Self.at(open, "paths", "/mcp/tools/call", "post", "responses", "401") == nil, "no keys: no 401")
        #expect(Self.at(open, "paths", "/mcp/tools/call", "post", "responses", "422", "$ref") == "#/components/responses/422")
        let secured = Value.object(Self.document(secured: true, rateLimited: true))
        #expect(Self.at(secured, "components", "securitySchemes", "bearer", "scheme") == "bearer")
        let call = try #require(Self.at(secured, "paths", "/mcp/tools/call", "post", "responses")?.objectValue)
        #expect(call.keys.sorted() == ["200", "400", "401", "403", "404", "413", "422", "429", "502", "503", "504"])
        #expect(Self.at(secured, "paths", "/healthz", "get", "security") == [], "probes need no key")
        #expect(Self.at(secured, "paths", "/healthz", "get", "responses", "401") == nil)
        let delete = try #require(Self.at(secured, "paths", "/mcp/servers/{name}", "delete", "responses")?.objectValue)
        #expect(delete.keys.sorted() == ["204", "401", "403", "404", "409", "429"])
        #expect(Self.at(secured, "components", "responses", "429", "headers", "Retry-After") != nil)
        // Operation ids are unique across the whole document.
        var ids: [String] = []
        for (_, item) in Self.at(secured, "paths")?.objectValue ?? [:] {
            for (_, operation) in item.objectValue ?? [:] { ids += [Self.at(operation, "operationId")?.stringValue ?? ""] }
        }
        #expect(Set(ids).count == ids.count && ids.count == GatewayOperation.all.count + Self.tools.count)
    }

    @Test func theDocsPageIsSelfContained() {
        let html = DocsPage.html(OpenAPIBuilder(version: "1", secured: true, rateLimited: false).document(tools: Self.tools))
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("/tools/shop/place_order") && html.contains("/mcp/tools/call") && html.contains("shop.place_order.input.Order"))
        #expect(html.contains("Places an &lt;order&gt;") && !html.contains("<order>"), "tool text is escaped")
        // Schemas may quote an https URL as text (a pattern, an example); what must never appear is markup that fetches.
        for outside in ["<script", "<link", "<img", "<iframe", "src=", "url(", "@import", "href=\"http", "href=\"//"] {
            #expect(!html.contains(outside), "the page must not load anything: found \(outside)")
        }
    }

    @Test func routePatternsMatchWholeComponentsAndDecodeParameters() {
        let pattern = RoutePattern("/tools/{server}/{tool}")
        #expect(pattern.parameterCount == 2)
        #expect(pattern.match(RoutePattern.components(of: "/tools/my%20srv/a%2Fb")) == ["server": "my srv", "tool": "a/b"])
        #expect(pattern.match(RoutePattern.components(of: "/tools/x")) == nil)
        #expect(pattern.match(RoutePattern.components(of: "/tools/x/y/z")) == nil)
        #expect(pattern.match(RoutePattern.components(of: "/tools//y")) == nil, "an empty parameter is no match")
        #expect(pattern.match(RoutePattern.components(of: "/tools/%zz/y")) == nil, "a bad escape is no match")
        #expect(RoutePattern("/mcp/servers/status").match(RoutePattern.components(of: "/mcp/servers/status")) == [:])
    }
}
