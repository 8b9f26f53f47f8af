import ModelClient

/// The models a gateway's caller may name: the config's `models` map, or, without one, the
/// `model` section under any name.
///
/// Without a map every requested name goes to the `model` section's endpoint and model (the
/// gateway's configuration decides what runs, so a client's habitual `gpt-4o` still works); to
/// let callers choose, list the upstream models in `models`, and then an unknown name is refused.
public struct ModelCatalog: Sendable {
    /// The map's models by name; empty without a map.
    public let named: [String: any ChatModel]
    /// The `model` section's client.
    public let fallback: any ChatModel

    public init(named: [String: any ChatModel], fallback: any ChatModel) {
        self.named = named
        self.fallback = fallback
    }

    /// The model answering `name`; nil when a map exists and does not list it.
    public func model(named name: String) -> (any ChatModel)? {
        named.isEmpty ? fallback : named[name]
    }

    /// The names to list (`GET /v1/models`): the map's, sorted, or the `model` section's model.
    public var names: [String] {
        named.isEmpty ? [fallback.modelName] : named.keys.sorted()
    }
}
