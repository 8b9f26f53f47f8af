import MCP
import MCPGateway

/// Running the two resource functions: listing within the model's character budget, and
/// reading a URI from the server that lists it or whose template fits it.
extension ResourceFunctions {
    /// Every resource and template of `servers` as JSON. Entries are dropped whole past the
    /// budget, with a note saying how many and how to see them, so the JSON stays valid.
    func list(_ servers: [String], limit: Int) async -> Answer {
        var resources: [Value] = [], templates: [Value] = [], failures: [Value] = []
        for server in servers {
            do {
                resources += try await router.listResources(server: server).map { Self.entry($0, server: server) }
            } catch {
                failures.append(.object(["server": .string(server), "error": .string("\(error)")]))
                continue
            }
            // A server may list resources without supporting templates (-32601): it has none.
            templates += ((try? await router.listResourceTemplates(server: server)) ?? []).map { Self.entry($0, server: server) }
        }
        var budget = limit - 400
        func fitting(_ entries: [Value]) -> [Value] {
            var kept: [Value] = []
            for entry in entries {
                let size = ContentRenderer.json(entry).count + 1
                guard size <= budget else { break }
                budget -= size
                kept.append(entry)
            }
            return kept
        }
        let shownResources = fitting(resources), shownTemplates = fitting(templates)
        var object: [String: Value] = ["resources": .array(shownResources), "resourceTemplates": .array(shownTemplates)]
        let hidden = (resources.count - shownResources.count, templates.count - shownTemplates.count)
        if hidden.0 + hidden.1 > 0 {
            object["notShown"] = .string(
                "\(hidden.0) more resources and \(hidden.1) more templates did not fit"
                    + (servers.count > 1 ? "; pass server to list one server's" : ""))
        }
        if !failures.isEmpty { object["errors"] = .array(failures) }
        return Answer(content: RenderedContent(text: ContentRenderer.json(.object(object))), isError: false)
    }

    /// Reads `uri` from `server`, or from the one server that has it: the server listing it,
    /// else the one whose template fits it best. Neither, or a tie, is an error that says how
    /// to recover (the closest URIs, or which servers to choose from).
    func read(_ uri: String, server: String?, renderer: ContentRenderer) async -> Answer {
        let target: String
        if let server {
            target = server
        } else {
            switch await locate(uri) {
            case .server(let found): target = found
            case .refused(let answer): return answer
            }
        }
        do {
            let result = try await router.readResource(server: target, uri: uri)
            return Answer(content: renderer.render(result.contents, from: target), isError: false, server: target)
        } catch {
            return .error("reading '\(uri)' from server '\(target)' failed: \(error)\(await hint(for: uri))", server: target)
        }
    }

    private enum Location {
        case server(String)
        case refused(Answer)
    }

    private func locate(_ uri: String) async -> Location {
        var lists: [(server: String, resources: [Resource])] = []
        for server in servers {
            lists.append((server, (try? await router.listResources(server: server)) ?? []))
        }
        let listing = ResourceLocator.listing(uri, in: lists)
        if listing.count == 1 { return .server(listing[0]) }
        if listing.count > 1 { return .refused(ambiguous(uri, listing)) }
        let matching = ResourceLocator.bestTemplates(for: uri, in: await templateLists())
        if matching.count == 1 { return .server(matching[0]) }
        if matching.count > 1 { return .refused(ambiguous(uri, matching)) }
        return .refused(.error("no server has the resource '\(uri)', and no resource template fits it.\(await hint(for: uri))"))
    }

    private func ambiguous(_ uri: String, _ servers: [String]) -> Answer {
        .error("the servers \(servers.map { "'\($0)'" }.joined(separator: " and ")) all have '\(uri)'; call again with server set to the one you mean.")
    }

    private func templateLists() async -> [(server: String, templates: [Resource.Template])] {
        var lists: [(server: String, templates: [Resource.Template])] = []
        for server in servers {
            lists.append((server, (try? await router.listResourceTemplates(server: server)) ?? []))
        }
        return lists
    }

    /// " The closest resources are: …" when there are any, so the model can pick a real one.
    private func hint(for uri: String) async -> String {
        var resources: [Resource] = []
        for server in servers { resources += (try? await router.listResources(server: server)) ?? [] }
        let templates = await templateLists().flatMap(\.templates)
        let close = ResourceLocator.closest(to: uri, resources: resources, templates: templates)
        return close.isEmpty ? "" : " The closest resources are: \(close.joined(separator: ", ")). Call lmg_list_resources to see them all."
    }

    static func entry(_ resource: Resource, server: String) -> Value {
        var object: [String: Value] = ["uri": .string(resource.uri), "name": .string(resource.name), "server": .string(server)]
        if let title = resource.title { object["title"] = .string(title) }
        if let description = resource.description { object["description"] = .string(description) }
        if let mimeType = resource.mimeType { object["mimeType"] = .string(mimeType) }
        if let size = resource.size { object["size"] = .int(size) }
        return .object(object)
    }

    static func entry(_ template: Resource.Template, server: String) -> Value {
        var object: [String: Value] = ["uriTemplate": .string(template.uriTemplate), "name": .string(template.name), "server": .string(server)]
        if let title = template.title { object["title"] = .string(title) }
        if let description = template.description { object["description"] = .string(description) }
        if let mimeType = template.mimeType { object["mimeType"] = .string(mimeType) }
        return .object(object)
    }
}
