/// Anything that answers chat turns: the OpenAI-compatible client, or an app's own.
///
/// The orchestrator depends on this protocol only, so apps can plug in another backend and
/// tests can script one.
public protocol ChatModel: Sendable {
    /// The model name requests go to when the request names none.
    var modelName: String { get }

    /// Sends one request; calls `onTextDelta` with each piece of assistant text as it arrives.
    /// Task cancellation aborts the request.
    func complete(_ request: ChatRequest, onTextDelta: @escaping @Sendable (String) -> Void) async throws -> ModelTurn
}
