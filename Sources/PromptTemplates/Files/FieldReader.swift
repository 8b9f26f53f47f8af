import MCP
import MCPGateway

/// Typed reads of a YAML document's fields; each wrong type is an error naming the field and line.
struct FieldReader {
    let document: YAMLDocument

    func object(_ value: Value?, at path: String) throws(PromptFileError) -> [String: Value]? {
        switch value {
        case nil, .null?: return nil
        case .object(let object)?: return object
        default: throw document.error("must be a mapping of keys to values", at: path)
        }
    }

    func string(_ value: Value?, at path: String) throws(PromptFileError) -> String? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return text
        case .int(let number)?: return String(number)
        case .double(let number)?: return String(number)
        default: throw document.error("must be a string", at: path)
        }
    }

    func number(_ value: Value?, at path: String) throws(PromptFileError) -> Double? {
        switch value {
        case nil, .null?: return nil
        case .int(let number)?: return Double(number)
        case .double(let number)?: return number
        default: throw document.error("must be a number", at: path)
        }
    }

    func int(_ value: Value?, at path: String, minimum: Int = 0) throws(PromptFileError) -> Int? {
        switch value {
        case nil, .null?: return nil
        case .int(let number)?:
            guard number >= minimum else { throw document.error("must be at least \(minimum)", at: path) }
            return number
        default: throw document.error("must be a whole number", at: path)
        }
    }

    func bool(_ value: Value?, at path: String) throws(PromptFileError) -> Bool? {
        switch value {
        case nil, .null?: return nil
        case .bool(let flag)?: return flag
        default: throw document.error("must be true or false", at: path)
        }
    }

    /// A list of strings; one string alone counts as a list of one.
    func strings(_ value: Value?, at path: String) throws(PromptFileError) -> [String]? {
        switch value {
        case nil, .null?: return nil
        case .string(let text)?: return [text]
        case .array(let items)?:
            var result: [String] = []
            for (index, item) in items.enumerated() {
                guard case .string(let text) = item else { throw document.error("must be a string", at: "\(path)[\(index)]") }
                result.append(text)
            }
            return result
        default: throw document.error("must be a list of strings", at: path)
        }
    }

    /// Warnings for keys outside `known`, one line each (a misspelt key does nothing, silently, otherwise).
    func unknownKeys(_ object: [String: Value], known: Set<String>, at path: String?) -> [String] {
        object.keys.sorted().filter { !known.contains($0) }.map { key in
            let field = path.map { "\($0).\(key)" } ?? key
            let hint = NameSuggestion.closest(to: key, in: Array(known)).map { " (did you mean '\($0)'?)" } ?? ""
            return document.error("unknown key, ignored\(hint)", at: field).description
        }
    }
}
