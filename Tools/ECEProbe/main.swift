import ArgumentParser
import Foundation
import Logging
import Shared
import TestSupport

/// A small process the fault tests start and SIGKILL at chosen moments (tests (a) and (c)).
@main
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ece-probe", abstract: "Event-bus probe process for the fault tests.",
        subcommands: [Produce.self, Relay.self, Consume.self])
}

struct Options: ParsableArguments {
    @Option(help: "Throw-away schema (created by the test).") var schema: String
    @Option(help: "Event type / routing key.") var type: String
}

/// Commits events to the outbox without any relay running, says so, then waits to be killed.
struct Produce: AsyncParsableCommand {
    @OptionGroup var options: Options
    @Option var count = 10

    func run() async throws {
        let harness = try await BusHarness(schema: options.schema, reuse: true)
        let ids = try await BusFixture.enqueue(count: count, type: options.type, outbox: harness.outbox(),
                                               client: harness.client, logger: harness.logger)
        say("COMMITTED \(ids.count)")
        try await Task.sleep(for: .seconds(3600))
    }
}

/// Publishes whatever is pending in the outbox, then exits.
struct Relay: AsyncParsableCommand {
    @Option var schema: String

    func run() async throws {
        let harness = try await BusHarness(schema: schema, reuse: true)
        let publisher = AMQPPublisher(configuration: harness.amqp, appId: "probe", logger: harness.logger)
        let running = Running(publisher)
        let relay = OutboxRelay(outbox: harness.outbox(), client: harness.client, publisher: publisher,
                                logger: harness.logger)
        while (try await harness.outboxStatus())["pending", default: 0] > 0 {
            do { try await relay.relayOnce() } catch { try await Task.sleep(for: .milliseconds(100)) }
        }
        print("DRAINED")
        await running.stop()
        await harness.shutdown()
    }
}

/// Consumes through the inbox; with --die-after-commit it SIGKILLs itself after the first commit, before acking.
struct Consume: AsyncParsableCommand {
    @OptionGroup var options: Options
    @Option var queue: String
    @Flag var dieAfterCommit = false

    func run() async throws {
        let harness = try await BusHarness(schema: options.schema, reuse: true)
        let die = dieAfterCommit
        let consumer = harness.consumer(queue: queue, type: options.type) { events in
            if die {
                say("COMMITTED \(events.count)")
                kill(getpid(), SIGKILL)
            }
        }
        say("CONSUMING")
        try await consumer.run()
    }
}

/// Unbuffered, so the test reading our stdout sees the line before we are killed.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
