import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import Shared
import TestSupport

/// `ece-bench chaos` (issue 11): a generated session graded, locked and closed through the gateway
/// while faults strike at random moments — each service killed in turn (SIGKILL), RabbitMQ
/// restarted, PostgreSQL restarted — with a supervisor restarting what died
/// (`scripts/chaos-test.sh` runs it). Then it drains and checks that nothing was lost or
/// duplicated: every grade whose save the platform acknowledged is in Correction and, after
/// closing, in Inscriptions; every service fait once in Missions; the outboxes and the
/// dead-letter queues empty. It prints delivered / lost / duplicated / unexpected and the
/// recovery time after each fault, and fails on any loss.
struct Chaos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A session graded and closed under faults (kills, broker and database restarts); then nothing lost or duplicated.")

    @Option(help: "Size, as for `national` (0.005: 5 centres, 400 candidate-exams).") var scale = 0.01
    @Option(help: "Faults to strike at least (the work is repeated until they are done).") var faults = 7
    @Option(help: "Simulated examiners grading at once.") var concurrence = 40
    @Option(help: "Seconds between a recovery and the next fault, at most (at random).") var pause = 3.0
    @Option(help: "Seed of the random moments.") var seed: UInt64 = 2027
    @Option(help: "The gateway.") var gateway = "http://127.0.0.1:8080"
    @Option(help: "Private key that signs the simulated users' tokens.") var keyFile = "var/keys/jwt-private.pem"
    @Option(help: "The platform's database (scripts/infra.sh fresh).") var database = "ece_chaos"
    @Option(help: "The platform's broker vhost.") var vhost = "ece_chaos"
    @Option(help: "Where scripts/services.sh keeps the services' pids.") var runDir = "var/run"

    func run() async throws {
        var logger = Logger(label: "ece.chaos")
        logger.logLevel = .error
        let centres = max(5, Int((3000 * scale).rounded()))
        print("ece-bench chaos: \(centres) centres, \(centres * National.candidatsParCentre) candidate-exams, at least \(faults) faults")
        let ledger = ChaosLedger(injector: FaultInjector(runDir: runDir, pause: pause, seed: seed, minimum: faults))
        var run = try await National.session(centres: centres, concurrence: concurrence, gateway: gateway, keyFile: keyFile,
                                             database: database, runDir: runDir, logger: logger)
        run.chaos = ledger
        do {
            _ = try await run.play()
            try await run.http.shutdown()
        } catch {
            try? await run.http.shutdown()
            throw error
        }
        let verdict = try await ChaosCheck(database: database, vhost: vhost, logger: logger).verify(ledger)
        await ledger.printFaults()
        verdict.print()
        guard verdict.clean, await ledger.faultCount >= faults else { throw ExitCode(1) }
    }
}

/// What the simulated examiners were told, and the faults struck meanwhile.
actor ChaosLedger {
    /// Each sheet whose grading the platform acknowledged, with the mark it gave (nil: not graded).
    private(set) var acknowledged: [UUID: Int?] = [:]
    private(set) var readBack = 0
    private(set) var retries = 0
    private let injector: FaultInjector
    private var striking: Task<[FaultInjector.Fault], Never>?
    private var faults: [FaultInjector.Fault] = []

    init(injector: FaultInjector) { self.injector = injector }

    func graded(_ fiche: UUID, noteFinale: Int?, readBack: Bool) {
        acknowledged[fiche] = noteFinale
        if readBack { self.readBack += 1 }
    }

    func retried() { retries += 1 }

    func begin() {
        let injector = injector
        striking = Task.detached { await injector.strike() }
    }

    /// Stops striking once the minimum is reached (the last fault recovered).
    func end() async {
        injector.finishWhenDone()
        faults = await striking?.value ?? []
    }

    var faultCount: Int { faults.count }

    func printFaults() {
        print("faults (\(faults.count)), each with the time until every service answered healthy again:")
        for f in faults {
            let when = String(format: "%6.1f s", f.at), recovery = f.recovery.map { String(format: "%.1f s", $0) } ?? "NOT recovered"
            print("  \(when)  \(f.name.padding(toLength: 28, withPad: " ", startingAt: 0)) recovered in \(recovery)")
        }
        print("calls retried after a fault: \(retries); saves whose answer was lost, confirmed by reading the sheet: \(readBack)")
    }
}

/// Strikes faults one after another, each after the platform recovered from the previous one and
/// a random pause, until told to finish and the minimum is reached.
final class FaultInjector: @unchecked Sendable {
    struct Fault { var name: String; var at: Double; var recovery: Double? }

    static let services = ["Correction", "Gateway", "Inscriptions", "Missions", "Referentiel"]
    static let ports = ["Gateway": 8080, "Inscriptions": 8081, "Missions": 8082, "Referentiel": 8083, "Correction": 8084]
    /// Each service killed in turn, then the broker, then the database.
    static let rotation = services.map { "kill -9 \($0)" } + ["restart RabbitMQ", "restart PostgreSQL"]

    let runDir: String
    let pause: Double
    let minimum: Int
    private var generator: SplitMix64
    private let lock = NSLock()
    private var finishing = false

    init(runDir: String, pause: Double, seed: UInt64, minimum: Int) {
        (self.runDir, self.pause, self.minimum, generator) = (runDir, pause, minimum, SplitMix64(seed: seed))
    }

    func finishWhenDone() { lock.withLock { finishing = true } }
    private var shouldStop: Bool { lock.withLock { finishing } }

    func strike() async -> [Fault] {
        let start = ContinuousClock.now
        var faults: [Fault] = []
        while !(shouldStop && faults.count >= minimum) {
            let wait = Double.random(in: 0.2...max(0.3, pause), using: &generator)
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            let name = Self.rotation[faults.count % Self.rotation.count]
            let at = Session.seconds(ContinuousClock.now - start)
            print("  fault at \(String(format: "%.1f", at)) s: \(name)")
            fflush(nil)  // a long run shows its progress in its log as it happens
            let struck = ContinuousClock.now
            do {
                try await execute(name)
                let recovered = await healthy(timeout: .seconds(180))
                faults.append(Fault(name: name, at: at, recovery: recovered ? Session.seconds(ContinuousClock.now - struck) : nil))
            } catch {
                print("  fault \(name) could not be struck: \(error)")
                faults.append(Fault(name: name + " (failed: \(error))", at: at, recovery: nil))
            }
        }
        return faults
    }

    private func execute(_ fault: String) async throws {
        switch fault {
        case "restart RabbitMQ": try await infra("rabbit-stop"); try await infra("rabbit-start")
        case "restart PostgreSQL": try await infra("pg-stop"); try await infra("pg-start")
        default:
            let service = String(fault.split(separator: " ").last!)
            let pidFile = "\(runDir)/\(service).pid"
            guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            else { throw ValidationError("no pid for \(service)") }
            kill(pid, SIGKILL)
            // The supervisor notices and starts a new process (a new pid file).
            let deadline = ContinuousClock.now + .seconds(60)
            while ContinuousClock.now < deadline {
                if let now = try? String(contentsOfFile: pidFile, encoding: .utf8), Int32(now.trimmingCharacters(in: .whitespacesAndNewlines)) != pid { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw ValidationError("\(service) was not restarted by the supervisor")
        }
    }

    /// Every service answers /health with 200 (its database and broker up).
    private func healthy(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var all = true
            for port in Self.ports.values {
                let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
                let status = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)).status
                if status != .ok { all = false }
            }
            if all { return true }
            try? await Task.sleep(for: .milliseconds(200))
        }
        return false
    }

    private func infra(_ command: String) async throws {
        guard await LocalInfrastructure.run(["/bin/bash", "scripts/infra.sh", command]) == 0 else {
            throw ValidationError("scripts/infra.sh \(command) failed")
        }
    }
}

/// Drains, then compares what the examiners were told with what each service holds.
struct ChaosCheck {
    let database: String
    let vhost: String
    let logger: Logger

    struct Verdict {
        var delivered = 0, lost = 0, duplicated = 0, unexpected = 0
        var servicesFaits = 0, servicesFaitsExpected = 0
        var backlog: [String] = []
        var deadLetters: [String] = []
        var problems: [String] = []
        var clean: Bool { lost == 0 && duplicated == 0 && unexpected == 0 && backlog.isEmpty && deadLetters.isEmpty
            && servicesFaits == servicesFaitsExpected }

        func print() {
            Swift.print("grades acknowledged to examiners: delivered \(delivered) / lost \(lost) / duplicated \(duplicated) / unexpected \(unexpected)")
            Swift.print("services faits in Imag'In: \(servicesFaits) candidates evaluated, \(servicesFaitsExpected) expected")
            Swift.print("outboxes: \(backlog.isEmpty ? "empty" : backlog.joined(separator: ", "))")
            Swift.print("dead-letter queues: \(deadLetters.isEmpty ? "empty" : deadLetters.joined(separator: ", "))")
            for p in problems.prefix(20) { Swift.print("  " + p) }
            Swift.print(clean ? "chaos: nothing lost, nothing duplicated" : "chaos: FAILED")
        }
    }

    func verify(_ ledger: ChaosLedger) async throws -> Verdict {
        let client = PostgresClient(configuration: try DatabaseConfiguration.client(
            url: "postgres://postgres:postgres@127.0.0.1:5433/\(database)", maxConnections: 2), backgroundLogger: logger)
        let task = Task { await client.run() }
        defer { task.cancel() }
        var verdict = Verdict()
        // Drain: the outboxes empty and the dead-letter queues still, within a few minutes.
        let amqp = try AMQPConfiguration(url: "amqp://guest:guest@127.0.0.1:5673/\(vhost)")
        let deadline = ContinuousClock.now + .seconds(300)
        repeat {
            verdict.backlog = try await backlog(client)
            if verdict.backlog.isEmpty { break }
            try await Task.sleep(for: .seconds(1))
        } while ContinuousClock.now < deadline
        for queue in ["correction.candidats", "correction.convocations", "correction.sujets", "gateway.convocations",
                      "inscriptions.notes", "missions.exports", "missions.services-faits"] {
            if let depth = await BrokerAdmin.queueDepth(amqp, queue: queue + ".dlq"), depth > 0 {
                verdict.deadLetters.append("\(queue).dlq: \(depth)")
            }
        }

        let acknowledged = await ledger.acknowledged
        // Correction, then Inscriptions (the grade per candidate × exam), then what replaced what.
        let rows = try await client.query("""
            SELECT f.id, f.note_finale, f.statut = 'notee', n.demi_points, n.resultat
            FROM correction.fiches f
            LEFT JOIN inscriptions.notes n ON n.candidat_id = f.candidat_id AND n.epreuve = f.epreuve
            """, logger: logger)
        var seen = Set<UUID>()
        for try await (id, finale, notee, recorded, resultat) in rows.decode((UUID, Int?, Bool, Int?, String?).self) {
            seen.insert(id)
            guard let expected = acknowledged[id] else {
                if recorded != nil || notee { verdict.unexpected += 1; verdict.problems.append("\(id): graded without an acknowledged save") }
                continue
            }
            if notee && finale == expected && resultat == "note" && recorded == expected {
                verdict.delivered += 1
            } else {
                verdict.lost += 1
                verdict.problems.append("\(id): acknowledged \(expected.map(String.init) ?? "-"), Correction \(finale.map(String.init) ?? "-"), "
                                        + "Inscriptions \(recorded.map(String.init) ?? resultat ?? "nothing")")
            }
        }
        for id in acknowledged.keys where !seen.contains(id) {
            verdict.lost += 1
            verdict.problems.append("\(id): acknowledged, not in Correction")
        }
        verdict.duplicated += try await client.query("SELECT count(*) FROM inscriptions.notes_historique", logger: logger)
            .collect().first?.decode(Int.self) ?? 0
        // Each examiner's work at each centre, once: as many candidates as they graded.
        let faits = try await client.query("""
            SELECT (SELECT COALESCE(sum(candidats_evalues), 0)::int8 FROM missions.services_faits),
                   (SELECT count(*) FROM correction.fiches WHERE statut = 'notee'),
                   (SELECT count(*) FROM (SELECT intervenant_id, centre FROM missions.services_faits GROUP BY 1, 2 HAVING count(*) > 1) d)
            """, logger: logger).collect()
        if let (total, expected, doubled) = try faits.first?.decode((Int, Int, Int).self) {
            (verdict.servicesFaits, verdict.servicesFaitsExpected) = (total, expected)
            verdict.duplicated += doubled
        }
        return verdict
    }

    /// Each schema's outbox rows not sent (pending or failed).
    func backlog(_ client: PostgresClient) async throws -> [String] {
        var result: [String] = []
        for schema in ["referentiel", "inscriptions", "missions", "correction", "gateway"] {
            let rows = try await client.query("""
                SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed')
                FROM \(unescaped: schema).outbox
                """, logger: logger).collect()
            if let (pending, failed) = try rows.first?.decode((Int, Int).self), pending + failed > 0 {
                result.append("\(schema): \(pending) pending, \(failed) failed")
            }
        }
        return result
    }
}
