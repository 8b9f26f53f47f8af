import JSONRPC
import MCP

/// The tool parameters a 2026-07-28 server wants mirrored as `Mcp-Param-{Name}` headers, read
/// from `x-mcp-header` annotations in the tool's input schema, so a load balancer can route on
/// them without parsing the body.
public struct ToolHeaderParameters: Sendable, Equatable {
    /// One annotated property: the header's name and the property's path from the arguments.
    public struct Parameter: Sendable, Equatable {
        public var header: String
        public var path: [String]
    }

    public var parameters: [Parameter]

    /// Why a schema's annotations are unusable: the spec has clients drop such a tool.
    public struct Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        public var reason: String
        public var description: String { reason }
    }

    /// The annotated properties of `schema`, or why they break the spec's rules: a header name
    /// that is empty, not an HTTP token or used twice; a type other than string, integer or
    /// boolean; an annotation reached through anything but `properties`.
    public static func read(_ schema: Value) throws(Invalid) -> ToolHeaderParameters {
        var found: [Parameter] = []
        collect(schema, path: [], into: &found)
        var seen: Set<String> = []
        for parameter in found {
            let name = parameter.header
            guard !name.isEmpty, name.utf8.allSatisfy(isTokenByte) else {
                throw Invalid(reason: "x-mcp-header '\(name)' on '\(parameter.path.joined(separator: "."))' is not an HTTP header name")
            }
            guard seen.insert(name.lowercased()).inserted else {
                throw Invalid(reason: "x-mcp-header '\(name)' is used twice")
            }
        }
        let total = countAnnotations(schema)
        if total != found.count {
            throw Invalid(reason: "an x-mcp-header annotation is not on a string, integer or boolean property reached through properties alone")
        }
        return ToolHeaderParameters(parameters: found)
    }

    /// The headers for one call: absent or null arguments send none.
    public func headers(for arguments: [String: Value]?) -> [(String, String)] {
        guard let arguments, !parameters.isEmpty else { return [] }
        return parameters.compactMap { parameter in
            Self.text(at: parameter.path, in: arguments).map { ("Mcp-Param-" + parameter.header, MCPHeaderValue.encode($0)) }
        }
    }

    private static func collect(_ schema: Value, path: [String], into found: inout [Parameter]) {
        guard case .object(let object) = schema, case .object(let properties)? = object["properties"] else { return }
        for (name, property) in properties.sorted(by: { $0.key < $1.key }) {
            guard case .object(let members) = property else { continue }
            if case .string(let header)? = members["x-mcp-header"] {
                if case .string(let type)? = members["type"], ["string", "integer", "boolean"].contains(type) {
                    found.append(Parameter(header: header, path: path + [name]))
                }
            }
            collect(property, path: path + [name], into: &found)
        }
    }

    /// Every `x-mcp-header` member anywhere in the schema; names inside maps of subschemas
    /// (`properties`, `$defs`, …) are property names, not annotations.
    private static func countAnnotations(_ value: Value) -> Int {
        switch value {
        case .object(let object):
            var count = 0
            for (key, member) in object {
                if key == "x-mcp-header" { count += 1; continue }
                if ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"].contains(key),
                   case .object(let map) = member {
                    count += map.values.reduce(0) { $0 + countAnnotations($1) }
                } else {
                    count += countAnnotations(member)
                }
            }
            return count
        case .array(let items):
            return items.reduce(0) { $0 + countAnnotations($1) }
        default:
            return 0
        }
    }

    private static func text(at path: [String], in arguments: [String: Value]) -> String? {
        var current: Value = .object(arguments)
        for key in path {
            guard case .object(let object) = current, let next = object[key] else { return nil }
            current = next
        }
        switch current {
        case .string(let text): return text
        case .int(let number): return String(number)
        case .bool(let flag): return flag ? "true" : "false"
        case .double(let number) where number == number.rounded() && abs(number) < 9_007_199_254_740_992: return String(Int(number))
        default: return nil
        }
    }

    /// RFC 9110 `tchar`.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): return true
        default: return "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }
}
