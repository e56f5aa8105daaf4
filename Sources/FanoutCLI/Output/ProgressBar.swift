import Foundation

/// A one-line progress bar on stderr, shown only on a terminal for long runs (50 items or more), never with --quiet.
/// Driven by one task at a time (the loop that renders a command's events).
final class ProgressBar {
    let terminal: Terminal
    let total: Int
    let label: String
    let enabled: Bool
    var done = 0
    let started = DispatchTime.now().uptimeNanoseconds
    var lastDraw: UInt64 = 0

    init(_ terminal: Terminal, quiet: Bool, total: Int, label: String) {
        self.terminal = terminal
        self.total = total
        self.label = label
        enabled = terminal.stderrIsTTY && !quiet && total >= 50
    }

    func advance(_ n: Int) {
        done += n
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        if now - lastDraw < 50_000_000 && done < total { return }
        lastDraw = now
        let elapsed = Double(now - started) / 1e9
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let eta = rate > 0 ? Double(total - done) / rate : 0
        let width = 30
        let filled = total > 0 ? min(width, width * done / total) : width
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        terminal.err("\r\(bar) \(done)/\(total) \(label) \(Int(rate))/s ETA \(Int(eta))s\u{1B}[K")
    }

    func finish() { if enabled { terminal.err("\r\u{1B}[K") } }
}
