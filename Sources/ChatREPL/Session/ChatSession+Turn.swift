import Foundation
import ModelClient
import Orchestrator

extension ChatSession {
    /// Shows a turn's events; Ctrl-C cancels it (model request and tool calls) and returns here.
    func runTurn(_ stream: AsyncThrowingStream<OrchestratorEvent, Error>) async {
        let still = await stillConnecting()
        if !still.isEmpty {
            notice(style.dim("still connecting: \(still.joined(separator: ", ")); their tools join when they are up"))
        }
        samplingBudget.reset()
        await display.begin()
        let display = display
        let task = Task { () -> (failure: (any Error)?, used: TokenUsage?) in
            var used: TokenUsage?
            do {
                for try await event in stream {
                    if case .usage(let usage) = event { used = (used ?? TokenUsage()) + usage }
                    await display.handle(event)
                }
                return (Task.isCancelled ? CancellationError() : nil, used)
            } catch {
                return (error, used)
            }
        }
        watcher?.onInterrupt { task.cancel() }
        let (failure, used) = await task.value
        watcher?.onInterrupt(nil)
        if let used {
            let model = await orchestrator.modelName
            ledger.withLock { $0.record(model: model, usage: used) }
        }
        await display.end()
        switch failure {
        case nil: break
        case is CancellationError: notice(style.yellow("cancelled"))
        case let error?: notice(style.red("error: \(error)"))
        }
    }

    private func stillConnecting() async -> [String] {
        await manager.status().filter { $0.state == .connecting }.map(\.name)
    }
}
