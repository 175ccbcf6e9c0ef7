/// What the broker said about one published message.
public enum PublishOutcome: Sendable, Equatable {
    /// Stored by the broker (routed to at least one queue).
    case acked
    /// Refused by the broker (e.g. a queue at its length limit).
    case nacked
    /// Routed nowhere: came back as basic.return before its ack.
    case returned(String)
}

/// Publisher-confirm bookkeeping as a pure state machine: fed the frames the channel receives,
/// it tells each message's outcome. rabbitmq-c 0.11 has no confirm helper, so this is ours.
struct ConfirmTracker {
    private var pending: [UInt64: String] = [:]  // delivery tag -> message id
    private var returnedIds: [String: String] = [:]  // message id -> reply text
    private(set) var outcomes: [String: PublishOutcome] = [:]  // message id -> outcome

    var isSettled: Bool { pending.isEmpty }

    mutating func published(tag: UInt64, messageId: String) {
        pending[tag] = messageId
    }

    /// basic.return arrives before the ack of the same message.
    mutating func returned(messageId: String?, replyText: String) {
        if let messageId { returnedIds[messageId] = replyText }
    }

    mutating func ack(tag: UInt64, multiple: Bool) {
        let returned = returnedIds
        settle(tag: tag, multiple: multiple) { id in returned[id].map(PublishOutcome.returned) ?? .acked }
    }

    mutating func nack(tag: UInt64, multiple: Bool) {
        settle(tag: tag, multiple: multiple) { _ in .nacked }
    }

    private mutating func settle(tag: UInt64, multiple: Bool, _ outcome: (String) -> PublishOutcome) {
        let tags = multiple ? pending.keys.filter { $0 <= tag } : (pending[tag] == nil ? [] : [tag])
        for t in tags {
            if let id = pending.removeValue(forKey: t) { outcomes[id] = outcome(id) }
        }
    }
}
