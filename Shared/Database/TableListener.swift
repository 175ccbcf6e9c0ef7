import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Holds one connection listening on a table's NOTIFY channel and wakes the waiting passes at each
/// notification, and once on connecting (rows may have committed while nobody listened). Reconnects
/// after a failure with a growing delay; the passes' slow poll covers the gap.
/// Used by `ClaimedWork` (designation exports, mail) and `OutboxRelay`.
struct TableListener: Sendable {
    let client: PostgresClient
    let channel: String
    let logger: Logger

    func run(waking wakeup: Wakeup) async {
        var failures = 0
        while !Task.isCancelled {
            let attempt = ContinuousClock.now
            do {
                // Abandoned at cancellation: a LISTEN written to a dead connection is never answered.
                try await abandoning { try await client.withConnection { connection in
                    try await connection.listen(on: channel) { notifications in
                        wakeup.signal()
                        for try await _ in notifications { wakeup.signal() }
                    }
                } }
            } catch {
                if Task.isCancelled { return }
                // A listener that held a while before failing starts its backoff again.
                failures = ContinuousClock.now - attempt > .seconds(10) ? 1 : failures + 1
                let delay = Duration.milliseconds(min(5000, 50 << min(failures, 7)))
                logger.warning("listener on \(channel) failed", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                try? await Task.sleep(for: delay)
            }
        }
    }
}

/// Wakes the passes waiting for work. A signal with no pass waiting is kept for the next wait, so
/// rows that commit while every pass is busy are never left for the slow poll.
final class Wakeup: Sendable {
    private struct State {
        var signalled = false
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }
    private let state = Mutex(State())

    func signal() {
        let waiters = state.withLock { s in
            defer { s.waiters = [:] }
            if s.waiters.isEmpty { s.signalled = true }
            return Array(s.waiters.values)
        }
        waiters.forEach { $0.resume() }
    }

    /// Returns at the next signal (or one kept), or after `timeout`, or when cancelled. The timeout is
    /// an `Alarm`, not a sleeping task: each pass waits here, and a cancelled sleep would hold its
    /// timer until its deadline (BENCHMARKS.md).
    func wait(upTo timeout: Duration) async {
        let id = UUID()
        let alarm = Mutex<Alarm?>(nil)  // armed inside the continuation's body, cancelled after it resumed
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { s in
                    // Checked under the lock: a cancellation before this line finds nothing to resume.
                    if s.signalled || Task.isCancelled {
                        s.signalled = false
                        return true
                    }
                    s.waiters[id] = continuation
                    return false
                }
                if now {
                    continuation.resume()
                } else {
                    alarm.withLock { $0 = Alarm(after: timeout) { self.resume(id) } }
                }
            }
        } onCancel: {
            resume(id)
        }
        alarm.withLock { $0 }?.cancel()
    }

    private func resume(_ id: UUID) {
        state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
    }
}
