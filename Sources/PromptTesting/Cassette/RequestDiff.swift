import ModelClient

/// Why a request found no recording: the recorded request nearest to it, and what differs,
/// in the terms a prompt author changed — the system prompt, a message, a tool's schema, the
/// temperature — not as a hash.
public enum RequestDiff {
    /// The recorded request sharing the longest run of leading messages with `request` (ties:
    /// the earliest), or nil when nothing is recorded.
    public static func nearest(to request: JSONValue, in recorded: [JSONValue]) -> JSONValue? {
        recorded.enumerated().max { a, b in
            let (sa, sb) = (similarity(request, a.element), similarity(request, b.element))
            return sa == sb ? a.offset > b.offset : sa < sb
        }?.element
    }

    /// Lines naming each difference between a recorded request and the new one (at most `limit`).
    public static func differences(recorded: JSONValue, now: JSONValue, limit: Int = 4) -> [String] {
        guard case .object(let old) = recorded, case .object(let new) = now else { return ["the request is not an object"] }
        var lines: [String] = []
        if old["model"] != new["model"] { lines.append("model: recorded \(show(old["model"])), now \(show(new["model"]))") }
        lines += messageDifferences(old["messages"], new["messages"])
        lines += toolDifferences(old["tools"], new["tools"])
        for key in Set(old.keys).union(new.keys).sorted() where !["model", "messages", "tools"].contains(key) && old[key] != new[key] {
            lines.append("\(key): recorded \(show(old[key])), now \(show(new[key]))")
        }
        if lines.count > limit { lines = Array(lines.prefix(limit)) + ["… and \(lines.count - limit) more"] }
        return lines
    }

    static func similarity(_ a: JSONValue, _ b: JSONValue) -> Int {
        guard case .object(let x) = a, case .object(let y) = b else { return 0 }
        let (mx, my) = (messages(x["messages"]), messages(y["messages"]))
        let prefix = zip(mx, my).prefix { $0 == $1 }.count
        let same = [x["tools"] == y["tools"], x["model"] == y["model"], mx.count == my.count].filter { $0 }.count
        return prefix * 4 + same
    }

    private static func messages(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let items)? = value { return items }
        return []
    }

    private static func messageDifferences(_ old: JSONValue?, _ new: JSONValue?) -> [String] {
        let (a, b) = (messages(old), messages(new))
        for index in 0..<min(a.count, b.count) where a[index] != b[index] {
            let role = field(b[index], "role") ?? "?"
            if let old = field(a[index], "content"), let new = field(b[index], "content") {
                let (was, now) = excerpts(old, new)
                return ["messages[\(index)] (\(role)) changed: recorded \(was), now \(now)"]
            }
            return ["messages[\(index)] (\(role)) changed: recorded \(describe(a[index])), now \(describe(b[index]))"]
        }
        if a.count < b.count {
            return ["messages: \(b.count - a.count) more than recorded, from messages[\(a.count)]: \(describe(b[a.count]))"]
        }
        if a.count > b.count {
            return ["messages: \(a.count - b.count) fewer than recorded (recorded messages[\(b.count)]: \(describe(a[b.count])))"]
        }
        return []
    }

    private static func toolDifferences(_ old: JSONValue?, _ new: JSONValue?) -> [String] {
        func byName(_ value: JSONValue?) -> [String: JSONValue] {
            var result: [String: JSONValue] = [:]
            for tool in messages(value) {
                if case .object(let object) = tool, case .object(let function)? = object["function"], case .string(let name)? = function["name"] {
                    result[name] = tool
                }
            }
            return result
        }
        let (a, b) = (byName(old), byName(new))
        var lines: [String] = []
        for name in Set(a.keys).union(b.keys).sorted() {
            switch (a[name], b[name]) {
            case (nil, _?): lines.append("tools: \(name) is new")
            case (_?, nil): lines.append("tools: \(name) is gone")
            case let (x?, y?) where x != y:
                if case .object(let fx)? = x.member("function"), case .object(let fy)? = y.member("function") {
                    let changed = Set(fx.keys).union(fy.keys).sorted().filter { fx[$0] != fy[$0] }
                    lines.append("tools: \(name) changed (\(changed.joined(separator: ", ")))")
                } else {
                    lines.append("tools: \(name) changed")
                }
            default: break
            }
        }
        return lines
    }

    /// The two texts around where they first differ, so a long system prompt's one changed
    /// word shows: `"…a careful calculator…"` against `"…a meticulous calculator…"`.
    static func excerpts(_ old: String, _ new: String, context: Int = 24, width: Int = 60) -> (String, String) {
        let (a, b) = (Array(old), Array(new))
        let common = zip(a, b).prefix { $0 == $1 }.count
        let start = max(0, common - context)
        func cut(_ text: [Character]) -> String {
            let end = min(text.count, start + width)
            return "\"\(start > 0 ? "…" : "")\(String(text[start..<end]).replacingOccurrences(of: "\n", with: "⏎"))\(end < text.count ? "…" : "")\""
        }
        return (cut(a), cut(b))
    }

    private static func field(_ message: JSONValue, _ key: String) -> String? {
        if case .string(let text)? = message.member(key) { return text }
        return nil
    }

    /// A message in one short phrase: its text, or the tool calls it asks for.
    private static func describe(_ message: JSONValue) -> String {
        if case .array(let calls)? = message.member("tool_calls") {
            let names = calls.compactMap { call -> String? in
                if case .string(let name)? = call.member("function")?.member("name") { return name }
                return nil
            }
            return "tool calls \(names.joined(separator: ", "))"
        }
        if case .string(let text)? = message.member("content") { return "\"\(ValueText.short(text, limit: 80))\"" }
        return ValueText.short(message.compactText, limit: 80)
    }

    private static func show(_ value: JSONValue?) -> String {
        value.map { ValueText.short($0.compactText, limit: 60) } ?? "nothing"
    }
}

extension JSONValue {
    /// The member `key` of an object; nil otherwise.
    func member(_ key: String) -> JSONValue? {
        if case .object(let object) = self { return object[key] }
        return nil
    }
}
