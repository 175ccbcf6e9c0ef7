/// The platform's fixed broker topology (DESIGN.md §2).
public enum EventTopology {
    /// Every event is published here with its type as routing key.
    public static let exchange = "ece.events"
    /// Dead letters land here, routed by the name of the queue they died in.
    public static let deadLetterExchange = "ece.dead"
    /// Deliveries a message may have before it is parked in its `.dlq`.
    public static let defaultDeliveryLimit = 5
    /// Events announced for whoever subscribes (a follow-up screen, an archive, a future
    /// service): no service needs them today, so no queue bound to them is normal and the outbox
    /// marks them sent. Every other event is awaited by a consumer: unroutable means that
    /// consumer is missing, and the outbox keeps the event and retries it.
    public static let announcements: Set<String> = ["missions.imported", "lot.locked", "notes.recorded"]
}

/// A consumer's durable quorum queue `<service>.<purpose>` and the event types it is bound to.
public struct QueueSpec: Sendable, Equatable {
    public var name: String
    public var bindings: [String]
    public var deliveryLimit: Int

    public init(name: String, bindings: [String], deliveryLimit: Int = EventTopology.defaultDeliveryLimit) {
        self.name = name
        self.bindings = bindings
        self.deliveryLimit = deliveryLimit
    }

    /// Where messages rejected without requeue, or past the delivery limit, are parked.
    public var deadLetterQueue: String { name + ".dlq" }
}

extension AMQPConnection {
    /// Checks that the two exchanges exist: the broker's set-up declares them (scripts/broker-users.sh),
    /// and no service may configure — hence delete — them.
    func declareExchanges() throws {
        try declareExchange(EventTopology.exchange, type: "topic", passive: true)
        try declareExchange(EventTopology.deadLetterExchange, type: "direct", passive: true)
    }

    /// Declares the queue, its dead-letter queue and bindings; idempotent, run after every (re)connection.
    func declare(_ queue: QueueSpec) throws {
        try declareExchanges()
        try declareQuorumQueue(queue.deadLetterQueue, deadLetterExchange: nil, deadLetterRoutingKey: nil, deliveryLimit: 0)
        try bindQueue(queue.deadLetterQueue, exchange: EventTopology.deadLetterExchange, routingKey: queue.name)
        try declareQuorumQueue(queue.name, deadLetterExchange: EventTopology.deadLetterExchange,
                               deadLetterRoutingKey: queue.name, deliveryLimit: queue.deliveryLimit)
        for key in queue.bindings {
            try bindQueue(queue.name, exchange: EventTopology.exchange, routingKey: key)
        }
    }
}
