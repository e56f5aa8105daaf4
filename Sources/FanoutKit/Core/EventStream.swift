/// The events an operation reports while it runs, handed to the caller in the caller's own task.
///
/// Structured on purpose: `forEach` returns only after the operation has ended — also when the caller is
/// cancelled (Ctrl-C) or its handler throws — so no work of an operation outlives the command that started it
/// (a request still being signed while the process exits, or a message handled but not yet deleted).
public struct EventStream<Element: Sendable>: Sendable {
    public typealias Report = @Sendable (Element) -> Void
    let body: @Sendable (_ report: @escaping Report) async throws -> Void

    /// An operation: `body` runs in a child task of `forEach`'s caller and reports events as it goes.
    public init(_ body: @escaping @Sendable (_ report: @escaping Report) async throws -> Void) {
        self.body = body
    }

    /// Runs the operation and hands each event to `handle`, in order. Throws the operation's error or the handler's;
    /// a handler that throws cancels the operation, and `forEach` still waits for it to end.
    public func forEach(_ handle: (Element) async throws -> Void) async throws {
        let (events, continuation) = AsyncThrowingStream.makeStream(of: Element.self)
        let body = self.body
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await body { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            do {
                for try await event in events { try await handle(event) }
            } catch {
                group.cancelAll()
                throw error
            }
            try await group.waitForAll()
        }
    }

    /// Every event, once the operation has ended.
    public func collect() async throws -> [Element] {
        var all: [Element] = []
        try await forEach { all.append($0) }
        return all
    }
}
