import Foundation

/// A route's path with `{name}` parameters, e.g. `/tools/{server}/{tool}`: matched one
/// component at a time, each parameter percent-decoded (so `%2F` inside a name stays in it).
struct RoutePattern: Sendable, Equatable {
    enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    let text: String
    let segments: [Segment]

    init(_ text: String) {
        self.text = text
        segments = Self.components(of: text).map { component in
            component.hasPrefix("{") && component.hasSuffix("}") && component.count > 2
                ? .parameter(String(component.dropFirst().dropLast()))
                : .literal(String(component))
        }
    }

    /// How many parameters: a literal route beats a parameter at the same place.
    var parameterCount: Int { segments.count { if case .parameter = $0 { true } else { false } } }

    /// The path's components after its leading `/`, raw (not decoded).
    static func components(of path: String) -> [Substring] {
        Array(path.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
    }

    /// The decoded parameters when `path` fits, else nil (also for a bad percent-encoding or an
    /// empty parameter).
    func match(_ components: [Substring]) -> [String: String]? {
        guard components.count == segments.count else { return nil }
        var parameters: [String: String] = [:]
        for (segment, component) in zip(segments, components) {
            switch segment {
            case .literal(let literal):
                guard component == literal else { return nil }
            case .parameter(let name):
                guard let value = component.removingPercentEncoding, !value.isEmpty else { return nil }
                parameters[name] = value
            }
        }
        return parameters
    }
}
