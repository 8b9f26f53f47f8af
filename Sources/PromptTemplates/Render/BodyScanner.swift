import Foundation

/// One pass over a template body before Mustache sees it: role markers become sentinels, and
/// what Mustache would silently get wrong is found with its line — an unknown role, a partial
/// that does not exist, a Handlebars helper (`{{#if x}}`, `{{json x}}`) that is not Mustache.
/// It also collects the variables the body uses at top level, for the unknown-variable warnings.
struct BodyScanner {
    struct Scanned {
        var text: String
        var partials: [(name: String, line: Int)] = []
        /// First path component of each variable used outside any section.
        var topLevelVariables: Set<String> = []
    }

    let file: String
    let firstLine: Int

    func scan(_ body: String) throws(PromptFileError) -> Scanned {
        var scanned = Scanned(text: "")
        var output = ""
        var depth = 0
        var rest = Substring(body)
        var line = firstLine
        while let open = rest.range(of: "{{") {
            let before = rest[..<open.lowerBound]
            output += before
            line += before.filter { $0 == "\n" }.count
            let triple = rest[open.upperBound...].hasPrefix("{")
            guard let close = rest[open.upperBound...].range(of: triple ? "}}}" : "}}") else {
                throw PromptFileError(file: file, line: line, message: "a '{{' tag is never closed with '}}'")
            }
            let whole = rest[open.lowerBound..<close.upperBound]
            var inner = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if triple { inner = String(inner.dropFirst()).trimmingCharacters(in: .whitespaces) }
            rest = rest[close.upperBound...]
            let replacement = try translate(inner, whole: String(whole), line: line, depth: &depth, scanned: &scanned)
            output += replacement
            line += whole.filter { $0 == "\n" }.count
        }
        output += rest
        scanned.text = output
        return scanned
    }

    private func translate(_ inner: String, whole: String, line: Int, depth: inout Int, scanned: inout Scanned) throws(PromptFileError) -> String {
        guard let first = inner.first else { return whole }
        switch first {
        case "!", "%":
            return whole
        case "=":
            // After a delimiter change the role markers and checks here would no longer be found.
            throw PromptFileError(file: file, line: line, message: "set-delimiter tags ('\(whole)') are not supported in templates; keep {{ }}")
        case ">":
            let name = inner.dropFirst().trimmingCharacters(in: .whitespaces)
            scanned.partials.append((name, line))
            return whole
        case "#", "^", "$", "<":
            let name = inner.dropFirst().trimmingCharacters(in: .whitespaces)
            if name.contains(" ") {
                let helper = name.split(separator: " ")[0]
                throw PromptFileError(
                    file: file, line: line,
                    message: "'\(whole)' is a Handlebars block helper ('\(first)\(helper)'); the body is Mustache: write {{#name}}…{{/name}} (or {{^name}} for 'unless')")
            }
            depth += 1
            return whole
        case "/":
            depth = max(0, depth - 1)
            return whole
        case "&":
            record(inner.dropFirst().trimmingCharacters(in: .whitespaces), depth: depth, scanned: &scanned)
            return whole
        default:
            break
        }
        let words = inner.split(separator: " ", omittingEmptySubsequences: true)
        if words.first == "role" {
            let argument = words.dropFirst().joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            guard words.count == 2, let role = RoleMarker.role(named: argument) else {
                throw PromptFileError(file: file, line: line, message: "'\(whole)' must name a role: {{role \"system\"}}, {{role \"user\"}} or {{role \"model\"}}")
            }
            return RoleMarker.sentinel(role)
        }
        if inner == "history" { return "" }
        if words.count > 1 {
            throw PromptFileError(
                file: file, line: line, message: "'\(whole)' is a Handlebars helper ('\(words[0])') lmg does not render; the body is Mustache: {{name}}, {{#list}}…{{/list}}")
        }
        record(inner, depth: depth, scanned: &scanned)
        return whole
    }

    private func record(_ name: String, depth: Int, scanned: inout Scanned) {
        guard depth == 0, name != "." else { return }
        // A transform `upper(name)` uses the variable inside the parentheses.
        var variable = Substring(name)
        if let open = variable.lastIndex(of: "("), variable.hasSuffix(")") {
            variable = variable[variable.index(after: open)..<variable.index(before: variable.endIndex)]
        }
        if let head = variable.split(separator: ".").first { scanned.topLevelVariables.insert(String(head)) }
    }
}
