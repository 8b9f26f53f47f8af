import Foundation
import MCP

/// Turning a person's typed line into a field's value, or saying what is wrong with it, so the
/// terminal can ask again rather than send the server something its schema refuses.
extension ElicitationForm.Field {
    /// What the question shows after the label: the type, bounds or choices, the default.
    public var hint: String {
        var parts: [String] = []
        switch kind {
        case .string(let format, let minLength, let maxLength):
            parts.append(format ?? "text")
            if let minLength, let maxLength { parts.append("\(minLength)–\(maxLength) characters") }
            else if let minLength { parts.append("at least \(minLength) characters") }
            else if let maxLength { parts.append("at most \(maxLength) characters") }
        case .number(let integer, let minimum, let maximum):
            parts.append(integer ? "whole number" : "number")
            if let minimum, let maximum { parts.append("\(Self.show(minimum))–\(Self.show(maximum))") }
            else if let minimum { parts.append("≥ \(Self.show(minimum))") }
            else if let maximum { parts.append("≤ \(Self.show(maximum))") }
        case .boolean:
            parts.append("y/n")
        case .choice(let choices, let many):
            let listed = choices.enumerated().map { "\($0.offset + 1)) \($0.element.label)" }.joined(separator: "  ")
            parts.append(many ? "one or more, comma-separated: \(listed)" : listed)
        }
        if let defaultValue { parts.append("default \(Self.show(defaultValue))") }
        if !required { parts.append("Enter to skip") }
        return parts.joined(separator: "; ")
    }

    /// The value for `line`: nil to leave the field out (optional, or its default stands), or
    /// the reason the line is not an answer.
    public func value(for line: String) -> Result<Value?, AnswerError> {
        let text = line.trimmingCharacters(in: .whitespaces)
        if text.isEmpty {
            if let defaultValue { return .success(defaultValue) }
            return required ? .failure(AnswerError("\(label) is required")) : .success(nil)
        }
        switch kind {
        case .string(let format, let minLength, let maxLength):
            if let minLength, text.count < minLength { return .failure(AnswerError("at least \(minLength) characters")) }
            if let maxLength, text.count > maxLength { return .failure(AnswerError("at most \(maxLength) characters")) }
            if let format, let problem = Self.check(text, format: format) { return .failure(AnswerError(problem)) }
            return .success(.string(text))
        case .number(let integer, let minimum, let maximum):
            guard let number = Double(text), number.isFinite else { return .failure(AnswerError("'\(text)' is not a number")) }
            if integer && number != number.rounded() { return .failure(AnswerError("'\(text)' is not a whole number")) }
            if let minimum, number < minimum { return .failure(AnswerError("at least \(Self.show(minimum))")) }
            if let maximum, number > maximum { return .failure(AnswerError("at most \(Self.show(maximum))")) }
            guard !integer || abs(number) <= 9_007_199_254_740_991 else { return .failure(AnswerError("'\(text)' is too large")) }
            return .success(integer ? .int(Int(number)) : .double(number))
        case .boolean:
            switch text.lowercased() {
            case "y", "yes", "true": return .success(.bool(true))
            case "n", "no", "false": return .success(.bool(false))
            default: return .failure(AnswerError("answer y or n"))
            }
        case .choice(let choices, let many):
            var picked: [String] = []
            for part in (many ? text.split(separator: ",").map(String.init) : [text]) {
                let item = part.trimmingCharacters(in: .whitespaces)
                if let index = Int(item), choices.indices.contains(index - 1) {
                    picked.append(choices[index - 1].value)
                } else if let match = choices.first(where: { $0.value == item || $0.label.lowercased() == item.lowercased() }) {
                    picked.append(match.value)
                } else {
                    return .failure(AnswerError("'\(item)' is not one of the choices"))
                }
            }
            return .success(many ? .array(picked.map { .string($0) }) : .string(picked[0]))
        }
    }

    /// Why an answer was refused, shown before the field is asked again.
    public struct AnswerError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }

    static func check(_ text: String, format: String) -> String? {
        switch format {
        case "email":
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ") ? nil : "not an email address"
        case "uri":
            guard let url = URL(string: text), let scheme = url.scheme, !scheme.isEmpty else { return "not a URI (scheme:…)" }
            return nil
        case "date":
            return text.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) != nil && ISO8601DateFormatter.date(text) ? nil : "not a date (YYYY-MM-DD)"
        case "date-time":
            return ISO8601DateFormatter().date(from: text) != nil ? nil : "not a date and time (e.g. 2026-07-28T12:00:00Z)"
        default:
            return nil
        }
    }

    static func show(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
    }

    static func show(_ value: Value) -> String {
        switch value {
        case .string(let text): return text
        case .bool(let flag): return flag ? "yes" : "no"
        case .int(let number): return String(number)
        case .double(let number): return show(number)
        default: return "\(value)"
        }
    }
}

extension ISO8601DateFormatter {
    /// Whether `text` (YYYY-MM-DD) is a real calendar date: the formatter alone rolls 02-30 over.
    static func date(_ text: String) -> Bool {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return false }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return DateComponents(calendar: calendar, year: parts[0], month: parts[1], day: parts[2]).isValidDate
    }
}
