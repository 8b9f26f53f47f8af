/// Lines that arrive while the user types (a server failed, the model is unreachable), shown
/// before the next prompt rather than over the line being edited.
actor Notices {
    private var pending: [String] = []

    func post(_ line: String) { pending.append(line) }

    func take() -> [String] {
        defer { pending.removeAll() }
        return pending
    }
}
