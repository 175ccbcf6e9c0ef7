import ArgumentParser
import Foundation
import Logging
import Shared

/// `ece-ops`: what an operator on duty needs to watch the event bus and mend it — queue depths,
/// rates and consumers; dead letters listed, shown and replayed; each service's outbox backlog
/// and inbox; an event or a correlation id traced across the services.
///
/// Where things are comes from the environment, with the local platform's defaults:
/// `RABBITMQ_MANAGEMENT_URL` (http://guest:guest@127.0.0.1:15673), `AMQP_URL`
/// (amqp://guest:guest@127.0.0.1:5673/, vhost `ECE_VHOST`), and each service's own database URL
/// `<SERVICE>_DATABASE_URL` (postgres://<service>:<service>@127.0.0.1:5433/ece, database `ECE_DATABASE`).
@main
struct ECEOps: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ece-ops",
        abstract: "Operator tools for the ECE platform's event bus and mail.",
        subcommands: [Queues.self, DeadLetterQueues.self, Backlog.self, Trace.self, CourrielsCommand.self, RetentionCommand.self])
}

struct Queues: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues", abstract: "Every queue: messages ready and unacknowledged, consumers, rates in and out.")

    func run() async throws {
        let queues = try await Management().queues()
        Table(["queue", "ready", "unacked", "consumers", "in/s", "out/s"], queues.map { q in
            [q.name, "\(q.ready)", "\(q.unacked)", "\(q.consumers)", rate(q.publishRate), rate(q.deliverRate)]
        }).print()
        let dead = queues.filter { $0.name.hasSuffix(".dlq") && $0.ready + $0.unacked > 0 }
        if !dead.isEmpty {
            print("\n\(dead.map { $0.ready + $0.unacked }.reduce(0, +)) dead letter(s): ece-ops dlq list")
        }
    }

    func rate(_ value: Double?) -> String { value.map { String(format: "%.1f", $0) } ?? "-" }
}

struct DeadLetterQueues: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq", abstract: "Dead letters: list the queues, show the messages, replay them.",
        subcommands: [List.self, Show.self, Replay.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each dead-letter queue and how many messages it holds.")

        func run() async throws {
            let dead = try await Management().queues().filter { $0.name.hasSuffix(".dlq") }
            Table(["dead-letter queue", "messages"], dead.map { [$0.name, "\($0.ready + $0.unacked)"] }).print()
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The messages of a dead-letter queue (they stay in it): id, type, why and when it died, its body.")

        @Argument(help: "The queue (`correction.candidats`) or its dead-letter queue (`correction.candidats.dlq`).")
        var queue: String
        @Option(help: "How many messages at most.") var limit = 20
        @Flag(help: "Print each message's body.") var body = false

        func run() async throws {
            let letters = try await Management().peek(deadLetterQueue(queue), count: limit)
            if letters.isEmpty { print("\(deadLetterQueue(queue)): empty") }
            for letter in letters {
                print("""
                    \(letter.messageId ?? "-")  \(letter.type ?? "-")
                      correlation \(letter.correlationId ?? "-"); died in \(letter.queue ?? "-") (\(letter.reason ?? "-"), \
                    \(letter.deaths) time(s)\(letter.diedAt.map { ", " + ISO8601DateFormatter().string(from: $0) } ?? ""))
                    """)
                if let rejection = letter.rejection { print("  refused: \(rejection)") }
                if let reason = letter.replayReason { print("  replayed before by \(letter.replayedBy ?? "-"): \(reason)") }
                if body { print("  " + String(decoding: letter.body, as: UTF8.self)) }
            }
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Puts dead letters back under their original routing key, with a reason, and waits until they are handled.")

        @Argument(help: "The queue (`correction.candidats`) or its dead-letter queue.")
        var queue: String
        @Option(name: .customLong("id"), help: "A message id to replay (repeatable).") var ids: [String] = []
        @Flag(help: "Replay every message of the queue.") var all = false
        @Option(help: "Why (kept in the message's headers and in the consumer's log).") var reason: String
        @Option(help: "Seconds to wait for the consumer to handle them.") var wait = 30

        func validate() throws {
            guard all != !ids.isEmpty else { throw ValidationError("give --id (one or more) or --all") }
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason is required") }
        }

        func run() async throws {
            let dlq = deadLetterQueue(queue)
            let origin = String(dlq.dropLast(".dlq".count))
            let operatorName = ProcessInfo.processInfo.environment["USER"] ?? "operator"
            let replayed = try await BrokerAdmin.replay(try Environment.amqp(), deadLetterQueue: dlq,
                                                        ids: all ? nil : Set(ids),
                                                        reason: reason, by: operatorName)
            if replayed.isEmpty { print("\(dlq): nothing to replay") }
            for r in replayed {
                print("\(r.messageId)  \(r.routingKey)  \(r.failure.map { "NOT replayed: \($0)" } ?? "republished")")
            }
            // The queue is `<service>.<purpose>`: its consumer records what it handled in `<service>.inbox`.
            let sent = replayed.filter { $0.failure == nil }.compactMap { UUID(uuidString: $0.messageId) }
            guard let service = origin.split(separator: ".").first.map(String.init), !sent.isEmpty else { return }
            let handled = try await Databases.inbox(service: service, consumer: origin, ids: sent, wait: .seconds(wait))
            for id in sent {
                print(handled[id].map { "\(id)  handled by \(origin) at \(ISO8601DateFormatter().string(from: $0))" }
                      ?? "\(id)  not handled by \(origin) within \(wait) s: see its log, and `ece-ops dlq show \(origin)`")
            }
            if handled.count < sent.count { throw ExitCode(2) }
        }
    }
}

/// `correction.candidats` and `correction.candidats.dlq` both name the dead-letter queue.
func deadLetterQueue(_ name: String) -> String { name.hasSuffix(".dlq") ? name : name + ".dlq" }

struct Backlog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Each service's outbox and inbox; failed outbox rows retried.",
        subcommands: [Show.self, Retry.self], defaultSubcommand: Show.self)

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Each service's outbox (pending, failed, oldest pending) and inbox.")

        func run() async throws {
            var rows: [[String]] = []
            for service in Databases.services {
                do {
                    let b = try await Databases.backlog(service: service)
                    rows.append([service, "\(b.pending)", "\(b.failed)", b.pending > 0 ? String(format: "%.1f s", b.oldestPendingAge) : "-",
                                 "\(b.sent)", "\(b.inbox)", b.lastReceived.map { ISO8601DateFormatter().string(from: $0) } ?? "-"])
                } catch {
                    rows.append([service, "unreachable: \(error)", "", "", "", "", ""])
                }
            }
            Table(["service", "pending", "failed", "oldest pending", "sent", "inbox", "last received"], rows).print()
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Puts a service's failed outbox rows back in line (once their consumer exists), and waits until they are sent.")

        @Argument(help: "The service (its schema).") var service: String
        @Option(name: .customLong("id"), help: "An event id to retry (repeatable).") var ids: [String] = []
        @Flag(help: "Every failed row of the service.") var allFailed = false
        @Option(help: "Seconds to wait for the relay to send them (0: do not wait).") var wait = 30

        func validate() throws {
            guard allFailed != !ids.isEmpty else { throw ValidationError("give --id (one or more) or --all-failed") }
            guard ids.allSatisfy({ UUID(uuidString: $0) != nil }) else { throw ValidationError("--id takes event ids (UUID)") }
        }

        func run() async throws {
            let retried = try await Databases.retry(service: service, ids: allFailed ? nil : ids.compactMap(UUID.init(uuidString:)))
            print("\(service): \(retried.count) failed row(s) back to pending")
            guard wait > 0, !retried.isEmpty else { return }
            let left = try await Databases.unsent(service: service, ids: retried, wait: .seconds(wait))
            print(left.isEmpty ? "\(service): all sent" : "\(service): \(left.count) not sent within \(wait) s (ece-ops trace <id>)")
            if !left.isEmpty { throw ExitCode(2) }
        }
    }
}

struct Trace: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Where an event (its id) or a request (its correlation id) went: outboxes, inboxes, dead letters.")

    @Argument(help: "An event id or a correlation id (the X-Correlation-Id of a request).")
    var id: String

    func run() async throws {
        var steps = try await Databases.trace(id)
        for queue in try await Management().queues() where queue.name.hasSuffix(".dlq") && queue.ready > 0 {
            for letter in try await Management().peek(queue.name, count: min(queue.ready, 1000))
            where [letter.messageId?.lowercased(), letter.correlationId?.lowercased()].contains(id.lowercased()) {
                steps.append(.init(at: letter.diedAt ?? Date(), service: queue.name, what: "dead letter",
                                   detail: "\(letter.type ?? "-") \(letter.messageId ?? "-"): \(letter.rejection ?? letter.reason ?? "-")"))
            }
        }
        if steps.isEmpty {
            print("\(id): not found in any outbox, inbox or dead-letter queue")
            throw ExitCode(1)
        }
        let format = ISO8601DateFormatter()
        format.formatOptions.insert(.withFractionalSeconds)
        Table(["when", "where", "what", "detail"], steps.sorted { $0.at < $1.at }.map {
            [format.string(from: $0.at), $0.service, $0.what, $0.detail]
        }).print()
    }
}

/// Columns padded to their widest cell.
struct Table {
    var header: [String]
    var rows: [[String]]
    init(_ header: [String], _ rows: [[String]]) { (self.header, self.rows) = (header, rows) }

    func print() {
        let widths = header.indices.map { i in ([header] + rows).map { $0[i].count }.max() ?? 0 }
        for row in [header] + rows {
            Swift.print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: "  ")
                .trimmingCharacters(in: .whitespaces))
        }
    }
}
