import Foundation
import GatewayRuntime
import MCP
import MCPGateway

/// The REST gateway's core: routes a request to the runtime's manager and answers JSON.
///
/// Framework-free (see `GatewayHTTPServer` for the Hummingbird adapter), so routing, bodies and
/// every error status are tested by calling ``handle(_:)`` directly.
public struct GatewayAPI: Sendable {
    public let runtime: GatewayRuntime

    public init(runtime: GatewayRuntime) {
        self.runtime = runtime
    }

    var manager: MCPManager { runtime.manager }

    /// One route: its method and path, and what answers it.
    struct Route: Sendable {
        let method: String
        let path: String
        let handler: @Sendable (GatewayAPI, APIRequest) async throws -> APIResponse
    }

    static let routes: [Route] = [
        Route(method: "GET", path: "/healthz") { api, _ in await api.health() },
        Route(method: "GET", path: "/readyz") { api, _ in await api.readiness() },
        Route(method: "GET", path: "/mcp/servers") { api, _ in api.servers() },
        Route(method: "GET", path: "/mcp/servers/status") { api, _ in await api.serverStatus() },
        Route(method: "GET", path: "/mcp/tools") { api, request in try await api.tools(request) },
        Route(method: "POST", path: "/mcp/tools/call") { api, request in try await api.callTool(request) },
        Route(method: "GET", path: "/mcp/resources") { api, request in try await api.resources(request) },
        Route(method: "POST", path: "/mcp/resources/read") { api, request in try await api.readResource(request) },
        Route(method: "GET", path: "/mcp/prompts") { api, request in try await api.prompts(request) },
        Route(method: "POST", path: "/mcp/prompts/get") { api, request in try await api.getPrompt(request) },
        Route(method: "POST", path: "/mcp/oauth/refresh") { api, request in try await api.refreshTokens(request) },
    ]

    /// Answers `request`; never throws: every failure becomes its error response.
    public func handle(_ request: APIRequest) async -> APIResponse {
        let path = request.path.count > 1 && request.path.hasSuffix("/") ? String(request.path.dropLast()) : request.path
        let matching = Self.routes.filter { $0.path == path }
        guard !matching.isEmpty else {
            let known = Self.routes.map(\.path)
            let hint = NameSuggestion.closest(to: path, in: known).map { " (did you mean \($0)?)" } ?? ""
            return APIError.notFound("no route \(request.method) \(path)\(hint)").response
        }
        guard let route = matching.first(where: { $0.method == request.method }) else {
            let allowed = matching.map(\.method).joined(separator: ", ")
            var response = APIError(status: 405, code: "method_not_allowed", message: "\(path) takes \(allowed), not \(request.method)").response
            response.headers["Allow"] = allowed
            return response
        }
        do {
            return try await route.handler(self, request)
        } catch {
            return APIError(error).response
        }
    }

    // MARK: - Bodies

    /// The request's JSON body decoded as `T`; a malformed body is a 400 naming the field.
    func body<T: Decodable>(_ request: APIRequest, as type: T.Type) throws -> T {
        guard !request.body.isEmpty else { throw APIError.badRequest("the request needs a JSON body") }
        do {
            return try JSONDecoder().decode(T.self, from: request.body)
        } catch let error as DecodingError {
            throw APIError.badRequest(Self.describe(error))
        } catch {
            throw APIError.badRequest("the body is not JSON")
        }
    }

    /// `DecodingError` as one line naming the field.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "field '\(parent.isEmpty ? key.stringValue : parent + "." + key.stringValue)' is required"
        case .typeMismatch(let type, let context):
            return "field '\(path(context))' must be \(Self.kind(type))"
        case .valueNotFound(let type, let context):
            return "field '\(path(context))' must be \(Self.kind(type)), not null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "field '\(path(context))' is not valid"
        @unknown default:
            return "the body does not match the expected shape"
        }
    }

    static func kind(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: return "a string"
        case is Int.Type, is Double.Type: return "a number"
        case is Bool.Type: return "true or false"
        case is [String: Value].Type, is [String: String].Type, is [String: Any].Type: return "an object"
        case is [Any].Type: return "an array"
        default: return "of another type"
        }
    }

    /// The server named in a body or query, which must be configured.
    func knownServer(_ name: String) async throws -> String {
        let names = await manager.serverNames
        guard names.contains(name) else { throw MCPManagerError.unknownServer(name, known: names) }
        return name
    }
}
