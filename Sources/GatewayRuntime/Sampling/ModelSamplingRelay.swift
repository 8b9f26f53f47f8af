import Foundation
import JSONRPC
import MCP
import MCPGateway
import ModelClient
import Locking

/// A server's `sampling/createMessage` (in either era) answered by lmg's own model, as the tool
/// calls are: the approval policy decides, and a turn may sample only so often, so a server
/// cannot spend the person's tokens unasked or loop on the model.
public final class ModelSamplingRelay: ServerRequestRelay {
    /// Allowed, refused (with the reason the server is told).
    public enum Decision: Sendable {
        case allow
        case refuse(String)
    }

    private let models: ModelCatalog
    private let decide: @Sendable (SamplingTranslation.Summary) async -> Decision
    private let budget: SamplingBudget

    /// `decide`: the front end's policy (ask the person, or allow, or refuse); `budget`: how
    /// often per turn (the front end resets it as a turn begins).
    public init(
        models: ModelCatalog, budget: SamplingBudget = SamplingBudget(perTurn: 10),
        decide: @escaping @Sendable (SamplingTranslation.Summary) async -> Decision
    ) {
        self.models = models
        self.budget = budget
        self.decide = decide
    }

    public func relay(method: String, params: Value?, server: String) async throws(JSONRPCErrorObject) -> Value? {
        guard method == "sampling/createMessage" else { return nil }
        let request: ChatRequest
        switch SamplingTranslation.request(params, models: models.names) {
        case .success(let built): request = built
        case .failure(let refusal): throw JSONRPCErrorObject(code: JSONRPCErrorObject.invalidParams, message: refusal.description)
        }
        guard budget.take() else {
            throw JSONRPCErrorObject(code: -1, message: "lmg allows \(budget.perTurn) samplings per turn, and this turn has had them")
        }
        if case .refuse(let why) = await decide(SamplingTranslation.summary(params, server: server, request: request)) {
            throw JSONRPCErrorObject(code: -1, message: why)
        }
        // The hint picked a configured model by name; that client sends its own model id.
        let model = request.model.flatMap { models.model(named: $0) } ?? models.fallback
        var sent = request
        sent.model = nil
        let turn: ModelTurn
        do {
            turn = try await model.complete(sent) { _ in }
        } catch {
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.internalError, message: "lmg's model could not answer: \(error)")
        }
        do throws(SamplingTranslation.Refusal) {
            return try SamplingTranslation.result(turn, model: model.modelName)
        } catch {
            throw JSONRPCErrorObject(code: JSONRPCErrorObject.internalError, message: error.description)
        }
    }
}

/// How many samplings a turn may still have.
public final class SamplingBudget: Sendable {
    public let perTurn: Int
    private let used = Locked(0)

    public init(perTurn: Int) {
        self.perTurn = perTurn
    }

    /// Counts one; false when the turn has had them all.
    public func take() -> Bool {
        used.withLock { count in
            guard count < perTurn else { return false }
            count += 1
            return true
        }
    }

    /// A new turn begins.
    public func reset() {
        used.withLock { $0 = 0 }
    }
}

/// One relay per kind of request: each method goes to the relay that takes it, in order.
public final class InputRelays: ServerRequestRelay {
    private let relays: [any ServerRequestRelay]

    public init(_ relays: [any ServerRequestRelay]) {
        self.relays = relays
    }

    public func relay(method: String, params: Value?, server: String) async throws(JSONRPCErrorObject) -> Value? {
        for relay in relays {
            if let answer = try await relay.relay(method: method, params: params, server: server) { return answer }
        }
        return nil
    }
}
