import MCP
import Yams

/// YAML read into JSON values, keeping the line of every field so that an error can point at
/// it. Only what JSON can hold is accepted: string keys, no aliases, no custom tags.
public struct YAMLDocument: Sendable {
    public let file: String
    public var root: Value
    /// The line of each field by path (`config.temperature`, `tests[2].vars`), in the file.
    public var lines: [String: Int]

    /// Parses `text`, which starts at line `firstLine` of `file` (front matter starts at 2).
    public static func parse(_ text: String, file: String, firstLine: Int = 1) throws(PromptFileError) -> YAMLDocument {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.describe(error, file: file, offset: firstLine - 1)
        } catch {
            throw PromptFileError(file: file, message: "not valid YAML: \(error)")
        }
        var document = YAMLDocument(file: file, root: .null, lines: [:])
        guard let node else { return document }
        document.root = try document.value(of: node, at: "", offset: firstLine - 1)
        return document
    }

    /// The line of `path`, else of its nearest parent that has one.
    public func line(of path: String) -> Int? {
        var current = path
        while true {
            if let line = lines[current] { return line }
            guard let cut = current.lastIndex(where: { $0 == "." || $0 == "[" }) else { return lines[""] }
            current = String(current[..<cut])
        }
    }

    /// An error about the field at `path` (nil: the document as a whole).
    public func error(_ message: String, at path: String?) -> PromptFileError {
        let field = path?.isEmpty == true ? nil : path
        return PromptFileError(file: file, line: field.flatMap { line(of: $0) } ?? lines[""], field: field, message: message)
    }

    private mutating func value(of node: Node, at path: String, offset: Int) throws(PromptFileError) -> Value {
        if let mark = node.mark { lines[path] = mark.line + offset }
        switch node {
        case .scalar(let scalar):
            if scalar.style != .plain { return .string(scalar.string) }
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(Value.bool) ?? .string(scalar.string)
            case .int: return node.int.map(Value.int) ?? .string(scalar.string)
            case .float: return node.float.map(Value.double) ?? .string(scalar.string)
            default: return .string(scalar.string)
            }
        case .sequence(let sequence):
            var items: [Value] = []
            for (index, item) in sequence.enumerated() {
                items.append(try value(of: item, at: "\(path)[\(index)]", offset: offset))
            }
            return .array(items)
        case .mapping(let mapping):
            var object: [String: Value] = [:]
            for (key, item) in mapping {
                guard case .scalar(let name) = key else {
                    throw PromptFileError(file: file, line: key.mark.map { $0.line + offset }, field: path.isEmpty ? nil : path, message: "keys must be plain strings")
                }
                let child = path.isEmpty ? name.string : "\(path).\(name.string)"
                if let mark = key.mark { lines[child] = mark.line + offset }
                object[name.string] = try value(of: item, at: child, offset: offset)
                if let mark = key.mark { lines[child] = mark.line + offset }
            }
            return .object(object)
        case .alias:
            throw PromptFileError(file: file, line: node.mark.map { $0.line + offset }, field: path.isEmpty ? nil : path, message: "YAML aliases are not supported; write the value out")
        }
    }

    private static func describe(_ error: YamlError, file: String, offset lineOffset: Int) -> PromptFileError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return PromptFileError(file: file, line: mark.line + lineOffset, message: "not valid YAML: \(problem)")
        case .reader(let problem, let offset, _, let yaml):
            let line = offset.map { yaml.utf8.prefix($0).filter { $0 == 0x0A }.count + 1 }
            return PromptFileError(file: file, line: line.map { $0 + lineOffset } , message: "not valid YAML: \(problem)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            return PromptFileError(
                file: file, line: context.mark.line + lineOffset,
                message: "not valid YAML: key \(duplicates.map { "'\($0)'" }.joined(separator: ", ")) appears twice")
        default:
            return PromptFileError(file: file, message: "not valid YAML")
        }
    }
}
