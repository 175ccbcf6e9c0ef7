import Foundation
import Testing
@testable import Shared

/// `abandoning`: a background operation that never answers (as PostgresNIO's query on a dead
/// connection) cannot hold its caller past the deadline nor past a cancellation's grace.
@Suite struct AbandoningTests {
    /// Never answers, even when cancelled.
    static func stuck() async throws -> Int {
        await withCheckedContinuation { (_: CheckedContinuation<Void, Never>) in }
        return 0
    }

    @Test func anAnswerComesBack() async throws {
        #expect(try await abandoning(after: .seconds(5)) { 42 } == 42)
        await #expect(throws: CocoaError.self) {
            try await abandoning(after: .seconds(5)) { () async throws -> Int in throw CocoaError(.fileNoSuchFile) }
        }
    }

    @Test func aStuckWorkIsAbandonedAtItsDeadline() async throws {
        let started = ContinuousClock.now
        await #expect(throws: Abandoned.self) { try await abandoning(after: .milliseconds(200)) { try await Self.stuck() } }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func aCancelledCallerLeavesAStuckWorkAfterTheGrace() async throws {
        let caller = Task { try await abandoning(grace: .milliseconds(100)) { try await Self.stuck() } }
        try await Task.sleep(for: .milliseconds(100))
        let started = ContinuousClock.now
        caller.cancel()
        await #expect(throws: CancellationError.self) { try await caller.value }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    /// A work that ends within the grace of a cancellation still gives its own answer (a relay pass
    /// then finishes at a shutdown instead of being redone at the next start).
    @Test func aCancelledCallerStillGetsAnAnswerGivenWithinTheGrace() async throws {
        let caller = Task {
            try await abandoning(grace: .seconds(10)) { () async throws -> Int in
                try? await Task.sleep(for: .milliseconds(300))  // cancelled at once: returns early
                return 7
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        caller.cancel()
        #expect(try await caller.value == 7)
    }
}
