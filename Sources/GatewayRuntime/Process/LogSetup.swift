import Logging
import Synchronization

/// Where lmg's logs go: stderr, because stdout belongs to results (and, for `mcp-server`, to
/// the protocol). swift-log allows one bootstrap per process; later calls are ignored.
public enum LogSetup {
    private static let done = Atomic<Bool>(false)

    /// Warnings and errors only, or everything down to debug with `verbose`.
    public static func bootstrapOnce(verbose: Bool) {
        guard done.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else { return }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = verbose ? .debug : .warning
            return handler
        }
    }
}
