import ArgumentParser
import Foundation
import Logging
import PostgresNIO
import Shared
import TestSupport

@main
struct ECEBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ece-bench", abstract: "Benchmarks of the ECE platform (figures go to BENCHMARKS.md).",
        subcommands: [Bus.self, Import.self, Statistics.self, Demo.self, EndToEnd.self, National.self, Cout.self, Chaos.self, BusConsume.self, RawConsume.self,
                      Poison.self])
}

/// `ece-bench bus`: the event bus (outbox → relay with confirms → broker → inbox consumer in another
/// process) against the raw baseline (rabbitmq-c publish with ≤ 500 unconfirmed + consume with ack,
/// no Postgres), measured in the same run.
struct Bus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Event bus throughput and latency vs raw rabbitmq-c.")

    @Option(help: "Events per run.") var events = 20000
    @Option(help: "Events committed per producer transaction.") var perTransaction = 500

    func run() async throws {
        var logger = Logger(label: "ece.bench")
        logger.logLevel = .warning
        print("ece-bench bus: \(events) events, \(ProcessInfo.processInfo.activeProcessorCount) cores")
        let raw = try await rawBaseline(logger: logger)
        print(raw.line("raw rabbitmq-c"))
        let bus = try await busRun(events: events, logger: logger)
        print(bus.line("outbox+inbox bus"))
        print(String(format: "ratio bus/raw throughput: %.0f %%", 100 * bus.rate / raw.rate))
        // Latency at a sustainable load (a quarter of the saturated throughput), not behind a backlog.
        let rate = Int(bus.rate / 4)
        let paced = try await busRun(events: min(events, rate * 10), pacedPerSecond: rate, logger: logger)
        print(paced.line("bus paced at \(rate)/s"))
    }

    private func rawBaseline(logger: Logger) async throws -> Measurement {
        let queue = "bench.raw.\(UUID().uuidString.prefix(8).lowercased())"
        let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        let consumer = try Subprocess.bench(["raw-consume", "--queue", queue, "--count", "\(events)"])
        try await consumer.waitFor("CONSUMING")
        let publisher = AMQPPublisher(configuration: amqp, appId: "bench", logger: logger)
        let running = Running(publisher)
        while !publisher.isConnected { try await Task.sleep(for: .milliseconds(20)) }
        let start = Date()
        var sent = 0
        while sent < events {
            let batch = (sent..<min(events, sent + 500)).map { i in
                OutgoingMessage(routingKey: queue, body: Data(String(Date().timeIntervalSince1970).utf8),
                                messageId: "\(i)", type: queue, correlationId: nil)
            }
            let outcomes = try await publisher.publish(batch)
            guard outcomes.allSatisfy({ $0 == .acked }) else { throw ValidationError("raw publish not acked") }
            sent += batch.count
        }
        let report = try await consumer.waitForLine(prefix: "RESULT ")
        await running.stop()
        let fields = report.split(separator: " ").dropFirst().compactMap { Double($0) }
        // RESULT <last-received-epoch> <p50-ms> <p99-ms>
        return Measurement(events: events, seconds: fields[0] - start.timeIntervalSince1970,
                           p50: fields[1], p99: fields[2])
    }

    private func busRun(events: Int, pacedPerSecond: Int? = nil, logger: Logger) async throws -> Measurement {
        let harness = try await BusHarness(logger: logger)
        let type = "bench.\(harness.schema).created"
        let queue = "bench.\(harness.schema)"
        let consumer = try Subprocess.bench(["bus-consume", "--schema", harness.schema.name, "--type", type,
                                             "--queue", queue])
        try await consumer.waitFor("CONSUMING")
        let publisher = AMQPPublisher(configuration: harness.amqp, appId: "bench", logger: logger)
        let relay = OutboxRelay(outbox: harness.outbox(), client: harness.client, publisher: publisher, logger: logger)
        let running = [Running(publisher), Running(relay)]
        while !publisher.isConnected { try await Task.sleep(for: .milliseconds(20)) }
        // Let the consumer's queue exist before the first publish (else the events are unroutable).
        try await Task.sleep(for: .milliseconds(500))

        let start = ContinuousClock.now
        if let pace = pacedPerSecond {
            // Ten transactions a second, each with a tenth of the rate.
            var sent = 0
            while sent < events {
                let tick = ContinuousClock.now
                let n = min(max(1, pace / 10), events - sent)
                try await BusFixture.enqueue(count: n, type: type, outbox: harness.outbox(), client: harness.client,
                                             logger: logger, perTransaction: n, firstSeq: sent)
                sent += n
                try await Task.sleep(until: tick + .milliseconds(100))
            }
        } else {
            try await BusFixture.enqueue(count: events, type: type, outbox: harness.outbox(), client: harness.client,
                                         logger: logger, perTransaction: perTransaction)
        }
        let committed = ContinuousClock.now - start
        print("  producer committed \(events) events in \(committed)")
        // Polled every 100 ms with cheap queries, so measuring does not load the database much.
        var applied = 0, relayed: Duration?
        while applied < events {
            try await Task.sleep(for: .milliseconds(100))
            if relayed == nil, try await count(harness, "outbox WHERE status = 'pending'") == 0 {
                relayed = ContinuousClock.now - start
            }
            applied = try await count(harness, "effects")
        }
        print("  relay published everything after \(relayed ?? ContinuousClock.now - start)")
        let elapsed = ContinuousClock.now - start
        let rows = try await harness.client.query("""
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_us)::float8,
                   percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_us)::float8
            FROM \(unescaped: harness.schema.name).effects
            """, logger: logger)
        let relayRows = try await harness.client.query(PostgresQuery(unsafeSQL: """
            SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM sent_at - created_at))::float8 * 1000
            FROM \(harness.schema.name).outbox
            """))
        for try await ms in relayRows.decode(Double.self) { print(String(format: "  commit → broker ack p50 %.1f ms", ms)) }
        var p50 = 0.0, p99 = 0.0
        for try await (a, b) in rows.decode((Double, Double).self) { (p50, p99) = (a / 1000, b / 1000) }
        let report = DrainReport(expected: Set(try await outboxIds(harness)), effects: try await harness.effects())
        print("drain check: \(report)")
        consumer.terminate()
        for r in running { await r.stop() }
        try await harness.dropSchema()
        await harness.shutdown()
        guard report.isClean else { throw ValidationError("bus lost or duplicated events: \(report)") }
        return Measurement(events: events, seconds: Double(elapsed.components.seconds)
                           + Double(elapsed.components.attoseconds) / 1e18, p50: p50, p99: p99)
    }

    private func count(_ harness: BusHarness, _ from: String) async throws -> Int {
        let rows = try await harness.client.query(
            PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM \(harness.schema.name).\(from)"))
        for try await n in rows.decode(Int.self) { return n }
        return 0
    }

    private func outboxIds(_ harness: BusHarness) async throws -> [UUID] {
        try await harness.client.query("SELECT id FROM \(unescaped: harness.schema.name).outbox").collect()
            .map { try $0.decode(UUID.self) }
    }
}

struct Measurement {
    var events: Int
    var seconds: Double
    var p50: Double
    var p99: Double
    var rate: Double { Double(events) / seconds }

    func line(_ name: String) -> String {
        String(format: "%@: %d events in %.2f s = %.0f events/s; end-to-end latency p50 %.1f ms, p99 %.1f ms",
               name, events, seconds, rate, p50, p99)
    }
}

/// The consumer side of `bus`, in its own process: the inbox consumer with the probe handler.
struct BusConsume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(shouldDisplay: false)
    @Option var schema: String
    @Option var type: String
    @Option var queue: String

    func run() async throws {
        var logger = Logger(label: "ece.bench.consumer")
        logger.logLevel = .warning
        let harness = try await BusHarness(schema: schema, reuse: true, logger: logger)
        let consumer = harness.consumer(queue: queue, type: type)
        let task = Task { try await consumer.run() }
        while !consumer.isConnected { try await Task.sleep(for: .milliseconds(20)) }
        say("CONSUMING")
        try await task.value
    }
}

/// The consumer side of the raw baseline: consume with manual ack, no Postgres.
struct RawConsume: AsyncParsableCommand {
    static let configuration = CommandConfiguration(shouldDisplay: false)
    @Option var queue: String
    @Option var count: Int

    func run() async throws {
        var logger = Logger(label: "ece.bench.raw")
        logger.logLevel = .warning
        let consumer = AMQPConsumer(configuration: try AMQPConfiguration(url: LocalInfrastructure.amqpURL),
                                    queue: QueueSpec(name: queue, bindings: [queue]), logger: logger)
        consumer.start()
        while !consumer.isConnected { try await Task.sleep(for: .milliseconds(20)) }
        say("CONSUMING")
        var latencies: [Double] = []
        latencies.reserveCapacity(count)
        while let batch = await consumer.nextBatch() {
            let now = Date().timeIntervalSince1970
            for delivery in batch {
                latencies.append((now - (Double(String(decoding: delivery.message.body, as: UTF8.self)) ?? now)) * 1000)
            }
            consumer.settle(batch, .ack)
            if latencies.count >= count { break }
        }
        let last = Date().timeIntervalSince1970
        latencies.sort()
        say("RESULT \(last) \(latencies[latencies.count / 2]) \(latencies[latencies.count * 99 / 100])")
        await consumer.shutdown()
    }
}

func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// This executable run as a child process, its stdout read line by line.
final class Subprocess: @unchecked Sendable {
    private let process = Process()
    private let lock = NSLock()
    private var output = ""

    static func bench(_ arguments: [String]) throws -> Subprocess {
        try Subprocess(URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL, arguments)
    }

    init(_ executable: URL, _ arguments: [String]) throws {
        process.executableURL = executable
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        pipe.fileHandleForReading.readabilityHandler = { [self] handle in
            let data = handle.availableData
            lock.withLock { output += String(decoding: data, as: UTF8.self) }
        }
        try process.run()
    }

    func waitFor(_ marker: String) async throws {
        _ = try await waitForLine(prefix: marker)
    }

    func waitForLine(prefix: String, timeout: Duration = .seconds(300)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = lock.withLock({ output.split(separator: "\n").first { $0.hasPrefix(prefix) } }) {
                return String(line)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw ValidationError("no \(prefix) from the child process")
    }

    func terminate() {
        process.terminate()
    }
}
