import MCPGateway
import ModelClient
import Orchestrator

/// What kind of failure ended a command or a request: the one classification that exit statuses
/// (and, for the gateway, HTTP statuses) are mapped from, so every front end agrees.
public enum FailureCategory: Sendable, Hashable {
    /// The tool ran and returned `isError`.
    case toolError
    /// The model failed, or the loop stopped without an answer.
    case modelFailure
    /// Bad usage or configuration: the user must change the command or the file.
    case usage
    /// No server reachable, or a transport or authorization failure.
    case unreachable
    /// The user interrupted (Ctrl-C, a cancelled task).
    case interrupted

    /// The documented exit status: 1 tool error or model failure, 2 usage, 3 unreachable, 130 interrupted.
    public var exitStatus: Int32 {
        switch self {
        case .toolError, .modelFailure: return 1
        case .usage: return 2
        case .unreachable: return 3
        case .interrupted: return 130
        }
    }

    /// The category of any error lmg's libraries throw.
    public init(of error: any Error) {
        switch error {
        case let error as RuntimeFailure: self = error.category
        case is ConfigError, is ToolArgumentError: self = .usage
        case let error as MCPClientError: self = error.kind == .cancelled ? .interrupted : .unreachable
        case is TransportError, is OAuth2Error: self = .unreachable
        // A token file to fix or a config key to set is the user's to change; the rest is the server's side.
        case let error as SignInError: self = error.kind == .store || error.kind == .noClient ? .usage : .unreachable
        case let error as MCPManagerError: self = Self.category(of: error)
        case is ModelClientError, is OrchestratorError: self = .modelFailure
        case is CancellationError: self = .interrupted
        default: self = .unreachable
        }
    }

    /// Any error as the one line every front end shows (the libraries' messages never carry a secret).
    public static func message(of error: any Error) -> String {
        "\(error)".split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    static func category(of error: MCPManagerError) -> FailureCategory {
        switch error {
        // The caller named something that is not there: fix the command.
        case .unknownTool, .unknownServer, .toolHidden: return .usage
        // The server cannot be used now: disabled, down, or the manager is closing.
        case .circuitOpen, .restartBackoff, .disabled, .shutDown: return .unreachable
        }
    }
}

/// A failure a front end detected itself, with the message to show and its category.
public struct RuntimeFailure: Error, Sendable, CustomStringConvertible {
    /// One line naming what is wrong and where.
    public let message: String
    public let category: FailureCategory
    /// Lines to show before the message (e.g. each server that failed, before "no server is reachable").
    public let notes: [String]

    public init(_ message: String, category: FailureCategory, notes: [String] = []) {
        self.message = message
        self.category = category
        self.notes = notes
    }

    /// Bad usage or configuration.
    public static func usage(_ message: String) -> RuntimeFailure { RuntimeFailure(message, category: .usage) }
    /// No server reachable.
    public static func unreachable(_ message: String) -> RuntimeFailure { RuntimeFailure(message, category: .unreachable) }

    public var description: String { message }
}
