import Foundation
import MCP
import MCPGateway

/// Resources and prompts of every server; a server that fails to list is named in `errors`
/// and never hides the others.
extension GatewayAPI {
    struct ListingError: Encodable {
        let server: String
        let message: String
    }

    /// The usable servers to list, or just `?server_name=S`.
    func listedServers(_ request: APIRequest, _ caller: Caller) async throws -> [String] {
        if let only = request.query["server_name"] { return [try await knownServer(only, for: caller)] }
        return await manager.status().filter { $0.isUsable && caller.allows(server: $0.name) }.map(\.name)
    }

    func resources(_ request: APIRequest, _ caller: Caller) async throws -> APIResponse {
        struct Entry: Encodable {
            let server: String
            let uri: String?
            let uriTemplate: String?
            let name: String
            let description: String?
            let mimeType: String?
        }
        struct List: Encodable {
            let resources: [Entry]
            let resource_templates: [Entry]
            let errors: [ListingError]
        }
        var resources: [Entry] = [], templates: [Entry] = [], errors: [ListingError] = []
        for server in try await listedServers(request, caller) {
            do {
                guard try await manager.client(named: server).serverCapabilities?.resources != nil else { continue }
                for resource in try await manager.listResources(server: server) {
                    resources.append(Entry(
                        server: server, uri: resource.uri, uriTemplate: nil, name: resource.name,
                        description: resource.description, mimeType: resource.mimeType))
                }
                // Templates are optional: a server without them may refuse the request.
                for template in (try? await manager.listResourceTemplates(server: server)) ?? [] {
                    templates.append(Entry(
                        server: server, uri: nil, uriTemplate: template.uriTemplate, name: template.name,
                        description: template.description, mimeType: template.mimeType))
                }
            } catch {
                errors.append(ListingError(server: server, message: APIError(error).message))
            }
        }
        return .json(List(resources: resources, resource_templates: templates, errors: errors))
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
        struct Entry: Encodable {
            let server: String
            let name: String
            let qualified_name: String
            let description: String?
            let arguments: [Prompt.Argument]?
        }
        struct List: Encodable {
            let prompts: [Entry]
            let errors: [ListingError]
        }
        var prompts: [Entry] = [], errors: [ListingError] = []
        for server in try await listedServers(request, caller) {
            do {
                guard try await manager.client(named: server).serverCapabilities?.prompts != nil else { continue }
                for prompt in try await manager.listPrompts(server: server) {
                    prompts.append(Entry(
                        server: server, name: prompt.name, qualified_name: ToolNamespace.qualifiedName(server: server, tool: prompt.name),
                        description: prompt.description, arguments: prompt.arguments))
                }
            } catch {
                errors.append(ListingError(server: server, message: APIError(error).message))
            }
        }
        return .json(List(prompts: prompts, errors: errors))
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
