/// The parts of a `WWW-Authenticate` header that discovery needs (RFC 6750 §3, RFC 9728 §5.1).
///
/// A small hand parser rather than a regex: the header may hold several schemes and quoted
/// strings with commas, and only the Bearer parameters matter.
struct BearerChallenge: Sendable, Equatable {
    /// `resource_metadata`: where the Protected Resource Metadata lives.
    var resourceMetadata: String?
    /// `error`, e.g. `invalid_token`.
    var error: String?
    /// `scope` the server asks for.
    var scope: String?

    /// Parses `header`; nil when it has no Bearer challenge.
    init?(header: String?) {
        guard let header else { return nil }
        var params: [String: String] = [:]
        var inBearer = false
        var sawBearer = false
        var rest = Substring(header)
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," || $0 == "\t" }
            if rest.isEmpty { break }
            let name = rest.prefix { $0 != "=" && $0 != " " && $0 != "," }
            rest = rest.dropFirst(name.count)
            let spaces = rest.prefix { $0 == " " }
            if rest.dropFirst(spaces.count).first == "=" {
                rest = rest.dropFirst(spaces.count + 1).drop { $0 == " " }
                var value = ""
                if rest.first == "\"" {
                    rest = rest.dropFirst()
                    var escaped = false
                    while let char = rest.first {
                        rest = rest.dropFirst()
                        if escaped { value.append(char); escaped = false; continue }
                        if char == "\\" { escaped = true; continue }
                        if char == "\"" { break }
                        value.append(char)
                    }
                } else {
                    let token = rest.prefix { $0 != "," && $0 != " " }
                    value = String(token)
                    rest = rest.dropFirst(token.count)
                }
                if inBearer { params[name.lowercased()] = value }
            } else {
                // A bare word starts a new scheme.
                inBearer = name.lowercased() == "bearer"
                sawBearer = sawBearer || inBearer
            }
        }
        guard sawBearer else { return nil }
        resourceMetadata = params["resource_metadata"]
        error = params["error"]
        scope = params["scope"]
    }
}
