import ArgumentParser
import Foundation
import Logging
import Shared
import TestSupport

/// `ece-bench poison` (issue 18, item 6): publishes malformed events (broken envelopes, unknown
/// versions, chunk 0 of 0, out-of-range values, NUL characters…) to every queue the services
/// consume, then checks that each one reached that queue's dead-letter queue with the consumer's
/// reason. The services must be running (the hostile suite calls it, then checks that no
/// process died and that the database did not change). The broker is `AMQP_URL`
/// (amqp://guest:guest@127.0.0.1:5673/ by default), as for `ece-ops`.
struct Poison: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Malformed events to every consumed queue; then each must be in its dead-letter queue, with a reason.")

    @Option(help: "Malformed events in all (spread evenly over the queues).") var count = 1000
    @Option(name: .customLong("queue"), help: "Only this queue (repeatable; default: every consumed queue).")
    var queues: [String] = []
    @Option(help: "Seconds to wait for the dead-letter queues.") var timeout = 120.0
    @Flag(help: "Leave the malformed events in the dead-letter queues (default: take them out once found).")
    var keep = false

    func run() async throws {
        var logger = Logger(label: "ece.poison")
        logger.logLevel = .error
        let environment = ProcessInfo.processInfo.environment
        let amqp = try AMQPConfiguration(url: environment["AMQP_URL"] ?? LocalInfrastructure.amqpURL,
                                         caFile: environment["AMQP_CA_FILE"])
        let targets = queues.isEmpty ? PoisonEvents.consumers.map(\.queue) : queues
        let perQueue = (count + targets.count - 1) / targets.count
        let run = UUID().uuidString.prefix(8).lowercased()
        var baseline: [String: Int] = [:]
        for queue in targets {
            guard await BrokerAdmin.queueDepth(amqp, queue: queue) != nil,
                let depth = await BrokerAdmin.queueDepth(amqp, queue: queue + ".dlq")
            else { throw ValidationError("queue \(queue) or its .dlq does not exist: are the services running?") }
            baseline[queue] = depth
        }
        // Straight to each queue (the default exchange): exactly its consumer sees each message.
        let publisher = AMQPPublisher(configuration: amqp, appId: "ece-bench-poison", logger: logger, exchange: "")
        let running = Running(publisher)
        try await waitUntil(timeout: .seconds(30)) { publisher.isConnected }
        var sent: [String: [PoisonEvents.Message]] = [:]
        for queue in targets {
            let messages = PoisonEvents.messages(for: queue, count: perQueue, run: String(run))
            for batch in stride(from: 0, to: messages.count, by: 50).map({ Array(messages[$0..<min($0 + 50, messages.count)]) }) {
                let outcomes = try await publisher.publish(batch.map(\.outgoing))
                guard outcomes.allSatisfy({ $0 == .acked }) else {
                    throw ValidationError("the broker did not accept every message for \(queue): \(outcomes)")
                }
            }
            sent[queue] = messages
        }
        await running.stop()
        print("ece-bench poison: \(perQueue * targets.count) malformed events published to \(targets.count) queues (run \(run))")

        var failed = false
        for queue in targets {
            let messages = sent[queue] ?? []
            let dlq = queue + ".dlq"
            // Wait for the count first (a positive signal), then take ours out in one pass.
            try? await waitUntil(timeout: .seconds(timeout)) {
                (await BrokerAdmin.queueDepth(amqp, queue: dlq) ?? 0) >= (baseline[queue] ?? 0) + messages.count
            }
            let parked: [AMQPMessage]
            if keep {
                let depth = (await BrokerAdmin.queueDepth(amqp, queue: dlq) ?? 0) - (baseline[queue] ?? 0)
                print("\(queue): \(messages.count) published, \(depth) more in \(dlq) (kept)")
                failed = failed || depth < messages.count
                continue
            }
            parked = try await BrokerAdmin.takeMatching(amqp, queue: dlq, ids: Set(messages.map(\.messageId)), timeout: 30)
            let letters = parked.map(DeadLetter.init)
            let withReason = letters.filter { !($0.rejection ?? "").isEmpty && $0.queue == queue }.count
            print("\(queue): \(messages.count) published, \(parked.count) in \(dlq), \(withReason) with the consumer's reason")
            let found = Set(parked.compactMap(\.messageId))
            for message in messages where !found.contains(message.messageId) {
                print("  MISSING \(message.messageId) (\(message.flaw))")
            }
            failed = failed || parked.count < messages.count || withReason < messages.count
        }
        if failed {
            print("POISON FAILED: some malformed events are not in a dead-letter queue with a reason")
            throw ExitCode(1)
        }
        print("POISON OK: every malformed event is in its dead-letter queue, with its reason")
    }
}
