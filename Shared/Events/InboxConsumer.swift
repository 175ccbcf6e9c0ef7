import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Applies one event inside the consumer's transaction. Throw `EventRejected` for a message that
/// can never succeed (it is parked in the DLQ); any other error is transient (the message is retried).
public typealias EventHandler = @Sendable (IncomingEvent, PostgresConnection, Logger) async throws -> Void

/// Consumes a queue with exactly-once effect (DESIGN.md §2): each handler runs in a transaction that
/// also inserts `(consumer, message_id)` into `<schema>.inbox`; a message already there is a duplicate,
/// acked and skipped. Acks go out only after the commit. Batches already delivered share one
/// transaction; if it fails, each message is retried alone so one bad message cannot sink the others.
/// `concurrency` batches are applied at once (handlers are order-tolerant, as the broker may reorder anyway).
public final class InboxConsumer: Service, Sendable {
    public let queue: QueueSpec
    private let schema: SQLIdentifier
    private let client: PostgresClient
    private let consumer: AMQPConsumer
    private let handlers: [String: EventHandler]
    private let owners: [String: String]
    private let logger: Logger
    private let metrics: ServiceMetrics?
    private let ready: StartupGate?
    private let afterCommit: (@Sendable ([IncomingEvent]) -> Void)?
    private let concurrency: Int

    /// `handlers` maps event types to their handler; the queue is bound to exactly those types.
    /// `owners` says which broker user may publish each type (`EventOwners`; tests bring their own).
    public init(queue name: String, schema: SQLIdentifier, client: PostgresClient, amqp: AMQPConfiguration,
                handlers: [String: EventHandler], owners: [String: String] = EventOwners.byType,
                deliveryLimit: Int = EventTopology.defaultDeliveryLimit,
                logger: Logger, metrics: ServiceMetrics? = nil, ready: StartupGate? = nil,
                concurrency: Int = 4, afterCommit: (@Sendable ([IncomingEvent]) -> Void)? = nil) {
        self.afterCommit = afterCommit
        self.concurrency = concurrency
        queue = QueueSpec(name: name, bindings: handlers.keys.sorted(), deliveryLimit: deliveryLimit)
        self.schema = schema
        self.client = client
        self.handlers = handlers
        self.owners = owners
        var logger = logger
        logger[metadataKey: "queue"] = "\(name)"
        self.logger = logger
        self.metrics = metrics
        self.ready = ready
        consumer = AMQPConsumer(configuration: amqp, queue: queue, logger: logger)
    }

    public var isConnected: Bool { consumer.isConnected }

    public func run() async throws {
        try await ready?.wait()
        consumer.start()
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<concurrency {
                        group.addTask {
                            while let batch = await self.consumer.nextBatch() {
                                await self.handle(batch)
                            }
                        }
                    }
                }
            } onGracefulShutdown: {
                self.consumer.finish()
            }
        } onCancel: {
            consumer.finish()
        }
        await consumer.shutdown()
    }

    private func handle(_ batch: [AMQPDelivery]) async {
        var events: [(AMQPDelivery, IncomingEvent)] = []
        for delivery in batch {
            do {
                let event = try IncomingEvent(message: delivery.message)
                guard handlers[event.type] != nil else { throw EventRejected("no handler for \(event.type)") }
                if let problem = EventOwners.problem(type: event.type, userId: delivery.message.userId, owners: owners) {
                    throw EventRejected(problem)
                }
                events.append((delivery, event))
            } catch {
                reject(delivery, error)
            }
        }
        guard !events.isEmpty else { return }
        if events.count > 1, (try? await applyInTransaction(events)) != nil {
            consumer.settle(events.map(\.0), .ack)
            return
        }
        for (delivery, event) in events {
            await applyAlone(delivery, event)
        }
    }

    /// One message in its own transaction, waiting out database outages rather than burning
    /// the message's delivery attempts on them.
    private func applyAlone(_ delivery: AMQPDelivery, _ event: IncomingEvent) async {
        var outage = 0
        while true {
            do {
                try await applyInTransaction([(delivery, event)])
                consumer.settle(delivery, .ack)
                return
            } catch let error where Self.isDatabaseUnavailable(error) && !Task.isShuttingDownGracefully {
                outage += 1
                logger.warning("database unavailable, holding the message", metadata: ["error": "\(error)"])
                try? await Task.sleep(for: .milliseconds(min(5000, 100 << min(outage, 6))))
            } catch {
                if Self.rejection(in: error) != nil {
                    reject(delivery, error)
                } else {
                    metrics?.handlerErrors.increment()
                    logger.error("handler failed, requeueing", metadata: [
                        "eventId": "\(event.id)", "type": "\(event.type)", "correlationId": "\(event.correlationId)",
                        "error": "\(error)",
                    ])
                    consumer.settle(delivery, .requeue)
                }
                return
            }
        }
    }

    private func applyInTransaction(_ events: [(AMQPDelivery, IncomingEvent)]) async throws {
        let started = ContinuousClock.now
        try await client.withTransaction(logger: logger) { connection in
            // One round trip records the whole batch; only the ids not seen before come back.
            var fresh = Set<UUID>()
            let rows = try await connection.query("""
                INSERT INTO \(unescaped: schema.name).inbox (consumer, message_id, event_type, correlation_id)
                SELECT \(queue.name), * FROM unnest(\(events.map(\.1.id))::uuid[], \(events.map(\.1.type))::text[],
                                                  \(events.map(\.1.correlationId))::text[])
                ON CONFLICT DO NOTHING RETURNING message_id
                """, logger: logger)
            for try await id in rows.decode(UUID.self) { fresh.insert(id) }
            metrics?.eventsDuplicated.increment(by: Int64(events.count - fresh.count))
            for (_, event) in events where fresh.remove(event.id) != nil {
                var eventLogger = logger
                eventLogger[metadataKey: "correlationId"] = "\(event.correlationId)"
                eventLogger[metadataKey: "eventId"] = "\(event.id)"
                try await handlers[event.type]!(event, connection, eventLogger)
            }
        }
        for (delivery, event) in events where event.replayReason != nil {
            let letter = DeadLetter(delivery.message)
            logger.notice("replayed dead letter applied", metadata: [
                "eventId": "\(event.id)", "type": "\(event.type)", "correlationId": "\(event.correlationId)",
                "reason": "\(letter.replayReason ?? "")", "by": "\(letter.replayedBy ?? "-")",
            ])
        }
        // Observed between commit and ack (the fault tests kill a consumer exactly here).
        afterCommit?(events.map(\.1))
        metrics?.eventsHandled.increment(by: Int64(events.count))
        metrics?.handlerDuration.record(ContinuousClock.now - started)
    }

    private func reject(_ delivery: AMQPDelivery, _ error: Error) {
        metrics?.eventsRejected.increment()
        let reason = Self.rejection(in: error)?.reason ?? "\(error)"
        logger.error("message rejected to the dead-letter queue", metadata: [
            "messageId": "\(delivery.message.messageId ?? "-")", "reason": "\(reason)",
        ])
        consumer.settle(delivery, .reject(reason: reason))
    }

    static func rejection(in error: Error) -> EventRejected? {
        if let rejected = error as? EventRejected { return rejected }
        if let tx = error as? PostgresTransactionError, let inner = tx.closureError { return rejection(in: inner) }
        // Values Postgres refuses whatever the moment (class 22 data exceptions: out of range,
        // invalid text; a NOT NULL or CHECK violation) fail the same way on every delivery.
        if let psql = error as? PSQLError, psql.code == .server, let state = psql.serverInfo?[.sqlState],
            state.hasPrefix("22") || state == "23502" || state == "23514" {
            return EventRejected("refused by the database (\(state)): \(psql.serverInfo?[.message] ?? "")")
        }
        return nil
    }

    /// Connection-level failures (not SQL errors): the database is down or restarting.
    static func isDatabaseUnavailable(_ error: Error) -> Bool {
        if let tx = error as? PostgresTransactionError {
            return [tx.beginError, tx.closureError, tx.commitError, tx.rollbackError].contains {
                $0.map(isDatabaseUnavailable) ?? false
            }
        }
        guard let psql = error as? PSQLError else { return false }
        if psql.code == .server, let state = psql.serverInfo?[.sqlState] {
            // 57P01 admin shutdown, 57P03 cannot connect now, 08xxx connection exceptions.
            return state.hasPrefix("08") || state == "57P01" || state == "57P02" || state == "57P03"
        }
        return [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed]
            .contains(psql.code)
    }
}
