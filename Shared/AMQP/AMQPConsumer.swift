import Foundation
import Logging

/// One delivery, tied to the connection it came on: a settlement for an older connection is
/// dropped (its delivery tag means nothing on the new one; the broker redelivers the message).
public struct AMQPDelivery: Sendable {
    public var message: AMQPMessage
    let generation: Int
}

/// How a consumer settles a delivery.
public enum Settlement: Sendable {
    /// Done (the handler's transaction committed, or it was a duplicate).
    case ack
    /// Transient failure: back to the queue; counts toward the delivery limit.
    case requeue
    /// Invalid or undecodable: straight to the dead-letter queue.
    case reject
}

/// Consumes one queue with manual acks on its own connection and thread. Deliveries come out as
/// batches (what the broker has already sent, up to `maxBatch`) on `batches`; the caller settles
/// each one with `settle(_:_:)`, which the thread sends on its next turn.
public final class AMQPConsumer: AMQPWorker, @unchecked Sendable {
    public let queue: QueueSpec
    private let prefetch: UInt16
    private let maxBatch: Int
    public let batches: AsyncStream<[AMQPDelivery]>
    private let continuation: AsyncStream<[AMQPDelivery]>.Continuation
    private var settlements: [(AMQPDelivery, Settlement)] = []  // guarded by `condition`
    private var generation = 0  // worker thread only
    private var inFlight = 0  // worker thread only

    public init(configuration: AMQPConfiguration, queue: QueueSpec, logger: Logger,
                prefetch: UInt16 = 200, maxBatch: Int = 100) {
        self.queue = queue
        self.prefetch = prefetch
        self.maxBatch = maxBatch
        (batches, continuation) = AsyncStream.makeStream(of: [AMQPDelivery].self)
        super.init(configuration: configuration, logger: logger, threadName: "amqp-consumer-\(queue.name)")
    }

    public func settle(_ delivery: AMQPDelivery, _ settlement: Settlement) {
        condition.withLock { settlements.append((delivery, settlement)) }
    }

    public func settle(_ deliveries: [AMQPDelivery], _ settlement: Settlement) {
        condition.withLock { settlements.append(contentsOf: deliveries.map { ($0, settlement) }) }
    }

    /// Stops consuming and finishes `batches`.
    public func shutdown() async {
        await stop()
        continuation.finish()
    }

    override func setUp(_ connection: AMQPConnection) throws {
        try connection.declare(queue)
        try connection.startConsuming(queue: queue.name, prefetch: prefetch)
        generation += 1
        inFlight = 0
    }

    override func run(_ connection: AMQPConnection) throws {
        while !isStopping {
            try sendSettlements(on: connection)
            // Short polls while the handler works, so its acks go out promptly; longer ones when idle.
            guard let first = try connection.nextDelivery(timeout: inFlight > 0 ? 0.002 : 0.05) else { continue }
            var batch = [AMQPDelivery(message: first, generation: generation)]
            while batch.count < maxBatch, let next = try connection.nextDelivery(timeout: 0) {
                batch.append(AMQPDelivery(message: next, generation: generation))
            }
            inFlight += batch.count
            continuation.yield(batch)
        }
        try sendSettlements(on: connection)
        // A synchronous round trip so the broker has processed our last acks before the channel
        // closes (quorum queues may drop acks sent just before a close: rabbitmq-server#10327).
        _ = try connection.queueDepth(queue.name)
    }

    private func sendSettlements(on connection: AMQPConnection) throws {
        let pending = condition.withLock {
            defer { settlements = [] }
            return settlements
        }
        for (delivery, settlement) in pending where delivery.generation == generation {
            inFlight -= 1
            switch settlement {
            case .ack: try connection.ack(delivery.message.deliveryTag)
            case .requeue: try connection.reject(delivery.message.deliveryTag, requeue: true)
            case .reject: try connection.reject(delivery.message.deliveryTag, requeue: false)
            }
        }
    }
}
