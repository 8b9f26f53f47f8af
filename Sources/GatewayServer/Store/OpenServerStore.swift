import GatewayRuntime

extension ServeSettings {
    /// The store `server.store` names, open: the SQLite file at its path (the state directory's
    /// by default), the PostgreSQL database of a `postgres://` URL, or one in memory for `"memory"`.
    public func openStore(in environment: RuntimeEnvironment) async throws(ServerStoreError) -> any ServerStore {
        if case .postgres(let url) = store { return try await PostgresServerStore.open(url, environment: environment.variables) }
        guard let path = storePath(in: environment) else { return MemoryServerStore() }
        return try await SQLiteServerStore.open(path: path)
    }
}
