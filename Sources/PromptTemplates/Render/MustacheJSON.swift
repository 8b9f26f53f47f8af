import Foundation
import MCP
import MCPGateway
import Mustache

/// Template variables as swift-mustache reads them. Objects and lists are wrapped so that
/// `{{user}}` prints JSON with sorted keys — the same text in every process, which replays
/// depend on — while `{{user.name}}` and `{{#items}}…{{/items}}` work as Mustache says.
enum MustacheJSON {
    /// nil for JSON null: a section on it is skipped, a variable renders empty.
    static func value(_ value: Value) -> Any? {
        switch value {
        case .null: nil
        case .bool(let flag): flag
        case .int(let number): number
        case .double(let number): number
        case .string(let text): text
        case .data(_, let data): data.base64EncodedString()
        case .array(let items): List(items: items)
        case .object(let object): Object(members: object)
        }
    }

    /// The text of a whole object or list: compact JSON, keys sorted.
    static func text(_ value: Value) -> String {
        if case .string(let text) = value { return text }
        return ContentRenderer.json(value)
    }

    struct Object: MustacheParent, MustacheCustomRenderable {
        let members: [String: Value]
        func child(named name: String) -> Any? { members[name].flatMap(MustacheJSON.value) }
        var renderText: String { MustacheJSON.text(.object(members)) }
        var isNull: Bool { false }
    }

    struct List: MustacheSequence, MustacheCustomRenderable {
        let items: [Value]
        func makeIterator() -> IndexingIterator<[Any]> { items.map { MustacheJSON.value($0) ?? Optional<String>.none as Any }.makeIterator() }
        var renderText: String { MustacheJSON.text(.array(items)) }
        var isNull: Bool { false }
    }
}
