import Foundation
import Logging
import PostgresNIO
import Testing
import TestSupport
@testable import Shared

/// The event contract under faults (issue 2, tests (a)–(g)), against the real Postgres and RabbitMQ.
/// Serialized: test (b) restarts the broker under everyone's feet.
@Suite(.serialized) struct EventBusFaultTests {
    /// (a) A producer killed after its commit and before any publish: the events go out after restart.
    @Test func producerKilledAfterCommitPublishesAfterRestart() async throws {
        let harness = try await BusHarness()
        let type = "test.\(harness.schema).created"
        let queue = "test.\(harness.schema)"
        let consumer = Running(harness.consumer(queue: queue, type: type))

        let producer = try ChildProcess.probe(["produce", "--schema", harness.schema.name, "--type", type, "--count", "50"])
        try await producer.waitFor("COMMITTED 50")
        producer.killHard()
        #expect(try await harness.outboxStatus() == ["pending": 50])

        let restarted = try ChildProcess.probe(["relay", "--schema", harness.schema.name])
        try await restarted.waitFor("DRAINED")
        let expected = Set(try await outboxIds(harness))
        let report = try await DrainReport.await(expected: expected) { try await harness.effects() }
        #expect(report.isClean, "\(report)")
        #expect(report.delivered == 50)
        #expect(try await harness.outboxStatus() == ["sent": 50])

        await consumer.stop()
        try await cleanUp(harness, queues: [queue])
    }

    /// (b) The broker stopped mid-stream and restarted: every committed event arrives, once.
    @Test func brokerRestartLosesNothing() async throws {
        let harness = try await BusHarness()
        let type = "test.\(harness.schema).created"
        let queue = "test.\(harness.schema)"
        let running = try await harness.flowing(type: type, queue: queue)

        var expected = Set<UUID>()
        for round in 0..<30 {
            if round == 10 { try await infra("rabbit-stop") }
            if round == 15 { try await infra("rabbit-start") }
            expected.formUnion(try await BusFixture.enqueue(count: 100, type: type, outbox: harness.outbox(),
                                                            client: harness.client, logger: harness.logger))
            try await Task.sleep(for: .milliseconds(30))
        }
        let report = try await DrainReport.await(expected: expected, timeout: .seconds(120)) { try await harness.effects() }
        #expect(report.isClean, "\(report)")
        #expect(report.delivered == 3000)
        #expect(try await harness.outboxStatus() == ["sent": 3000])

        for r in running { await r.stop() }
        try await cleanUp(harness, queues: [queue])
    }

    /// An idle relay wakes when rows commit (issue 24, item 3): its slow poll set to ten minutes, only
    /// the outbox trigger's notification can bring rows committed once it listens; with listening off
    /// (OUTBOX_LISTEN=0), it polls as before.
    @Test(arguments: [true, false])
    func committedRowsWakeAnIdleRelay(listen: Bool) async throws {
        let harness = try await BusHarness()
        let type = "test.\(harness.schema).created"
        let queue = "test.\(harness.schema)"
        let publisher = AMQPPublisher(configuration: harness.amqp, appId: "test", logger: harness.logger)
        var options = OutboxRelay.Options()
        options.listen = listen
        options.safetyPoll = .seconds(600)
        let relay = OutboxRelay(outbox: harness.outbox(), client: harness.client, publisher: publisher,
                                options: options, logger: harness.logger)
        let running = [Running(publisher), Running(relay), Running(harness.consumer(queue: queue, type: type))]
        try await waitUntil { publisher.isConnected }
        // Rows published before the consumer's queue is bound are unroutable and wait for the
        // ten-minute poll: start once it consumes (it subscribes after binding).
        try await waitUntil { (await BrokerAdmin.queueConsumers(harness.amqp, queue: queue) ?? 0) > 0 }
        if listen {
            let listening = "LISTEN \"\(relay.channel)\";"
            try await waitUntil {
                try await harness.client.query("SELECT count(*)::int FROM pg_stat_activity WHERE query = \(listening)")
                    .collect().first?.decode(Int.self) == 1
            }
        }
        for round in 0..<3 {
            let expected = Set(try await BusFixture.enqueue(count: 10, type: type, outbox: harness.outbox(),
                                                            client: harness.client, logger: harness.logger))
            let report = try await DrainReport.await(expected: expected, timeout: .seconds(30)) {
                try await harness.effects().filter { expected.contains($0.key) }
            }
            #expect(report.isClean && report.delivered == 10, "round \(round): \(report)")
        }
        for r in running { await r.stop() }
        try await cleanUp(harness, queues: [queue])
    }

    /// (c) A consumer killed after its commit and before its ack: redelivered, effect applied once.
    @Test func consumerKilledBeforeAckAppliesOnce() async throws {
        let harness = try await BusHarness()
        let type = "test.\(harness.schema).created"
        let queue = "test.\(harness.schema)"
        let doomed = try ChildProcess.probe(["consume", "--schema", harness.schema.name, "--type", type, "--queue", queue,
                                             "--die-after-commit"])
        try await doomed.waitFor("CONSUMING")
        try await waitUntil { try await queueExists(queue) }
        let ids = try await BusFixture.enqueue(count: 1, type: type, outbox: harness.outbox(), client: harness.client,
                                               logger: harness.logger)
        try await harness.publishPending()
        try await doomed.waitFor("COMMITTED")
        _ = await doomed.waitForExit()
        #expect(try await harness.effects() == [ids[0]: 1], "the killed consumer committed its effect")

        let metrics = ServiceMetrics(service: "test")
        let survivor = Running(harness.consumer(queue: queue, type: type, metrics: metrics))
        try await waitUntil { metrics.value(of: "ece_events_duplicated_total") >= 1 }
        let report = try await DrainReport.await(expected: Set(ids)) { try await harness.effects() }
        #expect(report.isClean && report.delivered == 1, "\(report)")
        #expect(try await inboxCount(harness) == 1)

        await survivor.stop()
        try await cleanUp(harness, queues: [queue])
    }

    /// (d) The same message delivered twice: one inbox row, one effect.
    @Test func duplicateDeliveryHasOneEffect() async throws {
        let harness = try await BusHarness()
        let type = "test.\(harness.schema).created"
        let queue = "test.\(harness.schema)"
        let metrics = ServiceMetrics(service: "test")
        let consumer = Running(harness.consumer(queue: queue, type: type, metrics: metrics))
        try await waitUntil { try await queueExists(queue) }

        let envelope = EventEnvelope(type: type, version: 1, producer: "test", correlationId: "dup",
                                     payload: ProbePayload(seq: 1))
        let message = OutgoingMessage(routingKey: type, body: try EventCoding.encoder.encode(envelope),
                                      messageId: envelope.id.uuidString, type: type, correlationId: "dup")
        let publisher = AMQPPublisher(configuration: harness.amqp, appId: "test", logger: harness.logger)
        let running = Running(publisher)
        try await waitUntil { publisher.isConnected }
        #expect(try await publisher.publish([message]) == [.acked])
        #expect(try await publisher.publish([message]) == [.acked])

        try await waitUntil { metrics.value(of: "ece_events_duplicated_total") >= 1 }
        let report = try await DrainReport.await(expected: [envelope.id]) { try await harness.effects() }
        #expect(report.isClean && report.delivered == 1, "\(report)")
        #expect(try await inboxCount(harness) == 1)

        await running.stop()
        await consumer.stop()
        try await cleanUp(harness, queues: [queue])
    }

    /// Acks of the oldest deliveries go out as one frame (`AMQPConsumer`): whatever order four
    /// batches at once finish in, with rejects among them, every delivery is settled once. Stopped,
    /// the consumer leaves nothing for the broker to redeliver, and a tag acked twice would have
    /// closed the channel (the events would then be applied on a new one: the inbox would say so).
    @Test func everyDeliveryIsSettledOnceWhateverOrderTheBatchesFinishIn() async throws {
        let harness = try await BusHarness()
        let type = "test.\(harness.schema).created"
        let queue = "test.\(harness.schema)"
        let metrics = ServiceMetrics(service: "test")
        let consumer = Running(harness.consumer(queue: queue, type: type, deliveryLimit: 2, metrics: metrics))
        try await waitUntil { try await queueExists(queue) }
        let poison: Set<Int> = [7, 300, 301, 1999]
        let ids = try await BusFixture.enqueue(count: 2000, type: type, outbox: harness.outbox(), client: harness.client,
                                               logger: harness.logger, perTransaction: 250, poison: poison)
        for _ in 0..<4 { try await harness.publishPending() }  // 500 a pass

        let good = Set(ids.enumerated().filter { !poison.contains($0.offset) }.map(\.element))
        let report = try await DrainReport.await(expected: good) { try await harness.effects() }
        #expect(report.isClean && report.delivered == 2000 - poison.count, "\(report)")
        _ = try await readQueue("\(queue).dlq", expecting: poison.count)
        await consumer.stop()
        #expect(await BrokerAdmin.queueDepth(harness.amqp, queue: queue) == 0, "deliveries left unsettled")
        #expect(metrics.value(of: "ece_events_duplicated_total") == 0, "a delivery came twice: its channel closed")
        try await cleanUp(harness, queues: [queue])
    }

    /// (e) An always-failing handler: the message is parked in `<queue>.dlq` with its x-death after the
    /// delivery limit, an undecodable one goes there at once, and the queue keeps flowing.
    @Test func poisonMessagesAreDeadLetteredAndTheQueueFlows() async throws {
        let harness = try await BusHarness()
        let type = "test.\(harness.schema).created"
        let queue = "test.\(harness.schema)"
        let consumer = Running(harness.consumer(queue: queue, type: type, deliveryLimit: 2))
        try await waitUntil { try await queueExists(queue) }

        let ids = try await BusFixture.enqueue(count: 20, type: type, outbox: harness.outbox(), client: harness.client,
                                               logger: harness.logger, poison: [3])
        let publisher = AMQPPublisher(configuration: harness.amqp, appId: "test", logger: harness.logger)
        let running = Running(publisher)
        try await waitUntil { publisher.isConnected }
        let garbageId = UUID().uuidString
        #expect(try await publisher.publish([OutgoingMessage(routingKey: type, body: Data("{not json".utf8),
                                                             messageId: garbageId, type: type, correlationId: nil)])
            == [.acked])
        try await harness.publishPending()

        let good = Set(ids.enumerated().filter { $0.offset != 3 }.map(\.element))
        let report = try await DrainReport.await(expected: good) { try await harness.effects() }
        #expect(report.isClean && report.delivered == 19, "\(report)")

        let parked = try await readQueue("\(queue).dlq", expecting: 2)
        #expect(Set(parked.compactMap(\.messageId)) == [ids[3].uuidString, garbageId])
        let poison = try #require(parked.first { $0.messageId == ids[3].uuidString })
        guard case .array(let deaths)? = poison.headers["x-death"], case .table(let death)? = deaths.first else {
            Issue.record("no x-death header on the dead letter: \(poison.headers)")
            return
        }
        #expect(death["queue"] == .string(queue))
        #expect(death["reason"] == .string("delivery_limit"))
        // Refused by the consumer itself: parked with its reason (a broker-side reject could not carry one).
        let garbage = DeadLetter(try #require(parked.first { $0.messageId == garbageId }))
        #expect(garbage.reason == "rejected" && garbage.queue == queue && garbage.routingKey == type)
        #expect(garbage.rejection?.hasPrefix("undecodable envelope") == true, "\(garbage.rejection ?? "no reason")")
        #expect(try await harness.effects()[ids[3]] == nil)

        await running.stop()
        await consumer.stop()
        try await cleanUp(harness, queues: [queue])
    }

    /// An operator replays a dead letter once its cause is mended, with `ece-ops` as on duty: the
    /// letter is shown, goes back under its routing key with the reason in its headers, is handled
    /// once (the tool waits for the consumer's inbox), and leaves the dead-letter queue; the letter
    /// not chosen stays parked.
    @Test func anOperatorReplaysADeadLetterWithECEOps() async throws {
        let harness = try await BusHarness()
        let type = "test.\(harness.schema).created"
        // `<service>.<purpose>`: ece-ops finds the consumer's inbox in the schema named after the service.
        let queue = "\(harness.schema).replay"
        let replays = ReplayLog()
        let consumer = Running(harness.consumer(queue: queue, type: type, deliveryLimit: 2) { events in
            replays.add(events.filter { $0.replayReason != nil })
        })
        try await waitUntil { try await queueExists(queue) }
        let ids = try await BusFixture.enqueue(count: 6, type: type, outbox: harness.outbox(), client: harness.client,
                                               logger: harness.logger, poison: [1, 4])
        try await harness.publishPending()
        try await waitUntil { await BrokerAdmin.queueDepth(harness.amqp, queue: "\(queue).dlq") == 2 }
        #expect(try await harness.effects().count == 4)

        let environment = ["AMQP_URL": LocalInfrastructure.amqpURL,
                           "\(harness.schema.name.uppercased())_DATABASE_URL": LocalInfrastructure.databaseURL]
        let show = try ChildProcess.tool("ece-ops", ["dlq", "show", queue], environment: environment)
        #expect(await show.waitForExit() == 0)
        #expect(show.text.contains(ids[1].uuidString) && show.text.contains("died in \(queue) (delivery_limit"), "\(show.text)")

        try await harness.client.query("INSERT INTO \(unescaped: harness.schema.name).remedies VALUES (1)", logger: harness.logger)
        let replay = try ChildProcess.tool("ece-ops", ["dlq", "replay", queue, "--id", ids[1].uuidString.lowercased(),
                                                       "--reason", "barème corrigé, rejoué"], environment: environment)
        #expect(await replay.waitForExit() == 0, "\(replay.text)")
        #expect(replay.text.contains("\(ids[1])  handled by \(queue) at"), "\(replay.text)")
        #expect(try await harness.effects()[ids[1]] == 1)
        #expect(replays.events.map(\.id) == [ids[1]] && replays.events.first?.replayReason == "barème corrigé, rejoué")
        #expect(await BrokerAdmin.queueDepth(harness.amqp, queue: "\(queue).dlq") == 1, "the letter not chosen stays")
        #expect(try await harness.effects()[ids[4]] == nil)
        let rest = try await readQueue("\(queue).dlq", expecting: 1)
        #expect(rest.map(\.messageId) == [ids[4].uuidString])

        await consumer.stop()
        try await cleanUp(harness, queues: [queue])
    }

    /// (f) An unroutable publish is not marked sent: retried with backoff, then `failed`, visibly.
    @Test func unroutableEventsAreNeverMarkedSent() async throws {
        let harness = try await BusHarness()
        let routed = "test.\(harness.schema).routed"
        let queue = "test.\(harness.schema)"
        let consumer = Running(harness.consumer(queue: queue, type: routed))
        try await waitUntil { try await queueExists(queue) }
        let publisher = AMQPPublisher(configuration: harness.amqp, appId: "test", logger: harness.logger)
        let running = Running(publisher)
        try await waitUntil { publisher.isConnected }
        var options = OutboxRelay.Options()
        options.maxAttempts = 2
        let relay = OutboxRelay(outbox: harness.outbox(), client: harness.client, publisher: publisher,
                                options: options, logger: harness.logger)

        let lost = try await BusFixture.enqueue(count: 1, type: "test.\(harness.schema).nobody", outbox: harness.outbox(),
                                                client: harness.client, logger: harness.logger)
        let ok = try await BusFixture.enqueue(count: 1, type: routed, outbox: harness.outbox(), client: harness.client,
                                              logger: harness.logger)
        // An announcement nobody subscribes to is sent, not retried.
        let announced = try await BusFixture.enqueue(count: 1, type: "lot.locked", outbox: harness.outbox(),
                                                     client: harness.client, logger: harness.logger)
        #expect(try await relay.relayOnce() == 3)
        #expect(try await harness.outboxStatus() == ["pending": 1, "sent": 2])
        #expect(try await harness.client.query("SELECT status FROM \(unescaped: harness.schema.name).outbox WHERE id = \(announced[0])")
            .collect().first?.decode(String.self) == "sent")
        let row = try await harness.client.query(
            "SELECT attempts, last_error FROM \(unescaped: harness.schema.name).outbox WHERE id = \(lost[0])")
        for try await (attempts, error) in row.decode((Int, String?).self) {
            #expect(attempts == 1)
            #expect(error?.contains("unroutable") == true)
        }
        #expect(try await relay.relayOnce() == 0, "backoff: not due yet")
        try await harness.client.query(
            "UPDATE \(unescaped: harness.schema.name).outbox SET next_attempt_at = now() WHERE id = \(lost[0])")
        #expect(try await relay.relayOnce() == 1)
        #expect(try await harness.outboxStatus() == ["failed": 1, "sent": 2])

        let report = try await DrainReport.await(expected: Set(ok)) { try await harness.effects() }
        #expect(report.isClean, "\(report)")

        // Once its consumer exists, an operator puts the failed row back in line with ece-ops.
        let late = "\(harness.schema).late"
        let lateConsumer = Running(harness.consumer(queue: late, type: "test.\(harness.schema).nobody"))
        try await waitUntil { try await queueExists(late) }
        let retry = try ChildProcess.tool("ece-ops", ["outbox", "retry", harness.schema.name, "--all-failed", "--wait", "0"],
                                          environment: ["\(harness.schema.name.uppercased())_DATABASE_URL": LocalInfrastructure.databaseURL])
        #expect(await retry.waitForExit() == 0 && retry.text.contains("1 failed row(s) back to pending"), "\(retry.text)")
        #expect(try await relay.relayOnce() == 1)
        #expect(try await harness.outboxStatus() == ["sent": 3])
        let delivered = try await DrainReport.await(expected: Set(ok + lost)) { try await harness.effects() }
        #expect(delivered.isClean, "\(delivered)")
        await lateConsumer.stop()
        await running.stop()
        await consumer.stop()
        try await cleanUp(harness, queues: [queue, late])
    }

    /// A pool's connection idle for 10 s is closed: its backend ends. PostgresNIO's default is 60 s,
    /// and every release of a connection schedules its idle timer, which a lease cancels but which
    /// holds its memory until its deadline (Correction's heap at a distribution's rate, BENCHMARKS.md).
    @Test func anIdleConnectionIsClosedAfterTenSeconds() async throws {
        let logger = Logger(label: "test")
        try await withPostgresClient(try DatabaseConfiguration.client(url: LocalInfrastructure.databaseURL), logger: logger) { client in
            let pid = try await client.query("SELECT pg_backend_pid()").collect().first?.decode(Int32.self) ?? 0
            func alive() async throws -> Bool {
                try await withPostgresClient(try DatabaseConfiguration.client(url: LocalInfrastructure.databaseURL, maxConnections: 1),
                                             logger: logger) { probe in
                    try await probe.query("SELECT count(*) FROM pg_stat_activity WHERE pid = \(pid)").collect().first?.decode(Int.self) == 1
                }
            }
            try await Task.sleep(for: .seconds(7))
            #expect(try await alive(), "closed before its 10 s")
            try await Task.sleep(for: .seconds(6))
            #expect(try await !alive(), "still open after 13 s idle")
        }
    }

    /// (g) Each service's role reaches its own schema only.
    @Test func correctionRoleCannotTouchOtherSchemas() async throws {
        let logger = Logger(label: "test")
        let url = LocalInfrastructure.databaseURL.replacingOccurrences(of: "ece_test:ece_test", with: "correction:correction")
        try await withPostgresClient(try DatabaseConfiguration.client(url: url), logger: logger) { client in
            try await client.query("CREATE TABLE IF NOT EXISTS correction.isolation_probe (x int)")
            try await client.query("DROP TABLE correction.isolation_probe")
            for schema in ["referentiel", "inscriptions", "missions", "gateway", "public"] {
                await #expect(throws: PSQLError.self, "create in \(schema)") {
                    try await client.query(PostgresQuery(unsafeSQL: "CREATE TABLE \(schema).intrusion (x int)"))
                }
                await #expect(throws: PSQLError.self, "read \(schema)") {
                    try await client.query(PostgresQuery(unsafeSQL: "SELECT * FROM \(schema).schema_migrations")).collect()
                }
            }
            do {
                try await client.query("SELECT * FROM missions.schema_migrations").collect()
            } catch let error as PSQLError {
                #expect(error.serverInfo?[.sqlState] == "42501", "permission denied, not merely missing")
            }
        }
    }

    // MARK: helpers

    private func outboxIds(_ harness: BusHarness) async throws -> [UUID] {
        try await harness.client.query("SELECT id FROM \(unescaped: harness.schema.name).outbox").collect()
            .map { try $0.decode(UUID.self) }
    }

    private func inboxCount(_ harness: BusHarness) async throws -> Int {
        let rows = try await harness.client.query("SELECT count(*)::int FROM \(unescaped: harness.schema.name).inbox")
        for try await n in rows.decode(Int.self) { return n }
        return 0
    }

    private func cleanUp(_ harness: BusHarness, queues: [String]) async throws {
        await deleteQueues(queues + queues.map { $0 + ".dlq" })
        try await harness.dropSchema()
        await harness.shutdown()
    }
}

extension BusHarness {
    /// The bus from this outbox to this inbox, running once connected: a publisher, a relay taking
    /// rows by hundreds, a consumer of `type` on `queue`.
    func flowing(type: String, queue: String) async throws -> [Running] {
        let publisher = AMQPPublisher(configuration: amqp, appId: "test", logger: logger)
        var options = OutboxRelay.Options()
        options.batchSize = 100
        let relay = OutboxRelay(outbox: outbox(), client: client, publisher: publisher, options: options, logger: logger)
        let running = [Running(publisher), Running(relay), Running(consumer(queue: queue, type: type))]
        try await waitUntil { publisher.isConnected }
        return running
    }

    /// Publishes the outbox once with a short-lived publisher.
    func publishPending() async throws {
        let publisher = AMQPPublisher(configuration: amqp, appId: "test", logger: logger)
        let running = Running(publisher)
        try await waitUntil { publisher.isConnected }
        try await OutboxRelay(outbox: outbox(), client: client, publisher: publisher, logger: logger).relayOnce()
        await running.stop()
    }
}

extension ServiceMetrics {
    /// A metric's value as `/metrics` shows it.
    func value(of name: String) -> Double {
        registry.emitToString().split(separator: "\n")
            .first { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
            .flatMap { $0.split(separator: " ").last }
            .flatMap { Double($0) } ?? 0
    }
}

/// The replayed events a consumer committed, seen from its after-commit hook.
final class ReplayLog: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: [IncomingEvent] = []
    func add(_ events: [IncomingEvent]) { lock.withLock { seen += events } }
    var events: [IncomingEvent] { lock.withLock { seen } }
}
