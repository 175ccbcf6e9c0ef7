import NIOCore
import NIOPosix

/// Runs `action` after `delay`, unless cancelled first; a cancelled alarm lets go of `action` (and
/// what it captured) at once. A timer of `Task.sleep` does not: cancelled, it still holds a task and
/// a dispatch source until the deadline it was given, so a 5 s watch per request and a 60 s deadline
/// per outbox pass kept tens of thousands alive under load (heaptrack, national bench at scale 0.1:
/// 54,000 of 92,000 sleeps; the rest were PostgresNIO's pool timers; BENCHMARKS.md session 18).
/// NIO's scheduled task leaves its loop's queue.
public struct Alarm: Sendable {
    private let scheduled: Scheduled<Void>

    public init(after delay: Duration, _ action: @escaping @Sendable () -> Void) {
        scheduled = MultiThreadedEventLoopGroup.singleton.any().scheduleTask(in: TimeAmount(delay), action)
    }

    public func cancel() {
        scheduled.cancel()
    }
}
