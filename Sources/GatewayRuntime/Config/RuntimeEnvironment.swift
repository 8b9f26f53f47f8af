import Foundation
import ModelClient

/// The process environment as lmg reads it: one injected dictionary, read in one place.
///
/// The precedence rule, everywhere: a command-line flag (``ConfigOverrides``) beats an
/// environment variable, which beats the config file, which beats the built-in default.
public struct RuntimeEnvironment: Sendable {
    /// The variables, as given.
    public let variables: [String: String]

    public init(_ variables: [String: String] = ProcessInfo.processInfo.environment) {
        self.variables = variables
    }

    /// A variable when set and not empty.
    public subscript(_ name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// `model` with `OPENAI_BASE_URL`, `OPENAI_API_KEY` and `LMG_MODEL` applied where set: the
    /// environment beats the file, so a one-off run can point elsewhere without editing it.
    public func applyModelOverrides(to model: ModelConfig) -> ModelConfig {
        var copy = model
        if let url = self["OPENAI_BASE_URL"] { copy.baseURL = url }
        if let key = self["OPENAI_API_KEY"] { copy.apiKey = key }
        if let name = self["LMG_MODEL"] { copy.name = name }
        return copy
    }

    /// `LMG_SPIN_US`: how long (µs) the I/O loops poll after traffic before sleeping; 0 turns
    /// polling off; nil (unset or not a number) keeps each loop's standard window.
    public var busyPollWindow: Duration? {
        self["LMG_SPIN_US"].flatMap(Int.init).map { .microseconds(max(0, $0)) }
    }

    /// `$XDG_STATE_HOME`, else `~/.local/state`: where history, logs and state live.
    public var stateHome: String {
        self["XDG_STATE_HOME"] ?? (self["HOME"] ?? NSHomeDirectory()) + "/.local/state"
    }

    /// The REPL's history file.
    public var historyPath: String { stateHome + "/lmg/history" }

    /// Where stdio servers' stderr goes, one `<server>.log` each.
    public var serverLogDirectory: String { stateHome + "/lmg/logs" }

    /// Sign-ins and client registrations (`lmg login`), one 0600 file.
    public var signInPath: String { stateHome + "/lmg/oauth.json" }

    /// `lmg serve`'s store of servers added over HTTP, unless `server.store` says otherwise.
    public var serverStorePath: String { stateHome + "/lmg/servers.sqlite" }
}

/// What the command line (or an app) sets over the configuration: the top of the precedence rule.
public struct ConfigOverrides: Sendable, Hashable {
    /// The model name (`--model`).
    public var model: String?
    /// The system prompt (`--system`).
    public var systemPrompt: String?
    /// Rounds of tool calls per turn (`--max-iterations`).
    public var maxToolIterations: Int?

    public init(model: String? = nil, systemPrompt: String? = nil, maxToolIterations: Int? = nil) {
        self.model = model
        self.systemPrompt = systemPrompt
        self.maxToolIterations = maxToolIterations
    }
}

extension GatewayConfig {
    /// The configuration with `overrides` applied: what every front end runs with.
    public func applying(_ overrides: ConfigOverrides) -> GatewayConfig {
        var copy = self
        if let model = overrides.model { copy.model.name = model }
        if let system = overrides.systemPrompt { copy.systemPrompt = system }
        if let iterations = overrides.maxToolIterations { copy.maxToolIterations = max(1, iterations) }
        return copy
    }
}
