import CurlHTTP
import Foundation
import Logging
import MCP

/// Settings of a client that do not come from the server's config entry.
public struct MCPClientOptions: Sendable {
    /// Sent as `clientInfo` in initialize.
    public var clientName: String
    /// Sent as `clientInfo.version`.
    public var clientVersion: String
    /// Where stdio servers' stderr is written, one `<server>.log` each.
    public var logDirectory: String
    /// Answered to the server's `roots/list`; the working directory by default.
    public var roots: [Root]
    /// Supplies `Authorization` for HTTP servers; overrides `oauth2_token` when set.
    public var authorizer: (any RequestAuthorizer)?
    /// Where OAuth2 client-credentials tokens are cached and renewed; the process-wide instance by
    /// default so every client of one OAuth client shares a token and `refreshAll()` reaches them all.
    public var tokenManager: OAuth2TokenManager
    /// Where people's sign-ins to HTTP servers are kept (``SignInStore``): a server with neither
    /// client credentials nor a static token sends the sign-in's token. nil: no sign-ins.
    public var signIns: (any SignInStore)?
    /// The HTTP engine; shared by default so connections are reused across servers.
    public var http: HTTPClient
    /// How long a stdio server gets to exit after stdin closes, and again after SIGTERM.
    public var shutdownGrace: Duration
    /// Protocol and lifecycle logs (never secrets).
    public var logger: Logger
    /// Command names that stand for a fixed executable, e.g. `lmg` for the running program, so
    /// a config that names the program works before it is installed.
    public var commandAliases: [String: String]
    /// What this client tells servers it can answer when they ask (elicitation, sampling): a
    /// front end with a ``ServerRequestRelay`` for them sets it; without one such asks are refused.
    public var answeredInputs: ServerInputs
    /// Whether a `tools/call` span carries the call's arguments (`gen_ai.tool.call.arguments`);
    /// off by default, since arguments may hold what a trace store should not keep.
    public var tracesArguments = false
    /// How often a WebSocket server is pinged; a ping unanswered by the next one ends the
    /// connection as dead (a host gone without closing it), so the manager can connect again.
    public var webSocketPingInterval: Duration = .seconds(20)
    /// Both elicitation and sampling (the gateway, which relays them to its own clients).
    public var relaysServerRequests: Bool {
        get { answeredInputs == .all }
        set { answeredInputs = newValue ? .all : [] }
    }

    public init(
        clientName: String = "MCPGateway",
        clientVersion: String = MCPClientOptions.libraryVersion,
        logDirectory: String = MCPClientOptions.defaultLogDirectory(),
        roots: [Root] = [Root(uri: URL(fileURLWithPath: FileManager.default.currentDirectoryPath).absoluteString, name: "working directory")],
        authorizer: (any RequestAuthorizer)? = nil,
        tokenManager: OAuth2TokenManager = .shared,
        signIns: (any SignInStore)? = nil,
        http: HTTPClient = .shared,
        shutdownGrace: Duration = .seconds(2),
        logger: Logger = Logger(label: "lmg.mcp"),
        commandAliases: [String: String] = [:],
        relaysServerRequests: Bool = false,
        answeredInputs: ServerInputs = []
    ) {
        self.clientName = clientName
        self.clientVersion = clientVersion
        self.logDirectory = logDirectory
        self.roots = roots
        self.authorizer = authorizer
        self.tokenManager = tokenManager
        self.signIns = signIns
        self.http = http
        self.shutdownGrace = shutdownGrace
        self.logger = logger
        self.commandAliases = commandAliases
        self.answeredInputs = relaysServerRequests ? .all : answeredInputs
    }

    /// What a stdio entry's `command` runs: its alias when it has one, else the name itself.
    public func executable(for command: String) -> String {
        commandAliases[command] ?? command
    }

    /// `$XDG_STATE_HOME/lmg/logs`, else `~/.local/state/lmg/logs`.
    public static func defaultLogDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let state = environment["XDG_STATE_HOME"], !state.isEmpty { return state + "/lmg/logs" }
        let home = environment["HOME"] ?? NSTemporaryDirectory()
        return home + "/.local/state/lmg/logs"
    }
}

extension MCPClientOptions {
    /// This library's version: the default `clientInfo.version`.
    public static let libraryVersion = "0.1.0"
}

/// The kinds of request a server may send its client for input.
public struct ServerInputs: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// `elicitation/create`: the server asks the person (a form, or a URL to open).
    public static let elicitation = ServerInputs(rawValue: 1)
    /// `sampling/createMessage`: the server asks the client's model.
    public static let sampling = ServerInputs(rawValue: 2)
    public static let all: ServerInputs = [.elicitation, .sampling]
}
