import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Publishes committed outbox rows with publisher confirms (DESIGN.md §2).
///
/// Each pass claims up to `batchSize` due rows with `FOR UPDATE SKIP LOCKED` (so several instances
/// share the work), publishes them, and in the same transaction marks the acked ones sent and
/// schedules the returned or nacked ones for a retry with backoff, or marks them `failed` after
/// `maxAttempts` (an announcement nobody subscribes to is returned and sent: `EventTopology.announcements`). Nothing is marked sent without the broker's ack. Order is not guaranteed
/// (concurrent passes, retries): consumers are order-tolerant (DESIGN.md §2). If the process dies mid-pass,
/// the transaction rolls back and the rows, still pending, are claimed again: the resend carries
/// the same message id, which consumers' inboxes deduplicate.
public final class OutboxRelay: Service, Sendable {
    public struct Options: Sendable {
        public var batchSize = 500
        /// Wake on the commit of new rows (`LISTEN <schema>_outbox`, notified by the outbox's trigger)
        /// instead of polling: an idle service then costs next to nothing (BENCHMARKS.md, "Idle").
        /// Off (`OUTBOX_LISTEN=0`) where LISTEN cannot work, behind a transaction-pooling PgBouncer.
        public var listen = true
        /// Listening, how often an idle relay looks anyway: a retry come due, a notification lost
        /// while its connection was down.
        public var safetyPoll: Duration = .seconds(1)
        /// Not listening, how often an idle relay polls.
        public var pollInterval: Duration = .milliseconds(20)
        public var maxAttempts = 10
        /// Passes run at once (rows are claimed with SKIP LOCKED, so they never overlap): one
        /// pass's database work overlaps another's wait for confirms.
        public var concurrency = 3
        /// A pass still unanswered after this is given up (its connection died under it; `abandoning`).
        public var passDeadline: Duration = .seconds(60)
        /// How long sent rows are kept for tracing before being pruned.
        public var retention: Duration = .seconds(7 * 24 * 3600)
        public init() {}
    }

    private let outbox: Outbox
    private let client: PostgresClient
    private let publisher: AMQPPublisher
    private let options: Options
    private let logger: Logger
    private let metrics: ServiceMetrics?
    private let ready: StartupGate?
    private let wakeup = Wakeup()

    public init(outbox: Outbox, client: PostgresClient, publisher: AMQPPublisher, options: Options = Options(),
                logger: Logger, metrics: ServiceMetrics? = nil, ready: StartupGate? = nil) {
        self.outbox = outbox
        self.client = client
        self.publisher = publisher
        self.options = options
        self.logger = logger
        self.metrics = metrics
        self.ready = ready
    }

    public func run() async throws {
        try await ready?.wait()
        try? await cancelWhenGracefulShutdown {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if self.options.listen {
                    group.addTask { await TableListener(client: self.client, channel: self.channel, logger: self.logger).run(waking: self.wakeup) }
                }
                for pass in 0..<self.options.concurrency {
                    // Idle, only the first pass polls, the others wake on a notification or rarely (they
                    // matter under a backlog), so an idle service stays quiet.
                    let idle = self.options.listen ? self.options.safetyPoll * (pass == 0 ? 1 : 10)
                        : pass == 0 ? self.options.pollInterval : .milliseconds(250)
                    group.addTask { try await self.relayLoop(idle: idle) }
                }
                try await group.waitForAll()
            }
        }
    }

    /// The outbox's channel: its trigger notifies it when rows commit (EventStoreMigration).
    var channel: String { "\(outbox.schema.name)_outbox" }

    private func relayLoop(idle: Duration) async throws {
        var failures = 0
        var lastPrune = ContinuousClock.now - .seconds(3600)
        while !Task.isCancelled {
            do {
                let published = try await abandoning(after: options.passDeadline) { try await self.relayOnce() }
                failures = 0
                if ContinuousClock.now - lastPrune > .seconds(600) {
                    try await abandoning(after: options.passDeadline) { try await self.prune() }
                    lastPrune = .now
                }
                if published < options.batchSize {
                    if options.listen { await wakeup.wait(upTo: idle) } else { try await Task.sleep(for: idle) }
                }
            } catch is CancellationError {
                return
            } catch {
                failures += 1
                let delay = Duration.milliseconds(min(5000, 50 << min(failures, 7)))
                logger.warning("outbox relay pass failed", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                try await Task.sleep(for: delay)
            }
        }
    }

    /// One claim-publish-mark pass; returns how many rows it claimed.
    @discardableResult
    public func relayOnce() async throws -> Int {
        let schema = outbox.schema.name
        return try await client.withTransaction(logger: logger) { connection in
            var messages: [OutgoingMessage] = []
            var attempts: [Int] = []
            let rows = try await connection.query("""
                SELECT id, routing_key, event_type, correlation_id, body, attempts
                FROM \(unescaped: schema).outbox
                WHERE status = 'pending' AND next_attempt_at <= now()
                ORDER BY seq LIMIT \(options.batchSize)
                FOR UPDATE SKIP LOCKED
                """, logger: logger)
            for try await (id, key, type, correlation, body, tries) in rows.decode((UUID, String, String, String, String, Int).self) {
                messages.append(OutgoingMessage(routingKey: key, body: Data(body.utf8), messageId: id.uuidString,
                                                type: type, correlationId: correlation))
                attempts.append(tries)
            }
            guard !messages.isEmpty else { return 0 }
            let outcomes = try await publisher.publish(messages)
            var sent: [UUID] = []
            var retry: [UUID] = [], retryErrors: [String] = []
            for (message, outcome) in zip(messages, outcomes) {
                switch outcome {
                case .acked: sent.append(UUID(uuidString: message.messageId)!)
                case .nacked:
                    retry.append(UUID(uuidString: message.messageId)!)
                    retryErrors.append("nacked by the broker")
                case .returned where EventTopology.announcements.contains(message.routingKey):
                    sent.append(UUID(uuidString: message.messageId)!)
                case .returned(let text):
                    retry.append(UUID(uuidString: message.messageId)!)
                    retryErrors.append("unroutable (\(text)): no queue bound to \(message.routingKey)")
                }
            }
            if !sent.isEmpty {
                try await connection.query("""
                    UPDATE \(unescaped: schema).outbox SET status = 'sent', sent_at = now(), attempts = attempts + 1
                    WHERE id = ANY(\(sent))
                    """, logger: logger)
            }
            if !retry.isEmpty {
                // Backoff doubles per attempt (1 s, 2 s, 4 s … capped at 5 min); failed after maxAttempts.
                try await connection.query("""
                    UPDATE \(unescaped: schema).outbox AS o SET attempts = o.attempts + 1, last_error = r.error,
                        status = CASE WHEN o.attempts + 1 >= \(options.maxAttempts) THEN 'failed' ELSE 'pending' END,
                        next_attempt_at = now() + least(interval '5 minutes', interval '1 second' * power(2, o.attempts))
                    FROM unnest(\(retry)::uuid[], \(retryErrors)::text[]) AS r(id, error)
                    WHERE o.id = r.id
                    """, logger: logger)
                logger.warning("outbox rows not delivered, will retry", metadata: ["count": "\(retry.count)",
                                                                                    "reason": "\(retryErrors[0])"])
            }
            metrics?.eventsPublished.increment(by: Int64(sent.count))
            metrics?.eventsNotDelivered.increment(by: Int64(retry.count))
            return messages.count
        }
    }

    private func prune() async throws {
        let seconds = Double(options.retention.components.seconds)
        try await client.query("""
            DELETE FROM \(unescaped: outbox.schema.name).outbox
            WHERE status = 'sent' AND sent_at < now() - \(seconds) * interval '1 second'
            """, logger: logger)
    }
}

/// Opened once a service's migrations have run; the relay and consumers wait on it.
public final class StartupGate: Sendable {
    private let state = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    public init() {}

    public func open() {
        let waiters = state.withLock { s in
            s.open = true
            defer { s.waiters = [] }
            return s.waiters
        }
        waiters.forEach { $0.resume() }
    }

    public func wait() async throws {
        await withCheckedContinuation { continuation in
            let isOpen = state.withLock { s in
                if !s.open { s.waiters.append(continuation) }
                return s.open
            }
            if isOpen { continuation.resume() }
        }
    }
}
