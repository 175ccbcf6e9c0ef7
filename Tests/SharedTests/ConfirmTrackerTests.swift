import Testing
@testable import Shared

@Suite struct ConfirmTrackerTests {
    @Test func singleAcksSettleEachMessage() {
        var tracker = ConfirmTracker()
        tracker.published(tag: 1, messageId: "a")
        tracker.published(tag: 2, messageId: "b")
        tracker.ack(tag: 2, multiple: false)
        #expect(!tracker.isSettled)
        #expect(tracker.outcomes == ["b": .acked])
        tracker.ack(tag: 1, multiple: false)
        #expect(tracker.isSettled)
        #expect(tracker.outcomes == ["a": .acked, "b": .acked])
    }

    @Test func multipleAckSettlesEveryTagUpToIt() {
        var tracker = ConfirmTracker()
        for (tag, id) in [(1, "a"), (2, "b"), (3, "c")] { tracker.published(tag: UInt64(tag), messageId: id) }
        tracker.ack(tag: 2, multiple: true)
        #expect(tracker.outcomes == ["a": .acked, "b": .acked])
        tracker.nack(tag: 3, multiple: true)
        #expect(tracker.outcomes["c"] == .nacked)
        #expect(tracker.isSettled)
    }

    @Test func aReturnedMessageIsNotAckedEvenThoughTheBrokerAcksIt() {
        var tracker = ConfirmTracker()
        tracker.published(tag: 1, messageId: "a")
        tracker.published(tag: 2, messageId: "b")
        tracker.returned(messageId: "a", replyText: "NO_ROUTE")
        tracker.ack(tag: 2, multiple: true)
        #expect(tracker.outcomes == ["a": .returned("NO_ROUTE"), "b": .acked])
    }

    @Test func unknownTagsAreIgnored() {
        var tracker = ConfirmTracker()
        tracker.published(tag: 5, messageId: "a")
        tracker.ack(tag: 4, multiple: false)
        #expect(!tracker.isSettled)
        #expect(tracker.outcomes.isEmpty)
    }
}
