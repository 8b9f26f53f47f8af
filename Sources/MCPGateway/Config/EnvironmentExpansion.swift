/// `${VAR}` and `${VAR:-default}` in config strings, so secrets stay out of the file.
public enum EnvironmentExpansion {
    /// Why a string could not be expanded.
    public enum Failure: Error, Equatable {
        /// `${NAME}` with NAME unset and no default.
        case undefined(String)
        /// `${` without a closing brace, or an empty name.
        case malformed(String)
    }

    /// Replaces every `${VAR}` / `${VAR:-default}` in `text` from `environment`.
    /// An empty variable counts as set for `${VAR}` and as unset for `:-`, as in the shell.
    public static func expand(_ text: String, environment: [String: String]) throws(Failure) -> String {
        guard text.contains("${") else { return text }
        var output = ""
        var rest = text[...]
        while let start = rest.range(of: "${") {
            output += rest[..<start.lowerBound]
            let afterOpen = rest[start.upperBound...]
            guard let close = afterOpen.firstIndex(of: "}") else { throw .malformed(text) }
            let body = afterOpen[..<close]
            let name: Substring
            var fallback: Substring?
            if let sep = body.range(of: ":-") {
                name = body[..<sep.lowerBound]
                fallback = body[sep.upperBound...]
            } else {
                name = body
            }
            guard !name.isEmpty, name.allSatisfy({ $0 == "_" || $0.isLetter || $0.isNumber }) else {
                throw .malformed(text)
            }
            if let fallback {
                let value = environment[String(name)] ?? ""
                output += value.isEmpty ? String(fallback) : value
            } else if let value = environment[String(name)] {
                output += value
            } else {
                throw .undefined(String(name))
            }
            rest = afterOpen[afterOpen.index(after: close)...]
        }
        output += rest
        return output
    }
}
