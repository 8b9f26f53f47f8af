import Foundation
import MCP

/// Reads typed fields out of parsed configuration JSON: expands `${VAR}` from one injected
/// environment, collects warnings, and names the file and field of every error.
///
/// Every section reader of lmg's config file is built on it: the MCP sections here
/// (`mcpServers`, `manager`), the application's sections in the runtime, and server entries
/// added at run time.
public struct ConfigFields: Sendable {
    /// Names the source in errors: a path, or `<embedded default>`, `<request>`.
    public let file: String
    /// Variables for `${VAR}` expansion.
    public let environment: [String: String]
    /// Unknown keys and other findings that do not stop loading, one line each.
    public var warnings: [String] = []

    public init(file: String, environment: [String: String]) {
        self.file = file
        self.environment = environment
    }

    /// `field 'env'` + `.PATH` → `field 'env.PATH'`, so nested names read as one path.
    public func nested(_ location: String, _ suffix: String) -> String {
        location.hasSuffix("'") ? String(location.dropLast()) + suffix + "'" : location + suffix
    }

    /// A `ConfigError` at `location` in this file.
    public func error(_ message: String, at location: String?) -> ConfigError {
        ConfigError(file: file, location: location, message: message)
    }

    /// Warns once per key of `object` that is not in `known` (ignored, not silently).
    public mutating func warnUnknown(_ object: [String: Value], known: Set<String>, at location: String?) {
        for key in object.keys.sorted() where !known.contains(key) {
            let place = location.map { "\($0): " } ?? ""
            warnings.append("\(file): \(place)unknown key '\(key)' (ignored)")
        }
    }

    /// `text` with `${VAR}` and `${VAR:-default}` expanded.
    public func expand(_ text: String, at location: String) throws(ConfigError) -> String {
        do {
            return try EnvironmentExpansion.expand(text, environment: environment)
        } catch .undefined(let name) {
            throw error("environment variable \(name) is not set (use ${\(name):-default} for a fallback)", at: location)
        } catch {
            // Not the text itself: the value may be a secret with a typo in it.
            throw self.error("malformed ${...} reference (a ${ without its closing brace, or an empty name)", at: location)
        }
    }

    /// A string field (expanded); nil when absent or null.
    public func string(_ raw: Value?, at location: String) throws(ConfigError) -> String? {
        switch raw {
        case nil, .null?: return nil
        case .string(let text)?: return try expand(text, at: location)
        default: throw error("expected a string", at: location)
        }
    }

    /// A number field; a string that expands to a number counts.
    public func number(_ raw: Value?, at location: String) throws(ConfigError) -> Double? {
        switch raw {
        case nil, .null?: return nil
        case .int(let value)?: return Double(value)
        case .double(let value)?: return value
        case .string(let text)?:
            guard let value = Double(try expand(text, at: location)) else { throw error("expected a number", at: location) }
            return value
        default: throw error("expected a number", at: location)
        }
    }

    /// A whole-number field.
    public func int(_ raw: Value?, at location: String) throws(ConfigError) -> Int? {
        guard let value = try number(raw, at: location) else { return nil }
        guard value == value.rounded(), abs(value) < 1e15 else { throw error("expected a whole number", at: location) }
        return Int(value)
    }

    /// A boolean field; `"true"`, `"1"`, `"yes"` (and their opposites) count.
    public func bool(_ raw: Value?, at location: String) throws(ConfigError) -> Bool? {
        switch raw {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case .string(let text)?:
            switch try expand(text, at: location).lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: throw error("expected true or false", at: location)
            }
        default: throw error("expected true or false", at: location)
        }
    }

    /// Positive seconds as a `Duration`, the one conversion every limit in the file goes through.
    public func duration(_ seconds: Double, at location: String) throws(ConfigError) -> Duration {
        guard seconds > 0, seconds.isFinite else { throw error("must be a positive number of seconds", at: location) }
        guard seconds <= Duration.maxConfigSeconds else { throw error("must be at most \(Int(Duration.maxConfigSeconds)) seconds", at: location) }
        return .seconds(rounding: seconds)
    }

    /// An optional seconds field as a `Duration`.
    public func duration(_ raw: Value?, at location: String) throws(ConfigError) -> Duration? {
        guard let seconds = try number(raw, at: location) else { return nil }
        return try duration(seconds, at: location)
    }

    /// An array of strings (each expanded).
    public func stringArray(_ raw: Value?, at location: String) throws(ConfigError) -> [String]? {
        switch raw {
        case nil, .null?: return nil
        case .array(let items)?:
            var result: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else { throw error("expected a string", at: nested(location, "[\(index)]")) }
                result.append(try expand(text, at: nested(location, "[\(index)]")))
            }
            return result
        default: throw error("expected an array of strings", at: location)
        }
    }

    /// An object of strings (each expanded); numbers and booleans are taken as their text.
    public func stringMap(_ raw: Value?, at location: String) throws(ConfigError) -> [String: String] {
        switch raw {
        case nil, .null?: return [:]
        case .object(let object)?:
            var result: [String: String] = [:]
            for (key, value) in object {
                switch value {
                case .string(let text): result[key] = try expand(text, at: nested(location, ".\(key)"))
                case .int(let number): result[key] = String(number)
                case .double(let number): result[key] = String(number)
                case .bool(let flag): result[key] = String(flag)
                default: throw error("expected a string", at: nested(location, ".\(key)"))
                }
            }
            return result
        default: throw error("expected an object of strings", at: location)
        }
    }

    /// Headers as `[{"key": K, "value": V}]` (the seed design) or `{"K": "V"}` (Claude Desktop).
    public func headers(_ raw: Value?, at location: String) throws(ConfigError) -> [HeaderConfig] {
        if case .array(let list)? = raw {
            var result: [HeaderConfig] = []
            for (index, item) in list.enumerated() {
                let here = nested(location, "[\(index)]")
                guard case .object(let entry) = item, case .string(let key)? = entry["key"],
                      case .string(let value)? = entry["value"]
                else { throw error("expected {\"key\": ..., \"value\": ...}", at: here) }
                result.append(HeaderConfig(key: key, value: try expand(value, at: here)))
            }
            return result
        }
        let map = try stringMap(raw, at: location)
        return map.keys.sorted().map { HeaderConfig(key: $0, value: map[$0]!) }
    }
}
