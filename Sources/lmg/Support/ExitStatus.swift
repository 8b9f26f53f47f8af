import ArgumentParser
import Foundation
import MCPGateway

/// The documented exit statuses, and how errors map onto them.
enum ExitStatus {
    static let toolError: Int32 = 1
    static let usage: Int32 = 2
    static let unreachable: Int32 = 3
    static let interrupted: Int32 = 130

    /// Prints `error` as one line on stderr and returns the exit code for it.
    static func report(_ error: any Error) -> ExitCode {
        switch error {
        case let error as ExitCode:
            return error
        case let error as CommandFailure:
            Terminal.error(error.message)
            return ExitCode(error.status)
        case let error as ConfigError:
            Terminal.error(error.description)
            return ExitCode(usage)
        case let error as MCPManagerError:
            // The manager refused: unknown, disabled or hidden, shut down, breaker open, backing off.
            Terminal.error(error.description)
            return ExitCode(unreachable)
        case let error as MCPClientError:
            Terminal.error(error.description)
            switch error.kind {
            case .cancelled: return ExitCode(interrupted)
            default: return ExitCode(unreachable)
            }
        case let error as TransportError:
            Terminal.error(error.description)
            return ExitCode(unreachable)
        case is CancellationError:
            return ExitCode(interrupted)
        default:
            Terminal.error("\(error)")
            return ExitCode(unreachable)
        }
    }
}

/// A failure the command itself detected, with its message and exit status.
struct CommandFailure: Error {
    let message: String
    let status: Int32

    static func usage(_ message: String) -> CommandFailure { CommandFailure(message: message, status: ExitStatus.usage) }
    static func unreachable(_ message: String) -> CommandFailure { CommandFailure(message: message, status: ExitStatus.unreachable) }
}
