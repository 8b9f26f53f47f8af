/// One question to the person at a time: tool calls run in parallel, and two servers asking at
/// once must not interleave their prompts line by line.
actor QuestionQueue {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    /// Runs `body` once every question asked before it is answered.
    func ask<T: Sendable>(_ body: @Sendable () async -> T) async -> T {
        if busy {
            await withCheckedContinuation { waiting.append($0) }
        } else {
            busy = true
        }
        let answer = await body()
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
        return answer
    }
}

/// Text a server wrote, made safe to print: control characters (escape sequences that move the
/// cursor, set the title or fake a line) are dropped, line breaks and tabs kept.
enum ServerText {
    static func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            switch scalar.value {
            case 0x0A, 0x09: return true
            case 0x00...0x1F, 0x7F...0x9F: return false
            default: return true
            }
        }))
    }
}
