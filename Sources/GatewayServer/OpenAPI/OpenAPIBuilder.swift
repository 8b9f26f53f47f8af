import Foundation
import MCP
import MCPGateway

/// The gateway's OpenAPI 3.1 document, built from the tools a caller may see now: one
/// operation per tool at `/tools/{server}/{tool}` (its inputSchema as the body, its
/// outputSchema as the result's `structuredContent`), every `/mcp/*` route and probe, and every
/// error status each can answer. Pure: the same tools and settings give the same document.
public struct OpenAPIBuilder: Sendable {
    public var title = "lmg gateway"
    public var version: String
    /// `server.api_keys` is set: operations but the probes need a bearer key (401, and 403 for
    /// what a key may not do).
    public var secured: Bool
    /// `server.rate_limit` is set: operations that need a key may answer 429.
    public var rateLimited: Bool

    public init(version: String, secured: Bool, rateLimited: Bool) {
        (self.version, self.secured, self.rateLimited) = (version, secured, rateLimited)
    }

    /// The document for `tools` (already filtered by what the caller may call).
    public func document(tools: [QualifiedTool]) -> Value {
        var paths: [String: [String: Value]] = [:]
        var schemas = OpenAPISchemas.all
        for operation in GatewayOperation.all {
            paths[operation.path, default: [:]][operation.method] = render(operation)
        }
        var ids = Set(GatewayOperation.all.map(\.operationId))
        for tool in tools.sorted(by: { ($0.server, $0.tool.name) < ($1.server, $1.tool.name) }) {
            var id = "call_" + SchemaHoisting.componentName(tool.server) + "_" + SchemaHoisting.componentName(tool.tool.name)
            while !ids.insert(id).inserted { id += "_" }
            let path = "/tools/" + Self.pathComponent(tool.server) + "/" + Self.pathComponent(tool.tool.name)
            paths[path, default: [:]]["post"] = toolOperation(tool, id: id, schemas: &schemas)
        }
        var components: [String: Value] = [
            "schemas": .object(schemas),
            "responses": .object(Self.errorResponses),
        ]
        var document: [String: Value] = [
            "openapi": "3.1.0",
            "info": [
                "title": .string(title), "version": .string(version),
                "description": "The REST gateway over lmg's MCP servers. Errors are always {\"error\": {\"code\", \"message\"}}; every answer carries an X-Request-Id.",
            ],
            "paths": .object(paths.mapValues { .object($0) }),
            "tags": [
                ["name": "tools", "description": "One operation per tool: the body is the arguments object."],
                ["name": "mcp", "description": "Tools, resources and prompts by server and name."],
                ["name": "servers", "description": "The servers behind the gateway."],
                ["name": "operations", "description": "Probes and this document."],
            ],
        ]
        if secured {
            components["securitySchemes"] = ["bearer": ["type": "http", "scheme": "bearer", "description": "A key from server.api_keys."]]
            document["security"] = [["bearer": []]]
        }
        document["components"] = .object(components)
        return .object(document)
    }

    // MARK: - Operations

    func render(_ operation: GatewayOperation) -> Value {
        var item: [String: Value] = [
            "operationId": .string(operation.operationId), "summary": .string(operation.summary), "tags": [.string(operation.tag)],
        ]
        var parameters: [Value] = operation.pathParameters.map {
            ["name": .string($0.name), "in": "path", "required": true, "description": .string($0.description), "schema": OpenAPISchemas.string]
        }
        parameters += operation.query.map {
            ["name": .string($0.name), "in": "query", "required": false, "description": .string($0.description), "schema": OpenAPISchemas.string]
        }
        if !parameters.isEmpty { item["parameters"] = .array(parameters) }
        if let body = operation.body {
            item["requestBody"] = ["required": .bool(operation.bodyRequired), "content": ["application/json": ["schema": OpenAPISchemas.ref(body)]]]
        }
        var responses: [String: Value] = [:]
        let (status, description, schema) = operation.success
        if let schema {
            responses[String(status)] = ["description": .string(description), "content": ["application/json": ["schema": OpenAPISchemas.ref(schema)]]]
        } else if operation.path == "/docs" {
            responses[String(status)] = ["description": .string(description), "content": ["text/html": ["schema": OpenAPISchemas.string]]]
        } else {
            responses[String(status)] = ["description": .string(description)]
        }
        for error in errors(of: operation) { responses[String(error)] = ["$ref": .string("#/components/responses/\(error)")] }
        if operation.path == "/readyz" {
            // Not ready has the same shape: the load balancer reads why.
            responses["503"] = ["description": "Not ready: the shared store is unavailable", "content": ["application/json": ["schema": OpenAPISchemas.ref("Ready")]]]
        }
        item["responses"] = .object(responses)
        if operation.role == nil { item["security"] = [] }
        return .object(item)
    }

    /// The statuses an operation can fail with under this configuration.
    func errors(of operation: GatewayOperation) -> [Int] {
        var statuses = Set(operation.errors)
        if operation.body != nil { statuses.formUnion([400, 413]) }
        if secured, operation.role != nil {
            statuses.insert(401)
            if rateLimited { statuses.insert(429) }
            if operation.role == .admin || operation.serverScoped { statuses.insert(403) }
        }
        return statuses.sorted()
    }

    func toolOperation(_ tool: QualifiedTool, id: String, schemas: inout [String: Value]) -> Value {
        let prefix = SchemaHoisting.componentName(tool.server) + "." + SchemaHoisting.componentName(tool.tool.name) + "."
        var input = SchemaHoisting(prefix: prefix + "input.", root: tool.tool.inputSchema)
        var body = input.rewrite()
        if body.objectValue == nil { body = OpenAPISchemas.anyObject }
        schemas.merge(input.components) { first, _ in first }
        var result = OpenAPISchemas.ref("CallToolResult")
        if let outputSchema = tool.tool.outputSchema {
            var output = SchemaHoisting(prefix: prefix + "output.", root: outputSchema)
            let structured = output.rewrite()
            schemas.merge(output.components) { first, _ in first }
            // A result that failed (isError) need not match the outputSchema; one that worked must.
            result = [
                "allOf": [OpenAPISchemas.ref("CallToolResult")],
                "if": ["required": ["isError"], "properties": ["isError": ["const": true]]],
                "else": ["properties": ["structuredContent": structured]],
            ]
        }
        let summary = tool.tool.title ?? tool.tool.annotations.title ?? tool.tool.name
        let description = tool.tool.description ?? ""
        var responses: [String: Value] = [
            "200": ["description": "The CallToolResult; a tool that failed is still a 200 with isError", "content": ["application/json": ["schema": result]]],
        ]
        var statuses: Set<Int> = [400, 404, 413, 422, 502, 503, 504]
        if secured {
            statuses.formUnion([401, 403])
            if rateLimited { statuses.insert(429) }
        }
        for status in statuses.sorted() { responses[String(status)] = ["$ref": .string("#/components/responses/\(status)")] }
        return [
            "operationId": .string(id), "summary": .string(summary), "description": .string(description),
            "tags": ["tools"],
            // An empty body is `{}`, which a schema with required fields refuses.
            "requestBody": ["required": .bool(!(body.objectValue?["required"]?.arrayValue ?? []).isEmpty), "content": ["application/json": ["schema": body]]],
            "responses": .object(responses),
        ]
    }

    // MARK: - Errors

    static let errorResponses: [String: Value] = {
        let described: [(Int, String)] = [
            (400, "The body or a field is malformed (the message names the field)"),
            (401, "No API key, or one this gateway does not know"),
            (403, "The key may not do this, or the server entry is refused (stdio, a host not allowed)"),
            (404, "No such server, tool, resource or prompt (the message names the closest)"),
            (408, "The body did not arrive within server.body_timeout (the connection closes)"),
            (409, "The name is taken, or belongs to the config file"),
            (413, "The body is over server.max_body_bytes"),
            (422, "The arguments do not match the tool's inputSchema (the message names the field)"),
            (429, "The key is over server.rate_limit"),
            (502, "The MCP server failed"),
            (503, "The server is disabled, down (its breaker is open) or the gateway is shutting down"),
            (504, "The MCP server did not answer in time"),
        ]
        var responses: [String: Value] = [:]
        for (status, description) in described {
            var response: [String: Value] = [
                "description": .string(description), "content": ["application/json": ["schema": OpenAPISchemas.ref("Error")]],
            ]
            switch status {
            case 401: response["headers"] = ["WWW-Authenticate": ["schema": OpenAPISchemas.string, "description": "Bearer"]]
            case 429, 503: response["headers"] = ["Retry-After": ["schema": OpenAPISchemas.integer, "description": "Seconds to wait"]]
            default: break
            }
            responses[String(status)] = .object(response)
        }
        return responses
    }()

    /// A name as one path component: everything but unreserved characters percent-encoded
    /// (so `{`, `/` and spaces in a name cannot make another path).
    static func pathComponent(_ name: String) -> String {
        name.addingPercentEncoding(withAllowedCharacters: unreserved) ?? name
    }

    static let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
}
