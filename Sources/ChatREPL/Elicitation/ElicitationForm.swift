import Foundation
import MCP

/// A server's form (`elicitation/create`, form mode) as questions a terminal can ask one by one:
/// each field typed and checked by its schema, so what goes back is what the server asked for.
///
/// MCP restricts a form to a flat object of primitive fields: strings (with `format` email,
/// uri, date or date-time, and length bounds), numbers and integers (with bounds), booleans,
/// and enums (`enum`, or `oneOf` of `const` + `title`, and arrays of those for several choices).
public struct ElicitationForm: Sendable, Equatable {
    /// One question.
    public struct Field: Sendable, Equatable {
        /// One value a choice field takes, and how it is shown.
        public struct Choice: Sendable, Equatable {
            public var value: String
            public var label: String
        }

        public enum Kind: Sendable, Equatable {
            case string(format: String?, minLength: Int?, maxLength: Int?)
            case number(integer: Bool, minimum: Double?, maximum: Double?)
            case boolean
            /// `many`: the answer is a list of them.
            case choice([Choice], many: Bool)
        }

        public var name: String
        /// `title`, else the name.
        public var label: String
        public var description: String?
        public var kind: Kind
        public var required: Bool
        public var defaultValue: Value?
    }

    public var message: String
    /// Required fields first, each group in name order (a schema's members carry no order).
    public var fields: [Field]

    /// Reads `elicitation/create` params; nil with the reason when they are not a form lmg can ask.
    public static func read(_ params: Value?) -> Result<ElicitationForm, FormError> {
        guard case .object(let params)? = params else { return .failure(FormError("the request has no params")) }
        let message = params["message"]?.stringValue ?? ""
        guard case .object(let schema)? = params["requestedSchema"], case .object(let properties)? = schema["properties"] else {
            return .failure(FormError("the form has no fields (requestedSchema.properties)"))
        }
        let required = Set((schema["required"]?.arrayValue ?? []).compactMap(\.stringValue))
        var fields: [Field] = []
        for (name, property) in properties {
            guard case .object(let member) = property, let kind = Self.kind(member) else {
                return .failure(FormError("the field '\(name)' is not a string, number, boolean or choice"))
            }
            fields.append(Field(
                name: name, label: member["title"]?.stringValue ?? name, description: member["description"]?.stringValue,
                kind: kind, required: required.contains(name), defaultValue: member["default"]))
        }
        fields.sort { ($0.required ? 0 : 1, $0.name) < ($1.required ? 0 : 1, $1.name) }
        return .success(ElicitationForm(message: message, fields: fields))
    }

    /// Why a request cannot be asked as a form.
    public struct FormError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    private static func kind(_ member: [String: Value]) -> Field.Kind? {
        if let choices = Self.choices(member) { return .choice(choices, many: false) }
        switch member["type"]?.stringValue {
        case "string":
            return .string(format: member["format"]?.stringValue, minLength: member["minLength"]?.integral, maxLength: member["maxLength"]?.integral)
        case "number", "integer":
            return .number(integer: member["type"]?.stringValue == "integer", minimum: member["minimum"]?.numeric, maximum: member["maximum"]?.numeric)
        case "boolean":
            return .boolean
        case "array":
            guard case .object(let items)? = member["items"], let choices = Self.choices(items) else { return nil }
            return .choice(choices, many: true)
        default:
            return nil
        }
    }

    private static func choices(_ member: [String: Value]) -> [Field.Choice]? {
        if case .array(let values)? = member["enum"] {
            let names = member["enumNames"]?.arrayValue?.compactMap(\.stringValue)
            return values.enumerated().compactMap { index, value in
                value.stringValue.map { Field.Choice(value: $0, label: names.flatMap { index < $0.count ? $0[index] : nil } ?? $0) }
            }
        }
        for key in ["oneOf", "anyOf"] {
            if case .array(let options)? = member[key] {
                return options.compactMap { option in
                    guard case .object(let object) = option, let value = object["const"]?.stringValue else { return nil }
                    return Field.Choice(value: value, label: object["title"]?.stringValue ?? value)
                }
            }
        }
        return nil
    }
}

extension Value {
    /// An integer, also when written as a whole double (`5.0`).
    var integral: Int? {
        switch self {
        case .int(let number): return number
        case .double(let number) where number == number.rounded() && abs(number) < 9e15: return Int(number)
        default: return nil
        }
    }

    /// Any JSON number as a Double.
    var numeric: Double? {
        switch self {
        case .int(let number): return Double(number)
        case .double(let number): return number
        default: return nil
        }
    }
}
