import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// The one signal strategy: while a command runs, SIGINT and SIGTERM cancel the command's task instead of
/// ending the process. The command finishes what is in flight (cancellation is cooperative), and `FanoutMain`
/// reports exit status 130. Commands never install handlers of their own and never call `exit`.
/// Not Sendable: the command's runner creates and releases it; only its handler, which is, runs elsewhere.
final class SignalTrap {
    private let sources: [any DispatchSourceSignal]
    private let signals: [Int32]
    private let received = Received()

    /// The first signal, shared with the handlers.
    final class Received: Sendable {
        let value = Mutex<Int32?>(nil)
        func withLock<T>(_ body: (inout Int32?) -> T) -> T { value.withLock { body(&$0) } }
    }

    init(_ signals: [Int32] = [SIGINT, SIGTERM], onSignal: @escaping @Sendable () -> Void) {
        self.signals = signals
        var sources: [any DispatchSourceSignal] = []
        for number in signals {
            Glibc.signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            sources.append(source)
        }
        self.sources = sources
        for (number, source) in zip(signals, sources) {
            source.setEventHandler { [received] in
                received.withLock { if $0 == nil { $0 = number } }
                onSignal()
            }
            source.resume()
        }
    }

    /// The first signal that arrived, if any.
    var firstSignal: Int32? { received.withLock { $0 } }

    /// Restores the default dispositions.
    func release() {
        for source in sources { source.cancel() }
        for number in signals { Glibc.signal(number, SIG_DFL) }
    }
}
