extension AsyncThrowingStream where Element: Sendable, Failure == any Error {
    /// A stream of the events `body` reports, run in its own task: the stream ends when `body` returns, fails with
    /// its error, and cancels `body` when whoever reads the stream stops (or is cancelled) first.
    static func reporting(_ body: @escaping @Sendable (_ report: @escaping @Sendable (Element) -> Void) async throws -> Void) -> Self {
        let (stream, continuation) = makeStream()
        let task = Task {
            do {
                try await body { continuation.yield($0) }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
