import Foundation

/// A message parked in a `<queue>.dlq`, as an operator reads it: the broker's `x-death` says
/// which queue it died in, why, and the routing key it was first published with.
public struct DeadLetter: Sendable {
    public var messageId: String?
    public var type: String?
    public var correlationId: String?
    public var queue: String?
    public var routingKey: String?
    /// `rejected` (the consumer refused it for good) or `delivery_limit` (it kept failing).
    public var reason: String?
    /// Why the consumer refused it (`rejected`): the invalid field, the unknown version…
    public var rejection: String?
    public var deaths: Int
    public var diedAt: Date?
    /// Set when an operator already replayed it once (and it died again).
    public var replayReason: String?
    public var replayedBy: String?
    /// The broker user who published the original message, as far as it can be trusted (see `publisher(parkedIn:)`).
    public var userId: String?
    /// Who published the original, according to the consumer that parked it.
    public var publishedBy: String?
    public var body: Data

    public init(_ message: AMQPMessage) {
        messageId = message.messageId
        type = message.type
        correlationId = message.correlationId
        body = message.body
        userId = message.userId
        deaths = 0
        if case .array(let entries)? = message.headers["x-death"], case .table(let death)? = entries.first {
            if case .string(let q)? = death["queue"] { queue = q }
            if case .string(let r)? = death["reason"] { reason = r }
            if case .int(let n)? = death["count"] { deaths = Int(n) }
            if case .int(let t)? = death["time"] { diedAt = Date(timeIntervalSince1970: TimeInterval(t)) }
            if case .array(let keys)? = death["routing-keys"], case .string(let key)? = keys.first { routingKey = key }
        }
        // Parked by the consumer itself, with its reason (no x-death: it never died in the broker).
        if case .string(let r)? = message.headers[DeadLetter.rejectedReasonHeader] {
            rejection = r
            reason = reason ?? "rejected"
            deaths = max(deaths, 1)
            if case .string(let q)? = message.headers[DeadLetter.rejectedFromHeader] { queue = queue ?? q }
            if case .string(let k)? = message.headers[DeadLetter.routingKeyHeader] { routingKey = routingKey ?? k }
            if diedAt == nil, case .string(let t)? = message.headers[DeadLetter.rejectedAtHeader] {
                diedAt = ISO8601DateFormatter().date(from: t)
            }
        }
        if case .string(let p)? = message.headers[DeadLetter.publishedByHeader] { publishedBy = p }
        if case .string(let r)? = message.headers[DeadLetter.replayReasonHeader] { replayReason = r }
        if case .string(let b)? = message.headers[DeadLetter.replayedByHeader] { replayedBy = b }
    }

    /// Headers a replayed message carries: why, by whom, when, and from which dead-letter queue.
    public static let replayReasonHeader = "x-ece-replay-reason"
    public static let replayedByHeader = "x-ece-replayed-by"
    public static let replayedAtHeader = "x-ece-replayed-at"
    public static let replayedFromHeader = "x-ece-replayed-from"
    /// Headers of a message a consumer refused: why, in which queue, when, and its original routing key.
    public static let rejectedReasonHeader = "x-ece-rejected-reason"
    public static let rejectedFromHeader = "x-ece-rejected-from"
    public static let rejectedAtHeader = "x-ece-rejected-at"
    public static let routingKeyHeader = "x-ece-routing-key"
    public static let publishedByHeader = "x-ece-published-by"

    /// The broker user a replay publishes the letter as, so that the consumer's ownership check
    /// applies to the original publisher, not to the operator. A letter the broker dead-lettered
    /// keeps its original `user_id`; one a consumer parked carries the consumer's `user_id` and the
    /// original in `x-ece-published-by`, believed only if the parker is the service that owns the
    /// queue (`<service>.<purpose>.dlq`): any service may write to `ece.dead`, not in its name.
    public func publisher(parkedIn deadLetterQueue: String) -> Result<String, ReplayRefusal> {
        guard rejection != nil else {
            return userId.map { .success($0) } ?? .failure(ReplayRefusal("no user_id: its publisher is unknown"))
        }
        let consumerService = String(deadLetterQueue.prefix { $0 != "." })
        guard userId == consumerService else {
            return .failure(ReplayRefusal("parked by \(userId ?? "nobody"), not by \(consumerService) which consumes the queue"))
        }
        guard let publishedBy, !publishedBy.isEmpty else { return .failure(ReplayRefusal("published without user_id: its publisher is unknown")) }
        return .success(publishedBy)
    }

    public struct ReplayRefusal: Error, Sendable, CustomStringConvertible {
        public var description: String
        init(_ description: String) { self.description = description }
    }
}

extension BrokerAdmin {
    public struct Replayed: Sendable {
        public var messageId: String
        public var routingKey: String
        /// nil once the broker confirmed the republication (the dead letter is then gone);
        /// otherwise why it stays in the dead-letter queue.
        public var failure: String?
    }

    /// Puts dead letters back on `ece.events` under the routing key they were first published with
    /// (every queue bound to it receives it again: the inboxes make that harmless), with the
    /// operator's reason in their headers. `ids` picks the messages, in any case (nil: all of them). A message
    /// leaves the dead-letter queue only after the broker confirmed its republication; the others
    /// go back to it untouched.
    public static func replay(_ configuration: AMQPConfiguration, deadLetterQueue: String, ids: Set<String>?,
                              reason: String, by operatorName: String) async throws -> [Replayed] {
        let wanted = ids.map { Set($0.map { $0.uppercased() }) }
        return try await Task.detached {
            // Two connections: confirms and deliveries would otherwise interleave on one channel.
            let reader = try AMQPConnection.open(configuration)
            defer { reader.close() }
            let writer = try AMQPConnection.open(configuration)
            defer { writer.close() }
            try writer.declareExchanges()
            try writer.enableConfirms()
            let depth = try reader.queueDepth(deadLetterQueue)
            guard depth > 0 else { return [] }
            try reader.startConsuming(queue: deadLetterQueue, prefetch: UInt16(min(depth, 1000)))
            var results: [Replayed] = [], kept: [UInt64] = [], seen = 0
            let headers = [
                DeadLetter.replayReasonHeader: reason, DeadLetter.replayedByHeader: operatorName,
                DeadLetter.replayedAtHeader: ISO8601DateFormatter().string(from: Date()),
                DeadLetter.replayedFromHeader: deadLetterQueue,
            ]
            let deadline = Date(timeIntervalSinceNow: 30)
            while seen < depth && Date() < deadline {
                guard let message = try reader.nextDelivery(timeout: 0.2) else { continue }
                seen += 1
                guard wanted?.contains(message.messageId?.uppercased() ?? "") ?? true else {
                    kept.append(message.deliveryTag)
                    continue
                }
                let letter = DeadLetter(message)
                let id = message.messageId ?? "-"
                guard let key = letter.routingKey ?? message.type else {
                    results.append(Replayed(messageId: id, routingKey: "", failure: "no routing key (no x-death, no type)"))
                    kept.append(message.deliveryTag)
                    continue
                }
                let publisher: String
                switch letter.publisher(parkedIn: deadLetterQueue) {
                case .success(let user): publisher = user
                case .failure(let refusal):
                    results.append(Replayed(messageId: id, routingKey: key, failure: refusal.description))
                    kept.append(message.deliveryTag)
                    continue
                }
                try writer.publish(exchange: EventTopology.exchange, routingKey: key, body: message.body, messageId: id,
                                   type: message.type ?? key, correlationId: message.correlationId, appId: "ece-ops",
                                   mandatory: true, headers: headers, userId: publisher)
                let failure = try confirmation(writer)
                results.append(Replayed(messageId: id, routingKey: key, failure: failure))
                if failure == nil { try reader.ack(message.deliveryTag) } else { kept.append(message.deliveryTag) }
            }
            for tag in kept { try reader.reject(tag, requeue: true) }
            // A synchronous round trip so the acks and rejects are processed before the channel closes.
            _ = try reader.queueDepth(deadLetterQueue)
            return results
        }.value
    }

    /// Waits for the broker's verdict on the one message just published: nil when acked and routed.
    private static func confirmation(_ connection: AMQPConnection) throws -> String? {
        var returned: String?
        let deadline = Date(timeIntervalSinceNow: 10)
        while Date() < deadline {
            switch try connection.nextConfirmFrame(timeout: 0.5) {
            case .returned(_, let text): returned = "unroutable: \(text)"
            case .ack: return returned
            case .nack: return "refused by the broker (nack)"
            case .timeout: continue
            }
        }
        throw AMQPError.confirmTimeout
    }
}
