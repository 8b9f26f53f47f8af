import Foundation
import GatewayRuntime
import MCP
import MCPGateway

/// Resources and prompts of every server; a server that fails to list is named in `errors`
/// and never hides the others.
extension GatewayAPI {
    struct ListingError: Encodable {
        let server: String
        let message: String

        init(_ failure: ListingFailure) {
            server = failure.server
            message = APIError(failure.error).message
        }
    }

    /// The usable servers to list, or just `?server_name=S`.
    func listedServers(_ request: APIRequest, _ caller: Caller) async throws -> [String] {
        if let only = request.query["server_name"] { return [try await knownServer(only, for: caller)] }
        return await manager.status().filter { $0.isUsable && caller.allows(server: $0.name) }.map(\.name)
    }

    func resources(_ request: APIRequest, _ caller: Caller) async throws -> APIResponse {
        struct List: Encodable {
            let resources: [ResourceEntry]
            let resource_templates: [ResourceEntry]
            let errors: [ListingError]
        }
        let (resources, templates, failures) = await runtime.listResources(servers: try await listedServers(request, caller))
        return .json(List(resources: resources, resource_templates: templates, errors: failures.map(ListingError.init)))
    }

    /// `{"server_name", "uri"}` → the ReadResourceResult.
    func readResource(_ request: APIRequest, _ caller: Caller) async throws -> APIResponse {
        struct Body: Decodable {
            let server_name: String
            let uri: String
        }
        let read = try body(request, as: Body.self)
        return .json(try await manager.readResource(server: try await knownServer(read.server_name, for: caller), uri: read.uri))
    }

    func prompts(_ request: APIRequest, _ caller: Caller) async throws -> APIResponse {
        struct List: Encodable {
            let prompts: [PromptEntry]
            let errors: [ListingError]
        }
        let (prompts, failures) = await runtime.listPrompts(servers: try await listedServers(request, caller))
        return .json(List(prompts: prompts, errors: failures.map(ListingError.init)))
    }

    /// `{"server_name", "prompt_name", "arguments"}` → the GetPromptResult.
    func getPrompt(_ request: APIRequest, _ caller: Caller) async throws -> APIResponse {
        struct Body: Decodable {
            let server_name: String
            let prompt_name: String
            let arguments: [String: String]?
        }
        let get = try body(request, as: Body.self)
        let server = try await knownServer(get.server_name, for: caller)
        return .json(try await manager.getPrompt(server: server, name: get.prompt_name, arguments: get.arguments))
    }
}
