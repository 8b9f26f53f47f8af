import MCP

/// Which server answers a read of a URI: the servers that list it, else those whose resource
/// template fits it most specifically. Pure, so `/mcp` and the model's resource functions
/// route a URI the same way.
public enum ResourceLocator {
    /// The servers (in the order given) whose lists hold exactly `uri`.
    public static func listing(_ uri: String, in lists: [(server: String, resources: [Resource])]) -> [String] {
        lists.filter { $0.resources.contains { $0.uri == uri } }.map(\.server)
    }

    /// The servers (in the order given) with a template that matches `uri` and is the most
    /// specific of all that match (longest literal text); empty when none matches. Templates are
    /// read strictly first, then leniently (``URITemplate/matches(_:lenient:)``) when none fits.
    public static func bestTemplates(for uri: String, in lists: [(server: String, templates: [Resource.Template])]) -> [String] {
        let strict = bestTemplates(for: uri, in: lists, lenient: false)
        return strict.isEmpty ? bestTemplates(for: uri, in: lists, lenient: true) : strict
    }

    static func bestTemplates(for uri: String, in lists: [(server: String, templates: [Resource.Template])], lenient: Bool) -> [String] {
        var best: (length: Int, servers: [String])?
        for (server, templates) in lists {
            for template in templates {
                let pattern = URITemplate(template.uriTemplate)
                guard pattern.literalLength > 0, pattern.matches(uri, lenient: lenient) else { continue }
                let length = pattern.literalLength
                if length > best?.length ?? -1 {
                    best = (length, [server])
                } else if length == best?.length, best?.servers.contains(server) == false {
                    best?.servers.append(server)
                }
            }
        }
        return best?.servers ?? []
    }

    /// The URIs and templates closest to a URI no server has, best first: likely typos, else
    /// those sharing the longest start with it (the same scheme and folder), so a caller that
    /// guessed a URI always learns some real ones.
    public static func closest(
        to uri: String, resources: [Resource], templates: [Resource.Template], limit: Int = 3
    ) -> [String] {
        let candidates = Array(Set(resources.map(\.uri) + templates.map(\.uriTemplate)))
        let typos = NameSuggestion.ranked(to: uri, in: candidates, limit: limit)
        if !typos.isEmpty { return typos }
        func shared(_ candidate: String) -> Int {
            zip(candidate.unicodeScalars, uri.unicodeScalars).prefix { $0 == $1 }.count
        }
        let ranked = candidates.map { (uri: $0, shared: shared($0)) }.sorted { ($1.shared, $0.uri) < ($0.shared, $1.uri) }
        return ranked.prefix(limit).map(\.uri)
    }
}
