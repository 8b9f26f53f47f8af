import CSystemShims
import Foundation
import Locking

/// What changes while the user types: lines to show (a server failed, the model is unreachable)
/// and the prompt's server and tool counts as servers come up.
///
/// Posting wakes the line editor through a pipe, so a notice appears above the line being edited
/// and the prompt is redrawn with the new counts at once, without losing what was typed; outside
/// the prompt the REPL takes the lines itself before the next prompt.
final class Notices: Sendable {
    private struct State {
        var pending: [String] = []
        var prompt: String?
        var tickets = 0
        var shownTicket = 0
    }

    private let state = Locked(State())
    /// The read end the line editor polls; -1 when no pipe could be made (updates then wait for the next prompt).
    let wakeFD: Int32
    private let writeFD: Int32

    init() {
        var fds: [Int32] = [-1, -1]
        if lmg_pipe_cloexec(&fds) == 0 {
            for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
            wakeFD = fds[0]
            writeFD = fds[1]
        } else {
            wakeFD = -1
            writeFD = -1
        }
    }

    deinit {
        if wakeFD >= 0 { close(wakeFD) }
        if writeFD >= 0 { close(writeFD) }
    }

    /// Queues a line for the user.
    func post(_ line: String) {
        state.withLock { $0.pending.append(line) }
        wake()
    }

    /// Orders prompt updates: take one before computing a prompt, pass it to `update`.
    func ticket() -> Int {
        state.withLock {
            $0.tickets += 1
            return $0.tickets
        }
    }

    /// Replaces the prompt being shown (its counts changed), unless a prompt computed later
    /// was posted already: updates computed concurrently may finish out of order.
    func update(prompt: String, ticket: Int) {
        let newer = state.withLock { state in
            guard ticket > state.shownTicket else { return false }
            state.shownTicket = ticket
            state.prompt = prompt
            return true
        }
        if newer { wake() }
    }

    /// The queued lines and the newest prompt, both emptied; drains the wake pipe.
    func takeAll() -> (lines: [String], prompt: String?) {
        var buffer = [UInt8](repeating: 0, count: 64)
        while wakeFD >= 0 && read(wakeFD, &buffer, buffer.count) > 0 {}
        return state.withLock { state in
            defer {
                state.pending.removeAll()
                state.prompt = nil
            }
            return (state.pending, state.prompt)
        }
    }

    private func wake() {
        guard writeFD >= 0 else { return }
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }
}
