import Foundation
import Synchronization
import Testing
@testable import Shared

/// `Alarm`: the deadlines of every request's database watch and of every outbox pass. Rung, it runs
/// its action; cancelled, it never does and lets go of what the action holds. (The timer a cancelled
/// `Task.sleep` kept until its deadline is not visible from a test: the national bench measures it,
/// BENCHMARKS.md.)
@Suite struct AlarmTests {
    final class Held: Sendable {}

    @Test func anAlarmRingsAfterItsDelayNotBefore() async throws {
        let rung = Mutex<ContinuousClock.Instant?>(nil)
        let armed = ContinuousClock.now
        _ = Alarm(after: .milliseconds(200)) { rung.withLock { $0 = .now } }
        for _ in 0..<100 where rung.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(50)) }
        let at = try #require(rung.withLock { $0 })
        #expect(at - armed >= .milliseconds(200))
    }

    @Test func aCancelledAlarmNeverRings() async throws {
        let rung = Mutex(false)
        let ringing = Alarm(after: .milliseconds(50)) { rung.withLock { $0 = true } }
        ringing.cancel()
        try await Task.sleep(for: .milliseconds(300))
        #expect(!rung.withLock { $0 })
    }

    /// Armed, the alarm holds its action; cancelled, it lets go of it long before its deadline.
    @Test func aCancelledAlarmLetsGoOfWhatItHoldsBeforeItsDeadline() async throws {
        weak var released: Held?
        let alarm: Alarm
        do {
            let held = Held()
            released = held
            alarm = Alarm(after: .seconds(60)) { _ = held }
        }
        #expect(released != nil)
        alarm.cancel()
        // The loop drops the cancelled task on its own thread: give it that turn, far below the 60 s.
        for _ in 0..<100 where released != nil { try await Task.sleep(for: .milliseconds(50)) }
        #expect(released == nil)
    }
}
