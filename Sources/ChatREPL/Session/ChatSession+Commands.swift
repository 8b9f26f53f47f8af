import Foundation
import MCP
import MCPGateway
import ModelClient
import Orchestrator

extension ChatSession {
    /// Runs one slash command; returns it (nil when it did not parse) so the loop can see /quit.
    @discardableResult
    func command(_ line: String) async -> SlashCommand? {
        let parsed: SlashCommand
        switch SlashCommand.parse(line) {
        case .success(let command): parsed = command
        case .failure(let error):
            notice(style.red(error.description))
            return nil
        }
        do {
            try await perform(parsed)
        } catch {
            notice(style.red("error: \(error)"))
        }
        return parsed
    }

    private func perform(_ command: SlashCommand) async throws {
        switch command {
        case .help:
            let width = SlashCommand.catalog.map(\.usage.count).max() ?? 0
            for entry in SlashCommand.catalog {
                say("  " + entry.usage.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + style.dim(entry.summary))
            }
            say(style.dim("  A trailing \\ continues a message on the next line; Ctrl-C cancels a turn; //text sends /text."))
        case .servers:
            for server in await manager.status() {
                var line = "\(server.name)  \(server.state.rawValue)  \(server.transport)"
                if let tools = server.tools { line += "  \(tools) tools" }
                if let name = server.serverName { line += "  \(name) \(server.serverVersion ?? "")" }
                if let p50 = server.p50LatencyMs { line += String(format: "  p50 %.1f ms", p50) }
                if server.circuit != "closed" { line += "  circuit \(server.circuit)" }
                if server.consecutiveFailures > 0 { line += "  \(server.consecutiveFailures) failures in a row" }
                if let error = server.error { line += "  " + style.red(error) }
                say(server.isUsable ? line : style.dim(line))
            }
        case .tools(let server):
            let tools = await manager.tools().filter { server == nil || $0.server == server }
            if tools.isEmpty { say(style.dim(server.map { "no tools from '\($0)'" } ?? "no tools yet")) }
            for tool in tools {
                say(style.cyan(tool.qualifiedName) + style.dim(" " + (tool.tool.description ?? "").split(whereSeparator: \.isNewline).first.map(String.init).map { "— \($0)" }.orEmpty))
            }
        case .prompts:
            listTemplates()
            for entry in await promptNamespace().prompts {
                let prompt = entry.prompt
                let arguments = (prompt.arguments ?? []).map { $0.required == true ? $0.name : "[\($0.name)]" }.joined(separator: " ")
                say(style.cyan(entry.qualifiedName) + " \(arguments)" + style.dim(prompt.description.map { " — \($0)" }.orEmpty))
            }
        case .prompt(let name, let arguments):
            if let template = template(named: name) {
                try await startFromTemplate(template, arguments: arguments)
                return
            }
            let target = try await promptNamespace().lookup(name).mapError { ChatError($0.description) }.get()
            let (server, prompt) = (target.server, target.prompt.name)
            let result = try await manager.getPrompt(server: server, name: prompt, arguments: arguments)
            let messages = Conversation.messages(from: result)
            say(style.dim("prompt \(server)/\(prompt): \(messages.count) message\(messages.count == 1 ? "" : "s") added"))
            if messages.last?.role == .user {
                await runTurn(await orchestrator.send(messages: messages))
            } else {
                await orchestrator.append(messages)
            }
        case .resources:
            for server in await manager.status() where server.isUsable {
                for resource in (try? await manager.listResources(server: server.name)) ?? [] {
                    say("\(server.name)  " + style.cyan(resource.uri) + style.dim(" \(resource.name)" + (resource.mimeType.map { " (\($0))" }.orEmpty)))
                }
                for template in (try? await manager.listResourceTemplates(server: server.name)) ?? [] {
                    say("\(server.name)  " + style.cyan(template.uriTemplate) + style.dim(" \(template.name) (template)"))
                }
            }
        case .read(let server, let uri):
            let result = try await manager.readResource(server: server, uri: uri)
            let message = Conversation.message(attaching: result.contents, from: server)
            await orchestrator.append([message])
            // A server that offers subscriptions says when the attached contents go stale.
            let watched = (try? await manager.subscribe(server: server, resource: uri)) == true
            if watched { attachedResources.withLock { _ = $0.insert(MCPResourceUpdate(server: server, uri: uri)) } }
            say(style.dim("attached \(uri) (\(message.text.count) characters) to the conversation" + (watched ? "; lmg says when it changes" : "")))
            await display.show(images: ContentRenderer.images(in: result.contents))
        case .call(let tool, let json):
            try await callByHand(tool, json: json)
        case .model(let name):
            if let name {
                await orchestrator.setModel(name)
                say(style.dim("model: \(name)"))
            } else {
                say("model: \(await orchestrator.modelName) at \(modelURL)")
            }
        case .system(let text):
            if let text {
                await orchestrator.setSystemPrompt(text)
                say(style.dim("system prompt set"))
            } else {
                say(await orchestrator.conversation.systemPrompt ?? style.dim("(no system prompt)"))
            }
        case .clear:
            await orchestrator.clear()
            say(style.dim("conversation cleared"))
        case .history:
            for message in await orchestrator.conversation.messages {
                var line = "\(message.role.rawValue): " + ToolLine.flatten(message.text)
                if let calls = message.toolCalls { line += calls.map { " → \($0.function.name) \($0.function.arguments)" }.joined() }
                say(ToolLine.fit(line, width: style.width))
            }
        case .save(let path):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            let expanded = (path as NSString).expandingTildeInPath
            try encoder.encode(await orchestrator.conversation).write(to: URL(fileURLWithPath: expanded))
            say(style.dim("saved \(await orchestrator.conversation.messages.count) messages to \(path)"))
        case .load(let path):
            let expanded = (path as NSString).expandingTildeInPath
            let data = try Data(contentsOf: URL(fileURLWithPath: expanded))
            let conversation: Conversation
            if path.lowercased().hasSuffix(".md") {
                do {
                    var messages = try ConversationExport.messages(fromMarkdown: String(decoding: data, as: UTF8.self))
                    let system = messages.first?.role == .system ? messages.removeFirst().text : nil
                    conversation = Conversation(systemPrompt: system, messages: messages)
                } catch {
                    throw ChatError("\(path) is not a conversation /export wrote: \(error)")
                }
            } else {
                do {
                    conversation = try JSONDecoder().decode(Conversation.self, from: data)
                } catch {
                    throw ChatError("\(path) is not a saved conversation: \(error.localizedDescription)")
                }
            }
            await orchestrator.setConversation(conversation)
            say(style.dim("loaded \(conversation.messages.count) messages from \(path)"))
        case .export(let path):
            let conversation = await orchestrator.conversation
            let system = conversation.systemPrompt.map { [ChatMessage.system($0)] } ?? []
            let text = ConversationExport.markdown(system + conversation.messages, model: await orchestrator.modelName)
            let expanded = (path as NSString).expandingTildeInPath
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: expanded), options: .atomic)
            } catch {
                throw ChatError("cannot write \(path): \(error.localizedDescription)")
            }
            say(style.dim("exported \(conversation.messages.count) messages to \(path)"))
        case .copy:
            try await copyLastAnswer()
        case .approve(let mode):
            if let mode {
                await applyApproval(mode)
                say(style.dim("tool calls: \(mode.rawValue)"))
            } else {
                say("usage: /approve on|off|ask")
            }
        case .usage:
            let config = config
            let lines = ledger.withLock { $0 }.report { name in
                config.models[name]?.prices ?? config.models.values.first { $0.name == name }?.prices
                    ?? (name == (config.model.name ?? ModelConfig.defaultModelName) ? config.model.prices : nil)
            }
            for line in lines { say(line) }
        case .retry:
            await runTurn(await orchestrator.retry())
        case .quit:
            break
        }
    }

    /// `/call TOOL {json}`: the tool's result, shown like the model's calls, no model involved.
    private func callByHand(_ name: String, json: String?) async throws {
        let namespace = await manager.namespace()
        guard let target = namespace.resolve(name) else {
            throw MCPManagerError.unknownTool(name, suggestions: namespace.closestNames(to: name))
        }
        var arguments: [String: Value] = [:]
        if let json {
            guard let value = try? JSONDecoder().decode(Value.self, from: Data(json.utf8)), case .object(let object) = value else {
                throw ChatError("/call: the arguments must be a JSON object, like {\"text\": \"hi\"}")
            }
            arguments = object
        }
        let request = ToolCallRequest(
            id: "manual", qualifiedName: target.qualifiedName, server: target.server, tool: target.tool.name,
            arguments: json ?? "{}", readOnly: target.tool.annotations.readOnlyHint == true)
        await display.begin()
        await display.handle(.toolCallStarted(request))
        let clock = ContinuousClock()
        let start = clock.now
        let result = try await manager.callTool(server: target.server, tool: target.tool.name, arguments: arguments)
        let text = ContentRenderer.person.render(result).text
        var outcome = ToolCallOutcome(
            request: request, status: .completed, isError: result.isError == true, content: text,
            summary: ToolLine.flatten(text), duration: clock.now - start, truncated: false)
        outcome.images = ContentRenderer.images(in: result.content)
        await display.handle(.toolCallFinished(outcome))
        await display.end()
        say(text)
    }

    /// Sends the last answer to the terminal's clipboard with OSC 52, which works over ssh and in
    /// tmux (with set-clipboard on); most terminals take up to about 100 KB.
    private func copyLastAnswer() async throws {
        guard let answer = await orchestrator.conversation.messages.last(where: { $0.role == .assistant && !$0.text.isEmpty })?.text else {
            throw ChatError("no answer to copy yet")
        }
        guard style.interactive else { throw ChatError("/copy needs a terminal (it writes OSC 52 to stdout)") }
        let encoded = Data(answer.utf8).base64EncodedString()
        guard encoded.count <= 100_000 else {
            throw ChatError("the last answer is \(answer.utf8.count) bytes, too long for the terminal clipboard; /export it instead")
        }
        FileHandle.standardOutput.write(Data("\u{1B}]52;c;\(encoded)\u{7}".utf8))
        say(style.dim("copied the last answer (\(answer.count) characters) to the clipboard"))
    }

    /// Every usable server's prompts under the names `/prompts` shows and `/prompt` takes.
    private func promptNamespace() async -> PromptNamespace {
        PromptNamespace(await manager.listAvailablePrompts())
    }
}

/// A command failure, as the one line to show.
struct ChatError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Optional where Wrapped == String {
    var orEmpty: String { self ?? "" }
}
