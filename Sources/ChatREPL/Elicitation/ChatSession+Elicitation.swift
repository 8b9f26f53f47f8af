import Foundation
import GatewayRuntime
import JSONRPC
import MCP
import MCPGateway

/// A server that asks the person something during a turn (`elicitation/create`, in either era):
/// asked on the terminal, a form field by field and typed by its schema, a URL only after
/// consent. Ctrl-C declines; piped input declines too, and says so.
extension ChatSession {
    /// The answer to one elicitation: `{"action": "accept", "content": …}`, or `decline`.
    func elicit(_ params: Value?, server: String) async -> Value {
        let request: [String: Value]
        if case .object(let object)? = params { request = object } else { request = [:] }
        let message = ServerText.printable(request["message"]?.stringValue ?? "")
        guard interactive else {
            notice("server '\(server)' asked for input\(message.isEmpty ? "" : " (\(message))"); declined: input is not a terminal")
            return Self.declined
        }
        return await asking {
            if request["mode"]?.stringValue == "url" {
                return await self.elicitURL(request, message: message, server: server)
            }
            switch ElicitationForm.read(params) {
            case .failure(let problem):
                self.notice(self.style.yellow("server '\(server)' asked for a form lmg cannot show (\(problem)); declined"))
                return Self.declined
            case .success(let form):
                return await self.fill(form, server: server)
            }
        }
    }

    static let declined: Value = ["action": "decline"]

    private func fill(_ form: ElicitationForm, server: String) async -> Value {
        say(style.bold("server '\(server)' asks: ") + ServerText.printable(form.message))
        guard await confirm("answer it? [y]es, [n]o ") else { return Self.declined }
        var content: [String: Value] = [:]
        for field in form.fields {
            let label = ServerText.printable(field.label)
            if let description = field.description { say(style.dim("  \(label): \(ServerText.printable(description))")) }
            let question = style.promptSafe("  \(label)\(field.required ? "" : " (optional)") [\(ServerText.printable(field.hint))]: ")
            while true {
                let reader = reader
                guard case .line(let line) = await terminal.run({ reader.ask(question) }) else {
                    say(style.yellow("  declined"))
                    return Self.declined
                }
                switch field.value(for: line) {
                case .success(let value):
                    if let value { content[field.name] = value }
                case .failure(let problem):
                    say(style.red("  \(problem)"))
                    continue
                }
                break
            }
        }
        return ["action": "accept", "content": .object(content)]
    }

    private func elicitURL(_ request: [String: Value], message: String, server: String) async -> Value {
        guard let url = request["url"]?.stringValue, let scheme = URLComponents(string: url)?.scheme?.lowercased(),
              scheme == "https" || scheme == "http", ServerText.printable(url) == url
        else {
            notice(style.yellow("server '\(server)' asked to open a page without a web URL; declined"))
            return Self.declined
        }
        say(style.bold("server '\(server)' asks you to open a page: ") + message)
        say("  " + ServerText.printable(url))
        let browser = Browser.available(runtime.environment)
        guard await confirm(browser ? "open it in your browser? [y]es, [n]o " : "will you open it? [y]es, [n]o ") else { return Self.declined }
        if browser { Browser.open(url) }
        return ["action": "accept"]
    }

    private func confirm(_ question: String) async -> Bool {
        await choose(style.promptSafe(style.yellow(question)), ["yes", "no"], default: "no") == "yes"
    }
}

/// The relay every call made in `lmg chat` carries: elicitations go to the person, sampling to
/// the session's model as the approval mode allows.
final class ChatInputRelay: ServerRequestRelay {
    let session: ChatSession
    let sampling: ModelSamplingRelay

    init(session: ChatSession) {
        self.session = session
        sampling = ModelSamplingRelay(models: session.runtime.models, budget: session.samplingBudget) { [session] summary in
            await session.decideSampling(summary)
        }
    }

    func relay(method: String, params: Value?, server: String) async throws(JSONRPCErrorObject) -> Value? {
        switch method {
        case "elicitation/create": return await session.elicit(params, server: server)
        default: return try await sampling.relay(method: method, params: params, server: server)
        }
    }
}
