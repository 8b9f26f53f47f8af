import CSystemShims
import Foundation
import Locking

/// Ctrl-C for the REPL: at the prompt it clears the line, during a turn it cancels the turn.
///
/// The C handler writes a byte to two pipes: this watcher's thread reads one and calls
/// `onInterrupt` (outside signal context, so it may lock and allocate); the line editor's input
/// function polls the other beside stdin and ends the line being edited. Which thread the kernel
/// picks for the signal does not matter.
final class InterruptWatcher: Sendable {
    private let handler = Locked<(@Sendable () -> Void)?>(nil)
    /// The read end the line editor polls; -1 when the pipes could not be made.
    let promptFD: Int32

    init() {
        var watch: [Int32] = [0, 0], prompt: [Int32] = [0, 0]
        guard lmg_pipe_cloexec(&watch) == 0, lmg_pipe_cloexec(&prompt) == 0 else {
            promptFD = -1
            return
        }
        promptFD = prompt[0]
        _ = fcntl(prompt[0], F_SETFL, fcntl(prompt[0], F_GETFL) | O_NONBLOCK)
        _ = fcntl(prompt[1], F_SETFL, fcntl(prompt[1], F_GETFL) | O_NONBLOCK)
        _ = fcntl(watch[1], F_SETFL, fcntl(watch[1], F_GETFL) | O_NONBLOCK)
        lmg_install_interrupt_handler(watch[1], prompt[1])
        let readEnd = watch[0]
        let thread = Thread { [weak self] in
            var byte: UInt8 = 0
            while true {
                let count = read(readEnd, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                guard count == 1, let self else { return }
                self.handler.withLock { $0 }?()
            }
        }
        thread.name = "lmg-interrupt"
        thread.start()
    }

    /// What a Ctrl-C does now (nil: nothing beyond ending the line being edited).
    func onInterrupt(_ handler: (@Sendable () -> Void)?) {
        self.handler.withLock { $0 = handler }
    }

    /// True when a Ctrl-C arrived since the last call.
    static func take() -> Bool { lmg_take_interrupt() != 0 }
}
