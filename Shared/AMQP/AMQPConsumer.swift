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
    /// Invalid or undecodable: straight to the dead-letter queue, with the reason in its headers.
    case reject(reason: String)
}

/// Consumes one queue with manual acks on its own connection and thread. The thread buffers what
/// the broker sends; `nextBatch()` hands over everything buffered (up to `maxBatch`), so batches
/// grow by themselves while the caller is busy. The caller settles each delivery with
/// `settle(_:_:)`, which the thread sends on its next turn.
public final class AMQPConsumer: AMQPWorker, @unchecked Sendable {
    public let queue: QueueSpec
    private let prefetch: UInt16
    private let maxBatch: Int
    private var buffer: [AMQPDelivery] = []  // guarded by `condition`
    private var waiters: [CheckedContinuation<[AMQPDelivery]?, Never>] = []  // guarded by `condition`
    private var finished = false  // guarded by `condition`
    private var settlements: [(AMQPDelivery, Settlement)] = []  // guarded by `condition`
    private var generation = 0  // worker thread only
    private var inFlight = 0  // worker thread only
    /// The delivery tags of this connection not settled yet, oldest first (worker thread only): acks
    /// of the oldest ones go out as one `multiple` frame.
    private var unsettled: [UInt64] = []
    /// A second connection, in confirm mode, that parks rejected messages with their reason
    /// (a broker-side reject cannot carry one). Opened when needed, closed when idle.
    private var parking: AMQPConnection?  // worker thread only
    private var parkingUsed = Date.distantPast  // worker thread only

    public init(configuration: AMQPConfiguration, queue: QueueSpec, logger: Logger,
                prefetch: UInt16 = 400, maxBatch: Int = 200) {
        self.queue = queue
        self.prefetch = prefetch
        self.maxBatch = maxBatch
        super.init(configuration: configuration, logger: logger, threadName: "amqp-consumer-\(queue.name)")
    }

    public func settle(_ delivery: AMQPDelivery, _ settlement: Settlement) {
        condition.withLock { settlements.append((delivery, settlement)) }
    }

    public func settle(_ deliveries: [AMQPDelivery], _ settlement: Settlement) {
        condition.withLock { settlements.append(contentsOf: deliveries.map { ($0, settlement) }) }
    }

    /// The deliveries buffered so far (waiting for at least one), or nil once finished.
    public func nextBatch() async -> [AMQPDelivery]? {
        await withCheckedContinuation { continuation in
            condition.withLock {
                if !buffer.isEmpty {
                    continuation.resume(returning: takeBatch())
                } else if finished {
                    continuation.resume(returning: nil)
                } else {
                    waiters.append(continuation)
                }
            }
        }
    }

    /// Makes `nextBatch()` return nil (buffered deliveries are dropped: the broker redelivers them).
    public func finish() {
        condition.withLock {
            finished = true
            buffer = []
            waiters.forEach { $0.resume(returning: nil) }
            waiters = []
        }
    }

    /// Stops consuming and finishes the batches.
    public func shutdown() async {
        finish()
        await stop()
    }

    private func takeBatch() -> [AMQPDelivery] {  // with `condition` held
        let batch = Array(buffer.prefix(maxBatch))
        buffer.removeFirst(batch.count)
        return batch
    }

    private func deliver(_ batch: [AMQPDelivery]) {
        condition.withLock {
            guard !finished else { return }
            buffer += batch
            while !buffer.isEmpty, !waiters.isEmpty {
                waiters.removeFirst().resume(returning: takeBatch())
            }
        }
    }

    override func setUp(_ connection: AMQPConnection) throws {
        try connection.declare(queue)
        try connection.startConsuming(queue: queue.name, prefetch: prefetch)
        generation += 1
        inFlight = 0
        unsettled = []
        // Deliveries of the previous connection can no longer be acked: the broker redelivers them.
        condition.withLock { buffer = [] }
    }

    override func run(_ connection: AMQPConnection) throws {
        defer { parking = nil }
        while !isStopping {
            try sendSettlements(on: connection)
            // Unused, it would miss its heartbeats: closed rather than kept alive.
            if parking != nil, Date().timeIntervalSince(parkingUsed) > 10 { parking = nil }
            // Short polls while the handler works, so its acks go out promptly; longer ones when idle.
            guard let first = try connection.nextDelivery(timeout: inFlight > 0 ? 0.002 : 0.05) else { continue }
            var batch = [AMQPDelivery(message: first, generation: generation)]
            while batch.count < maxBatch, let next = try connection.nextDelivery(timeout: 0) {
                batch.append(AMQPDelivery(message: next, generation: generation))
            }
            inFlight += batch.count
            unsettled += batch.map(\.message.deliveryTag)
            deliver(batch)
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
        let current = pending.filter { $0.0.generation == generation }
        guard !current.isEmpty else { return }
        // The oldest unsettled deliveries all acked now: one frame for them (the broker's work per
        // ack frame was a share of the bus's cost); the others one by one.
        let acked = Set(current.compactMap { if case .ack = $0.1 { $0.0.message.deliveryTag } else { nil } })
        let run = unsettled.prefix { acked.contains($0) }
        let upTo = run.count > 1 ? run.last : nil
        if let upTo { try connection.ack(upTo, multiple: true) }
        let settled = Set(current.map(\.0.message.deliveryTag))
        unsettled.removeAll { settled.contains($0) }
        for (delivery, settlement) in current {
            inFlight -= 1
            switch settlement {
            case .ack:
                if let upTo, delivery.message.deliveryTag <= upTo { continue }
                try connection.ack(delivery.message.deliveryTag)
            case .requeue: try connection.reject(delivery.message.deliveryTag, requeue: true)
            case .reject(let reason):
                if park(delivery.message, reason: reason) {
                    try connection.ack(delivery.message.deliveryTag)
                } else {
                    // Dead-lettered by the broker all the same, without the reason (it is in the log).
                    try connection.reject(delivery.message.deliveryTag, requeue: false)
                }
            }
        }
    }

    /// Publishes a copy of `message` to the dead-letter queue with why it was refused, where and
    /// under which routing key it came (for a replay), and waits for the broker's confirm. The
    /// original is acked only after that: at worst (a crash in between) it is parked twice.
    private func park(_ message: AMQPMessage, reason: String) -> Bool {
        do {
            if parking == nil {
                let connection = try AMQPConnection.open(configuration)
                try connection.enableConfirms()
                parking = connection
            }
            guard let parking else { return false }
            parkingUsed = Date()
            var headers = message.headers.compactMapValues { value -> String? in
                if case .string(let text) = value { text } else { nil }
            }
            headers[DeadLetter.rejectedReasonHeader] = String(reason.prefix(1000))
            headers[DeadLetter.rejectedFromHeader] = queue.name
            headers[DeadLetter.rejectedAtHeader] = ISO8601DateFormatter().string(from: Date())
            headers[DeadLetter.routingKeyHeader] = message.routingKey
            // The copy is published as this consumer; who published the original is kept for a replay,
            // always overwritten (empty: unknown), never the sender's own header.
            headers[DeadLetter.publishedByHeader] = message.userId ?? ""
            try parking.publish(exchange: EventTopology.deadLetterExchange, routingKey: queue.name, body: message.body,
                                messageId: message.messageId ?? "", type: message.type ?? message.routingKey,
                                correlationId: message.correlationId, appId: "\(queue.name)", mandatory: true,
                                headers: headers)
            var returned = false
            let deadline = Date(timeIntervalSinceNow: 5)
            while Date() < deadline {
                switch try parking.nextConfirmFrame(timeout: 0.5) {
                case .returned: returned = true
                case .ack: if !returned { return true } else { throw AMQPError.connection("dead-letter queue unroutable") }
                case .nack: throw AMQPError.connection("dead letter refused by the broker")
                case .timeout: continue
                }
            }
            throw AMQPError.confirmTimeout
        } catch {
            logger.warning("could not park the message with its reason", metadata: ["error": "\(error)"])
            parking = nil
            return false
        }
    }
}
