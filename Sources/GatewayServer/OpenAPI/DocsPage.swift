import Foundation
import MCP

/// `GET /docs`: the OpenAPI document as one self-contained HTML page — operations grouped by
/// tag, with their parameters, body and response schemas — rendered here, with no script, style
/// sheet or font from elsewhere (nothing outside is reachable from where the gateway runs).
enum DocsPage {
    static func html(_ document: Value) -> String {
        let root = document.objectValue ?? [:]
        let info = root["info"]?.objectValue ?? [:]
        let title = info["title"]?.stringValue ?? "API"
        var groups: [String: [(path: String, method: String, operation: [String: Value])]] = [:]
        for (path, item) in root["paths"]?.objectValue ?? [:] {
            for (method, operation) in item.objectValue ?? [:] {
                guard let operation = operation.objectValue else { continue }
                let tag = operation["tags"]?.arrayValue?.first?.stringValue ?? "other"
                groups[tag, default: []].append((path, method, operation))
            }
        }
        var body = "<h1>\(escape(title)) <small>\(escape(info["version"]?.stringValue ?? ""))</small></h1>\n"
        body += "<p>\(escape(info["description"]?.stringValue ?? ""))</p>\n"
        body += "<p><a href=\"openapi.json\">openapi.json</a></p>\n"
        let tags = (root["tags"]?.arrayValue ?? []).compactMap { $0.objectValue }
        let order = tags.compactMap { $0["name"]?.stringValue } + groups.keys.sorted()
        var shown = Set<String>()
        for tag in order where shown.insert(tag).inserted {
            guard let operations = groups[tag] else { continue }
            let about = tags.first { $0["name"]?.stringValue == tag }?["description"]?.stringValue ?? ""
            body += "<h2 id=\"tag-\(escape(tag))\">\(escape(tag))</h2>\n<p>\(escape(about))</p>\n"
            for entry in operations.sorted(by: { ($0.path, $0.method) < ($1.path, $1.method) }) {
                body += operationSection(entry.path, entry.method, entry.operation)
            }
        }
        let schemas = root["components"]?.objectValue?["schemas"]?.objectValue ?? [:]
        body += "<h2 id=\"schemas\">Schemas</h2>\n"
        for name in schemas.keys.sorted() {
            body += "<details id=\"schema-\(escape(name))\"><summary><code>\(escape(name))</code></summary><pre>\(escape(pretty(schemas[name]!)))</pre></details>\n"
        }
        return """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escape(title))</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <style>\(style)</style></head>
            <body>\(body)</body></html>

            """
    }

    static func operationSection(_ path: String, _ method: String, _ operation: [String: Value]) -> String {
        var html = "<section class=\"op\"><h3><span class=\"m \(escape(method))\">\(escape(method.uppercased()))</span> <code>\(escape(path))</code></h3>\n"
        if let summary = operation["summary"]?.stringValue { html += "<p><b>\(escape(summary))</b></p>\n" }
        if let description = operation["description"]?.stringValue, !description.isEmpty { html += "<p>\(escape(description))</p>\n" }
        if let parameters = operation["parameters"]?.arrayValue, !parameters.isEmpty {
            html += "<table><tr><th>Parameter</th><th>In</th><th>Description</th></tr>\n"
            for parameter in parameters.compactMap(\.objectValue) {
                html += "<tr><td><code>\(escape(parameter["name"]?.stringValue ?? ""))</code></td><td>\(escape(parameter["in"]?.stringValue ?? ""))</td><td>\(escape(parameter["description"]?.stringValue ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if let schema = operation["requestBody"]?.objectValue?["content"]?.objectValue?["application/json"]?.objectValue?["schema"] {
            html += "<p>Request body (<code>application/json</code>):</p><pre>\(escape(pretty(schema)))</pre>\n"
        }
        html += "<ul class=\"responses\">\n"
        let responses = operation["responses"]?.objectValue ?? [:]
        for status in responses.keys.sorted() {
            let response = responses[status]!.objectValue ?? [:]
            if let reference = response["$ref"]?.stringValue {
                html += "<li><b>\(escape(status))</b> error (<code>\(escape(reference.split(separator: "/").last.map(String.init) ?? ""))</code>: {\"error\": {\"code\", \"message\"}})</li>\n"
                continue
            }
            html += "<li><b>\(escape(status))</b> \(escape(response["description"]?.stringValue ?? ""))"
            for (type, media) in (response["content"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                if let schema = media.objectValue?["schema"] { html += " <code>\(escape(type))</code><pre>\(escape(pretty(schema)))</pre>" }
            }
            html += "</li>\n"
        }
        return html + "</ul></section>\n"
    }

    static func pretty(_ value: Value) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "\(value)"
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }

    static let style = """
        body{font:15px/1.45 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}
        h2{border-bottom:1px solid #ccc;margin-top:2.5rem}pre{background:#f6f6f6;padding:.6rem;overflow:auto;font-size:13px}
        code{font-family:ui-monospace,monospace}.op{border:1px solid #ddd;border-radius:6px;padding:.2rem 1rem;margin:1rem 0}
        .m{display:inline-block;min-width:4.5rem;text-align:center;border-radius:4px;color:#fff;font-size:13px;padding:2px 6px;background:#666}
        .m.get{background:#2f7d32}.m.post{background:#1565c0}.m.put{background:#a15c00}.m.delete{background:#b71c1c}
        table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}small{color:#777}
        """
}
