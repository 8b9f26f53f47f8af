import CEditLine
import CSystemShims
import Foundation
import Locking

/// The prompt on libedit's readline interface: line editing, history saved to a file, and tab
/// completion from a provider the REPL keeps current.
///
/// The readline interface (rather than el_gets) because history files and completion come with
/// it; libedit's own signal handling is off (`rl_catch_signals = 0`), so Ctrl-C reaches our
/// handler and the blocked read returns EINTR, which ends `readline()` with NULL and the
/// pending-interrupt flag tells it apart from Ctrl-D.
///
/// libedit keeps one editor per process and calls back through C function pointers, which carry
/// no context: what the callbacks need is process-wide, under one lock (uncontended: the
/// terminal thread is its only reader once the session runs).
final class EditLineReader: LineReader, Sendable {
    let historyPath: String

    /// What libedit's callbacks read.
    private struct Context {
        var completions: @Sendable (_ word: String, _ before: String) -> [String] = { _, _ in [] }
        var matches: [String] = []
        /// The pipe that turns Ctrl-C into the end of the line being edited (see InterruptWatcher).
        var interruptFD: Int32 = -1
        /// Readable when lines or a new prompt wait to be shown over the prompt (see Notices).
        var notices: Notices?
        /// True while the main prompt is up; a question (`ask`) keeps its text and defers notices.
        var atPrompt = false
        /// Set when the interrupt pipe, not stdin, ended `readline()`.
        var endedByInterrupt = false
    }

    private static let context = Locked(Context())

    /// Where tab completion gets its candidates: the word under the cursor and the text before it.
    static func setCompletions(_ provider: @escaping @Sendable (_ word: String, _ before: String) -> [String]) {
        context.withLock { $0.completions = provider }
    }

    init(historyPath: String, interruptFD: Int32, notices: Notices? = nil, historySize: Int32 = 1000) {
        self.historyPath = historyPath
        Self.context.withLock {
            $0.interruptFD = interruptFD
            $0.notices = notices
        }
        // libedit converts the prompt and the input with the C library's multibyte functions:
        // without a UTF-8 locale, non-ASCII text fails to convert (and crashes some versions).
        if setlocale(LC_CTYPE, "").map({ String(cString: $0).lowercased() }).map({ $0.contains("utf-8") || $0.contains("utf8") }) != true {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
        lmg_rl_configure()
        lmg_rl_set_getc { _ in EditLineReader.nextCharacter() }
        rl_initialize()
        stifle_history(historySize)
        try? FileManager.default.createDirectory(
            atPath: (historyPath as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        read_history(historyPath)
        lmg_rl_set_completion { text, start, _ in
            let word = text.map { String(cString: $0) } ?? ""
            let line = lmg_rl_line_buffer().map { String(cString: $0) } ?? ""
            let before = String(line.utf8.prefix(Int(start))) ?? ""
            let provider = EditLineReader.context.withLock { $0.completions }
            let found = provider(word, before)
            EditLineReader.context.withLock { $0.matches = found }
            guard !found.isEmpty else { return nil }
            // `name=` and a URI's start are completed further next: no space after them.
            lmg_rl_set_append_character(found.count == 1 && (found[0].hasSuffix("=") || found[0].hasSuffix("/")) ? 0 : 32)
            return rl_completion_matches(text, { _, state in
                let index = Int(state)
                let matches = EditLineReader.context.withLock { $0.matches }
                guard index < matches.count else { return nil }
                return strdup(matches[index])
            })
        }
    }

    func readLine(prompt: String, live: Bool) -> LineInput {
        edit(prompt: prompt, atPrompt: live)
    }

    private func edit(prompt: String, atPrompt: Bool) -> LineInput {
        drainInterrupts()
        Self.context.withLock {
            $0.atPrompt = atPrompt
            $0.endedByInterrupt = false
        }
        defer { Self.context.withLock { $0.atPrompt = false } }
        guard let raw = readline(prompt) else {
            // The pipe's byte is what ended the line, whatever the flag says: a Ctrl-C, not EOF.
            if InterruptWatcher.take() || Self.context.withLock({ $0.endedByInterrupt }) {
                FileHandle.standardOutput.write(Data("^C\n".utf8))
                return .interrupted
            }
            FileHandle.standardOutput.write(Data("\n".utf8))
            return .endOfInput
        }
        defer { free(raw) }
        return .line(String(cString: raw))
    }

    private func drainInterrupts() {
        var buffer = [UInt8](repeating: 0, count: 64)
        let interruptFD = Self.context.withLock { $0.interruptFD }
        while interruptFD >= 0 && read(interruptFD, &buffer, buffer.count) > 0 {}
        _ = InterruptWatcher.take()
    }

    /// libedit's input: the next character from stdin as a Unicode scalar (libedit takes each
    /// value as one wide character, so UTF-8 is decoded here), or EOF when Ctrl-C arrives, which
    /// ends `readline()` with NULL.
    static func nextCharacter() -> Int32 {
        let (interruptFD, notices, atPrompt) = context.withLock { ($0.interruptFD, $0.notices, $0.atPrompt) }
        let wakeFD = atPrompt ? notices?.wakeFD ?? -1 : -1
        // poll ignores negative descriptors, so absent pipes need no special case.
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: interruptFD, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        while true {
            let ready = poll(&fds, 3, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return -1
            }
            if interruptFD >= 0 && fds[1].revents != 0 {
                context.withLock { $0.endedByInterrupt = true }
                return -1
            }
            if wakeFD >= 0 && fds[2].revents != 0, let notices { showNotices(notices) }
            guard fds[0].revents != 0 else { continue }
            guard let lead = readByte() else { return -1 }
            let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 1
            var bytes = [lead]
            while bytes.count < length, let next = readByte() { bytes.append(next) }
            guard let scalar = String(decoding: bytes, as: UTF8.self).unicodeScalars.first else { return Int32(lead) }
            return Int32(bitPattern: scalar.value)
        }
    }

    /// Prints waiting lines above the prompt and redraws it (with new counts) and the line being edited.
    private static func showNotices(_ notices: Notices) {
        let (lines, prompt) = notices.takeAll()
        guard !lines.isEmpty || prompt != nil else { return }
        if !lines.isEmpty {
            // Clear the prompt's row, print the lines, and let libedit redraw below them.
            FileHandle.standardOutput.write(Data(lines.map { "\r\u{1B}[K" + $0 + "\n" }.joined().utf8))
        }
        if let prompt { rl_set_prompt(prompt) }
        if lines.isEmpty { FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8)) }
        rl_forced_update_display()
    }

    private static func readByte() -> UInt8? {
        var byte: UInt8 = 0
        while true {
            let count = read(STDIN_FILENO, &byte, 1)
            if count == 1 { return byte }
            if count < 0 && errno == EINTR { continue }
            return nil
        }
    }

    func hasPendingInput() -> Bool {
        var descriptor = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 15) > 0 && descriptor.revents & Int16(POLLIN) != 0
    }

    func remember(_ entry: String) {
        add_history(entry)
        write_history(historyPath)
    }

    func ask(_ question: String) -> LineInput {
        edit(prompt: question, atPrompt: false)
    }
}
