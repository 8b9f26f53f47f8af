import MCP
import MCPGateway

/// One resource or resource template of one server, as every front end lists it.
public struct ResourceEntry: Encodable, Sendable, Equatable {
    public let server: String
    public let uri: String?
    public let uriTemplate: String?
    public let name: String
    public let description: String?
    public let mimeType: String?
}

/// One prompt of one server, as every front end lists it.
public struct PromptEntry: Encodable, Sendable {
    public let server: String
    public let name: String
    /// The name `/prompt` and the gateway resolve (`server__prompt`).
    public let qualified_name: String
    public let description: String?
    public let arguments: [Prompt.Argument]?
}

/// A server that could not be listed, and why.
public struct ListingFailure: Sendable {
    public let server: String
    public let error: any Error
}

/// Resources and prompts across servers for every front end (`lmg resources`, `lmg prompts`,
/// the gateway): each server is asked on its own, and one that fails — even one lost in the
/// middle of the listing — is named with its error and never hides the others.
extension GatewayRuntime {
    /// The servers a listing asks: those up now.
    public func usableServers() async -> [String] {
        await manager.status().filter(\.isUsable).map(\.name)
    }

    /// Every resource and template of `servers` (templates are optional: a server may refuse them).
    public func listResources(servers: [String]) async -> (resources: [ResourceEntry], templates: [ResourceEntry], failures: [ListingFailure]) {
        var resources: [ResourceEntry] = [], templates: [ResourceEntry] = [], failures: [ListingFailure] = []
        for server in servers {
            do {
                guard try await manager.client(named: server).serverCapabilities?.resources != nil else { continue }
                for resource in try await manager.listResources(server: server) {
                    resources.append(ResourceEntry(
                        server: server, uri: resource.uri, uriTemplate: nil, name: resource.name,
                        description: resource.description, mimeType: resource.mimeType))
                }
                for template in (try? await manager.listResourceTemplates(server: server)) ?? [] {
                    templates.append(ResourceEntry(
                        server: server, uri: nil, uriTemplate: template.uriTemplate, name: template.name,
                        description: template.description, mimeType: template.mimeType))
                }
            } catch {
                failures.append(ListingFailure(server: server, error: error))
            }
        }
        return (resources, templates, failures)
    }

    /// Every prompt of `servers`.
    public func listPrompts(servers: [String]) async -> (prompts: [PromptEntry], failures: [ListingFailure]) {
        var prompts: [PromptEntry] = [], failures: [ListingFailure] = []
        for server in servers {
            do {
                guard try await manager.client(named: server).serverCapabilities?.prompts != nil else { continue }
                for prompt in try await manager.listPrompts(server: server) {
                    prompts.append(PromptEntry(
                        server: server, name: prompt.name, qualified_name: ToolNamespace.qualifiedName(server: server, tool: prompt.name),
                        description: prompt.description, arguments: prompt.arguments))
                }
            } catch {
                failures.append(ListingFailure(server: server, error: error))
            }
        }
        return (prompts, failures)
    }
}
