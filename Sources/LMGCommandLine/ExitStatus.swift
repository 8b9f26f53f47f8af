import ArgumentParser
import Foundation
import GatewayRuntime

/// The documented exit statuses, from the runtime's one classification of failures.
public enum ExitStatus {
    public static let toolError = FailureCategory.toolError.exitStatus
    public static let usage = FailureCategory.usage.exitStatus
    public static let unreachable = FailureCategory.unreachable.exitStatus
    public static let interrupted = FailureCategory.interrupted.exitStatus

    /// Prints `error` as one line on stderr (after any notes it carries) and returns its exit code.
    public static func report(_ error: any Error) -> ExitCode {
        if let code = error as? ExitCode { return code }
        let category = FailureCategory(of: error)
        if let failure = error as? RuntimeFailure {
            for note in failure.notes { Terminal.error(note) }
        }
        if !(error is CancellationError) { Terminal.error(FailureCategory.message(of: error)) }
        return ExitCode(category.exitStatus)
    }
}
