import Dispatch
import Foundation
import MCPGateway
import Locking

#if canImport(Glibc)
import Glibc
#endif

/// Makes sure no server process outlives `lmg`, also when `lmg` is stopped by a signal it can catch.
///
/// The program's policy, not the MCP library's: only a program may decide to exit.
public enum TerminationSignals {
    private static let sources = Locked<[any DispatchSourceSignal]>([])

    /// Ignores SIGPIPE (a dead server must not kill us mid-write) and, for each of `signals`,
    /// terminates every child and exits with 128 + the signal number (130 for SIGINT).
    /// Signals are taken from a dispatch source, so the handler may lock and allocate.
    public static func install(_ signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]) {
        signal(SIGPIPE, SIG_IGN)
        sources.withLock { sources in
            guard sources.isEmpty else { return }
            for number in signals {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    ChildProcessRegistry.shared.terminateAll()
                    exit(128 + number)
                }
                source.resume()
                sources.append(source)
            }
        }
    }

    /// Stops handling `signals` here (e.g. the REPL handles SIGINT itself to cancel a turn).
    public static func release(_ signals: [Int32]) {
        sources.withLock { sources in
            sources.removeAll { source in
                guard signals.contains(Int32(source.handle)) else { return false }
                source.cancel()
                return true
            }
        }
    }
}
