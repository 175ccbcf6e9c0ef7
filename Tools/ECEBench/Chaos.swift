import ArgumentParser
import AsyncHTTPClient
import ECEAPI
import Foundation
import Logging
import PostgresNIO
import Shared
import TestSupport

/// `ece-bench chaos` (issues 11, 26): a generated session run through the gateway, phase by phase
/// from the import to the closing, while faults strike in every phase — each service stopped
/// (SIGTERM: exited within 2 s, issue 25) and killed (SIGKILL), RabbitMQ restarted (the services
/// back within 5 s of the broker), PostgreSQL restarted — with a supervisor restarting what died
/// (`scripts/chaos-test.sh` runs it). Each phase's fault strikes as it begins, so its work runs while
/// the platform recovers; grading meets faults at random moments until it ends; closing loses
/// Cyclades' consumer while results flow and Imag'In's while services faits do. A fault that could
/// not strike (nothing was running, nothing went down) or did not recover within its deadline fails
/// the run. Then it drains and checks that nothing was lost, duplicated or wrong: every grade whose
/// save the platform acknowledged is in Correction and, after closing, in Inscriptions, equal to the
/// test-only oracle's mark for the grid submitted on the barème published (`Oracle`); every
/// examiner's service fait once in Imag'In, at the regulation's rate for the sheets they graded; the
/// outboxes and the dead-letter queues empty. It prints the faults per phase with their recovery
/// times and delivered / lost / duplicated / wrong / unexpected.
struct Chaos: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "A session run under faults in every phase (kills, broker and database restarts); then nothing lost, duplicated or wrong.")

    @Option(help: "Size, as for `national` (0.005: 5 centres, 400 candidate-exams).") var scale = 0.01
    @Option(help: "Faults to strike at least, all phases together (one per phase, the rest while grading).") var faults = 10
    @Option(help: "Simulated examiners grading at once.") var concurrence = 40
    @Option(help: "Seconds between a recovery and the next fault while grading, at most (at random).") var pause = 3.0
    @Option(help: "Seed of the random moments.") var seed: UInt64 = 2027
    @Option(help: "Times Missions is killed while it mails the convocations (alternately mid-conversation and after the end of the data).")
    var mailKills = 4
    @Option(help: "The gateway.") var gateway = "http://127.0.0.1:8080"
    @Option(help: "Private key that signs the simulated users' tokens.") var keyFile = "var/keys/jwt-private.pem"
    @Option(help: "The platform's database (scripts/infra.sh fresh).") var database = "ece_chaos"
    @Option(help: "The platform's broker vhost.") var vhost = "ece_chaos"
    @Option(help: "Where scripts/services.sh keeps the services' pids.") var runDir = "var/run"
    @Flag(help: "The platform as scripts/chaos-cluster-test.sh runs it (issue 23): three broker nodes, two replicas of each service, Correction's database on a server of its own; the faults are the cluster's.")
    var cluster = false
    @Option(help: "With --cluster: Correction's database (the others' is --database on 5433).") var correctionDatabase = "postgres://postgres:postgres@127.0.0.1:5434/ece_chaos"
    @Option(help: "Ports whose /health must answer 200 for the platform to count as recovered (every replica's), comma-separated.")
    var healthPorts = "8080,8081,8082,8083,8084"

    func run() async throws {
        var logger = Logger(label: "ece.chaos")
        logger.logLevel = .error
        let centres = National.centres(scale: scale)
        print("ece-bench chaos: \(centres) centres, \(centres * National.candidatsParCentre) candidate-exams, at least \(faults) faults")
        let ports = healthPorts.split(separator: ",").compactMap { Int($0) }
        let injector = FaultInjector(runDir: runDir, pause: pause, seed: seed, cluster: cluster ? vhost : nil, healthPorts: ports)
        let ledger = ChaosLedger(injector: injector, database: database, mailKills: mailKills)
        var run = try await National.session(centres: centres, concurrence: concurrence, gateway: gateway, keyFile: keyFile,
                                             database: database, runDir: runDir, logger: logger)
        run.chaos = ledger
        var services: [Components.Schemas.ServiceFait] = []
        do {
            _ = try await run.play()
            services = try await run.servicesFaits()
            try await run.passerelle.http.shutdown()
        } catch {
            try? await run.passerelle.http.shutdown()
            await ledger.printFaults(minimum: faults)
            throw error
        }
        let databases = ChaosCheck.Databases(
            platform: "postgres://postgres:postgres@127.0.0.1:5433/\(database)",
            correction: cluster ? correctionDatabase : "postgres://postgres:postgres@127.0.0.1:5433/\(database)")
        let amqp = cluster ? "amqp://guest:guest@127.0.0.1:5681/\(vhost)" : "amqp://guest:guest@127.0.0.1:5673/\(vhost)"
        let verdict = try await ChaosCheck(databases: databases, amqp: amqp, logger: logger).verify(ledger, services: services)
        let faultsHeld = await ledger.printFaults(minimum: faults)
        verdict.print()
        guard verdict.clean, faultsHeld else { throw ExitCode(1) }
    }
}

/// What the simulated examiners submitted and were told, and the faults struck meanwhile, per phase.
actor ChaosLedger {
    /// A sheet whose grading the platform acknowledged: the oracle's mark for the grid submitted,
    /// the one the platform answered (nil: not graded), and who graded it.
    struct Note { var attendu: Int; var repondu: Int?; var examinateur: String }
    private(set) var notes: [UUID: Note] = [:]
    private(set) var readBack = 0
    private(set) var retries = 0
    /// Each acknowledged save: when it began, when its last attempt (the one that went through) began, when it was answered.
    struct Save { var start: ContinuousClock.Instant; var lastAttempt: ContinuousClock.Instant; var end: ContinuousClock.Instant }
    private var saves: [Save] = []
    private let injector: FaultInjector
    private var phase = "before the phases"
    private var phases: [String] = []
    private var recoveries: [Task<FaultInjector.Fault, Never>] = []
    private var grading: (task: Task<[FaultInjector.Fault], Never>, over: FaultInjector.Flag)?
    private var mailing: Task<[FaultInjector.Fault], Never>?
    private var faults: [FaultInjector.Fault] = []
    private let database: String
    private let mailKills: Int

    init(injector: FaultInjector, database: String, mailKills: Int) {
        (self.injector, self.database, self.mailKills) = (injector, database, mailKills)
    }

    func graded(_ fiche: UUID, attendu: Int, repondu: Int?, examinateur: String, readBack: Bool) {
        notes[fiche] = Note(attendu: attendu, repondu: repondu, examinateur: examinateur)
        if readBack { self.readBack += 1 }
    }

    func retried() { retries += 1 }

    func saved(_ save: Save) { saves.append(save) }

    /// What examiners saw of a fault struck while grading: seconds from the strike until the first
    /// save attempted after it went through, and the saves' p99 (ms) from the strike until 5 s
    /// after the platform recovered.
    func savesAround(_ fault: FaultInjector.Fault) -> (again: Double?, p99: Double?, count: Int) {
        let struck = injector.start + .milliseconds(Int64(fault.at * 1000))
        let again = saves.filter { $0.lastAttempt >= struck }.map { Session.seconds($0.end - struck) }.min()
        let until = struck + .milliseconds(Int64(((fault.recovery ?? 0) + 5) * 1000))
        let window = saves.filter { $0.start >= struck && $0.start <= until }.map { Session.seconds($0.end - $0.start) * 1000 }.sorted()
        let p99 = window.isEmpty ? nil : window[min(window.count - 1, Int(Double(window.count) * 0.99))]
        return (again, p99, window.count)
    }

    /// A phase begins. Its fault (`FaultInjector.plan`, the cluster's or the single node's) strikes now, so the phase's work runs into
    /// it; while grading, faults strike at random moments until the grading is over.
    func debut(_ name: String) async {
        phase = name
        phases.append(name)
        if name == "grading" {
            let over = FaultInjector.Flag(), injector = injector
            grading = (Task.detached { await injector.strikeUntil(over, phase: name) }, over)
        } else if let fault = injector.plan.first(where: { name.hasPrefix($0.key) })?.value {
            await frapper(fault)
        }
        // While the convocations are mailed, Missions killed at mails in flight.
        if name.hasPrefix("opening"), mailKills > 0 {
            let injector = injector, database = database, count = mailKills
            mailing = Task.detached { await injector.strikeWhileMailing(count, database: database, phase: name) }
        }
    }

    /// Strikes `fault` now, in the current phase; its recovery is awaited at the phase's end.
    func frapper(_ fault: String) async {
        let pending = await injector.strike(fault, phase: phase)
        let injector = injector
        recoveries.append(Task.detached { await injector.recover(pending) })
    }

    /// The phase's work is done: the grading's faults stop, every fault of the phase has recovered (or timed out).
    func fin() async {
        if let grading {
            grading.over.set()
            faults += await grading.task.value
            self.grading = nil
        }
        if let mailing {
            faults += await mailing.value
            self.mailing = nil
        }
        for recovery in recoveries { faults.append(await recovery.value) }
        recoveries = []
    }

    /// Prints the faults phase by phase; true when each struck and recovered, every phase had one
    /// and there were at least `minimum`.
    @discardableResult
    func printFaults(minimum: Int) async -> Bool {
        await fin()
        print("faults (\(faults.count), at least \(minimum) wanted), per phase, each with the time until every service answered healthy again:")
        var held = faults.count >= minimum
        for phase in phases {
            let mine = faults.filter { $0.phase == phase }.sorted { $0.at < $1.at }
            print("  \(phase): \(mine.count) fault\(mine.count == 1 ? "" : "s")\(mine.isEmpty ? " — NONE: the phase was not tested" : "")")
            held = held && !mine.isEmpty
            for f in mine {
                let when = String(format: "%6.1f s", f.at)
                var outcome = f.failure.map { "FAILED: \($0)" } ?? f.recovery.map { String(format: "recovered in %.1f s", $0) } ?? "NOT recovered"
                if let up = f.infrastructureUp, let recovery = f.recovery {
                    outcome += String(format: " (%@ up after %.1f s, services %.1f s later)",
                                      f.name.contains("RabbitMQ") || f.name.contains("broker") ? "broker" : "database", up, recovery - up)
                }
                if let exit = f.exit { outcome += String(format: " (exited %.2f s after SIGTERM)", exit) }
                if let back = f.nodeBack { outcome += String(format: " with the node down (it rejoined %.1f s after its loss)", back) }
                if f.phase == "grading" {
                    let around = savesAround(f)
                    outcome += around.again.map { String(format: "; saves again after %.1f s", $0) } ?? "; no save after it"
                    outcome += around.p99.map { String(format: ", p99 %.0f ms over %d saves", $0, around.count) } ?? ""
                }
                print("    \(when)  \(f.name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(outcome)")
                held = held && f.failure == nil && f.recovery != nil
            }
        }
        print("calls retried after a fault: \(retries); saves whose answer was lost, confirmed by reading the sheet: \(readBack)")
        print(held ? "faults: every one struck and recovered, in every phase" : "faults: FAILED (a fault did not strike or recover, or a phase had none)")
        return held
    }
}

/// Strikes faults and watches the platform recover. A strike is verified: the process killed was
/// the running service and is gone; the broker or database stopped listening. Recovery: the
/// supervisor started a new process (or the broker or database started again) and every service
/// answers /health within the deadline.
final class FaultInjector: @unchecked Sendable {
    struct Fault: Sendable {
        var phase: String; var name: String; var at: Double; var failure: String? = nil; var recovery: Double? = nil
        /// A restart of the broker or the database: seconds from the strike until it listened again
        /// (its own restart), so that the services' reconnection (`recovery` minus this) shows apart.
        var infrastructureUp: Double? = nil
        /// A SIGTERM: seconds until the process had exited.
        var exit: Double? = nil
        /// A broker node killed: seconds until it had started again and rejoined (after the platform recovered without it).
        var nodeBack: Double? = nil
    }
    struct Pending: Sendable { var fault: Fault; var struck: ContinuousClock.Instant; var pid: Int32?; var node: Int? = nil }

    /// Set once: the grading is over.
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var value = false
        func set() { lock.withLock { value = true } }
        var isSet: Bool { lock.withLock { value } }
    }

    static let services = ["Correction", "Gateway", "Inscriptions", "Missions", "Referentiel"]
    /// Grading's faults: each service stopped (SIGTERM) in turn while examiners save, then each
    /// killed, then the broker, then the database.
    static let rotation = services.map { "sigterm \($0)" } + services.map { "kill -9 \($0)" } + ["restart RabbitMQ", "restart PostgreSQL"]
    /// On the cluster (issue 23 item 5): the node leading the quorum queue that carries grades to
    /// Cyclades, a replica of the gateway and of Correction (the other replica serves meanwhile),
    /// and Correction's own database server. A replica is `Service-N` (its pid file), the first `Service`.
    static let clusterRotation = ["kill broker leader", "kill -9 Correction", "kill -9 Gateway-2", "restart Correction's PostgreSQL",
                                  "kill -9 Correction-2", "kill -9 Gateway"]
    static let clusterPlan = ["import": "kill broker leader", "assignment": "kill -9 Correction-2", "designation": "kill -9 Gateway",
                              "opening": "kill -9 Gateway-2", "convocations reaching": "kill broker leader", "distribution": "restart Correction's PostgreSQL",
                              "locking": "kill -9 Gateway-2"]
    /// The queue whose leader's node the cluster run kills: the grades on their way to Cyclades.
    static let leaderQueue = "inscriptions.notes"
    /// A service asked to stop must have exited within this (issue 25): a supervisor or an
    /// orchestrator replaces it without waiting.
    static let shutdownDeadline = Duration.seconds(2)
    /// The services consume and publish again within this once the broker is back (issue 25).
    static let reconnectionDeadline = 5.0
    /// The fault each other phase begins with, by the phase's name: the service doing its work, or
    /// what carries its events. Closing strikes its own (`Session.cloturer`).
    static let singleNodePlan = ["import": "kill -9 Inscriptions", "assignment": "restart PostgreSQL", "designation": "kill -9 Inscriptions",
                       "opening": "kill -9 Missions", "convocations reaching": "restart RabbitMQ", "distribution": "kill -9 Correction", "locking": "kill -9 Gateway"]
    static let recoveryDeadline = Duration.seconds(180)
    /// The platform works again within this after losing a broker node (issue 23).
    static let nodeLossDeadline = 10.0

    let runDir: String
    let pause: Double
    /// The cluster's vhost when the run is on the cluster (`--cluster`), else nil.
    let cluster: String?
    let healthPorts: [Int]
    private var generator: SplitMix64
    let start = ContinuousClock.now

    init(runDir: String, pause: Double, seed: UInt64, cluster: String? = nil, healthPorts: [Int]) {
        (self.runDir, self.pause, generator, self.cluster, self.healthPorts) = (runDir, pause, SplitMix64(seed: seed), cluster, healthPorts)
    }

    var rotation: [String] { cluster == nil ? Self.rotation : Self.clusterRotation }
    var plan: [String: String] { cluster == nil ? Self.singleNodePlan : Self.clusterPlan }

    /// Faults one after another while grading, each after the previous one recovered and a random
    /// pause (the first soon after the grading starts), until `over`.
    func strikeUntil(_ over: Flag, phase: String) async -> [Fault] {
        var faults: [Fault] = []
        while true {
            let wait = faults.isEmpty ? Double.random(in: 0.1...0.5, using: &generator)
                : Double.random(in: 0.2...max(0.3, pause), using: &generator)
            try? await Task.sleep(for: .milliseconds(Int(wait * 1000)))
            if over.isSet { break }
            faults.append(await recover(await strike(rotation[faults.count % rotation.count], phase: phase)))
        }
        return faults
    }

    func strike(_ name: String, phase: String) async -> Pending {
        let at = Session.seconds(ContinuousClock.now - start)
        print("  fault at \(String(format: "%.1f", at)) s (\(phase)): \(name)")
        fflush(nil)  // a long run shows its progress in its log as it happens
        var pending = Pending(fault: Fault(phase: phase, name: name, at: at), struck: ContinuousClock.now)
        do {
            switch name {
            case "restart RabbitMQ": try await stop("rabbit-stop", port: 5673)
            case "restart PostgreSQL": try await stop("pg-stop", port: 5433)
            case "restart Correction's PostgreSQL": try await stop("pg2-down", port: 5434)
            case "kill broker leader":
                let node = try await brokerLeader()
                pending.node = node
                pending.fault.name += " (node \(node))"
                // The fault begins at the kill, not while the CLI looked for the leader (seconds of an Erlang VM's start).
                pending.struck = ContinuousClock.now
                pending.fault.at = Session.seconds(pending.struck - start)
                guard await LocalInfrastructure.run(["/bin/bash", "scripts/broker-cluster.sh", "kill", "\(node)"]) == 0 else {
                    throw ValidationError("scripts/broker-cluster.sh kill \(node) failed")
                }
                let deadline = ContinuousClock.now + .seconds(10)
                while Self.listening(5680 + node) {
                    guard ContinuousClock.now < deadline else { throw ValidationError("broker node \(node) still listening") }
                    try await Task.sleep(for: .milliseconds(50))
                }
            case _ where name.hasPrefix("sigterm "):
                (pending.pid, pending.fault.exit) = try await signalService(String(name.split(separator: " ").last!), SIGTERM,
                                                                            within: Self.shutdownDeadline)
            default: pending.pid = try await signalService(String(name.split(separator: " ").last!), SIGKILL, within: .seconds(10)).pid
            }
        } catch {
            print("  fault \(name) did not strike: \(error)")
            pending.fault.failure = "did not strike: \(error)"
        }
        return pending
    }

    func recover(_ pending: Pending) async -> Fault {
        var fault = pending.fault
        guard fault.failure == nil else { return fault }
        do {
            switch fault.name {
            case "restart RabbitMQ", "restart PostgreSQL", "restart Correction's PostgreSQL":
                try await infra(["restart RabbitMQ": "rabbit-start", "restart PostgreSQL": "pg-start"][fault.name] ?? "pg2-start")
                fault.infrastructureUp = Session.seconds(ContinuousClock.now - pending.struck)
            case _ where pending.node != nil:
                // A lost node is not waited for: the platform recovers on the two others (its time is
                // `recovery`); the node is started again only then, so that the next fault keeps a majority.
                // The services whose connections were on the node say so on /health until they moved to
                // another node; a first look too soon after the kill could still find them all up.
                let node = pending.node!
                _ = await healthy(timeout: .seconds(1), untilAnyDown: true)
                guard await healthy(timeout: Self.recoveryDeadline) else { throw ValidationError("not healthy with node \(node) down") }
                let recovery = Session.seconds(ContinuousClock.now - pending.struck)
                guard await LocalInfrastructure.run(["/bin/bash", "scripts/broker-cluster.sh", "start", "\(node)"]) == 0 else {
                    throw ValidationError("scripts/broker-cluster.sh start \(node) failed")
                }
                fault.nodeBack = Session.seconds(ContinuousClock.now - pending.struck)
                fault.recovery = recovery
                if recovery > Self.nodeLossDeadline {
                    fault.failure = String(format: "recovered %.1f s after the node's loss (more than %.0f s)", recovery, Self.nodeLossDeadline)
                }
            default: try await restarted(String(fault.name.split(separator: " ").last!), oldPid: pending.pid ?? 0)
            }
            if fault.recovery != nil {
                // measured above, the broker node still down
            } else if await healthy(timeout: Self.recoveryDeadline) {
                let recovery = Session.seconds(ContinuousClock.now - pending.struck)
                fault.recovery = recovery
                if fault.name == "restart RabbitMQ", let up = fault.infrastructureUp, recovery - up > Self.reconnectionDeadline {
                    fault.failure = String(format: "services reconnected %.1f s after the broker was up (more than %.0f s)",
                                           recovery - up, Self.reconnectionDeadline)
                }
            } else {
                fault.failure = "not healthy within \(Self.recoveryDeadline)"
            }
        } catch {
            fault.failure = "did not recover: \(error)"
        }
        if let failure = fault.failure { print("  fault \(fault.name): \(failure)") }
        return fault
    }

    /// Missions killed (SIGKILL) `count` times while it sends mail, each time once a mail is in
    /// flight: alternately mid-conversation (claimed, still `en_attente`: it goes again when its
    /// lease runs out) and after the end of its data (`envoi`: maybe delivered, left to operators).
    /// Each recovers before the next; no mail in flight within a minute fails the fault.
    func strikeWhileMailing(_ count: Int, database: String, phase: String) async -> [Fault] {
        var faults: [Fault] = [], struck: Set<UUID> = []
        let logger = Logger(label: "ece.chaos.courriels")
        do {
            let configuration = try DatabaseConfiguration.client(url: "postgres://postgres:postgres@127.0.0.1:5433/\(database)", maxConnections: 1)
            try await withPostgresClient(configuration, logger: logger) { client in
                for i in 0..<count {
                    let apresDonnees = i % 2 == 1
                    let window = apresDonnees ? "after DATA" : "mid-SMTP"
                    // A claim moves next_attempt_at a lease ahead; a retry's backoff (MAIL_RETRY_SECONDS) stays below 5 s.
                    let enVol = apresDonnees ? "statut = 'envoi'" : "statut = 'en_attente' AND attempts > 0 AND next_attempt_at > now() + interval '5 seconds'"
                    let deadline = ContinuousClock.now + .seconds(60)
                    var target: UUID?
                    while target == nil, ContinuousClock.now < deadline {
                        let rows = try await client.query("SELECT id FROM missions.courriels WHERE \(unescaped: enVol)", logger: logger).collect()
                        target = try rows.map { try $0.decode(UUID.self) }.first { !struck.contains($0) }
                        if target == nil { try await Task.sleep(for: .milliseconds(10)) }
                    }
                    guard let target else {
                        faults.append(Fault(phase: phase, name: "kill -9 Missions \(window)", at: Session.seconds(ContinuousClock.now - start),
                                            failure: "did not strike: no mail in flight within 60 s"))
                        print("  fault kill -9 Missions \(window): no mail in flight within 60 s")
                        continue
                    }
                    struck.insert(target)
                    let pending = await strike("kill -9 Missions", phase: phase)
                    // Where the kill found the mail: the window aimed at, or already past it (said, not failed).
                    let statut = try await client.query("SELECT statut FROM missions.courriels WHERE id = \(target)", logger: logger)
                        .collect().first?.decode(String.self) ?? "?"
                    print("  \(window): courriel \(target.uuidString.lowercased()) was \(statut) after the kill")
                    var fault = await recover(pending)
                    fault.name += " \(window)"
                    faults.append(fault)
                }
            }
        } catch {
            faults.append(Fault(phase: phase, name: "kill -9 Missions mailing", at: Session.seconds(ContinuousClock.now - start),
                                failure: "did not strike: \(error)"))
        }
        return faults
    }

    /// The number of the broker node leading `leaderQueue` in the cluster's vhost.
    private func brokerLeader() async throws -> Int {
        let process = try ChildProcess(URL(fileURLWithPath: "/bin/bash"), ["scripts/broker-cluster.sh", "leader", Self.leaderQueue, cluster ?? "/"])
        _ = await process.waitForExit()
        let output = process.text
        guard let node = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)), (1...3).contains(node) else {
            throw ValidationError("no leader for \(Self.leaderQueue): \(output)")
        }
        return node
    }

    /// The service's running process (its pid file names a live process of that executable) sent
    /// `sig`; returns its pid and the seconds until it was gone. One still alive after `limit` is
    /// killed, so the run goes on, and the strike fails.
    private func signalService(_ service: String, _ sig: Int32, within limit: Duration) async throws -> (pid: Int32, seconds: Double) {
        guard let pid = runningPid(service) else { throw ValidationError("\(service) was not running") }
        let sent = ContinuousClock.now
        guard kill(pid, sig) == 0 else { throw ValidationError("kill -\(sig) \(pid) (\(service)): errno \(errno)") }
        while isAlive(pid) {
            guard ContinuousClock.now < sent + limit else {
                kill(pid, SIGKILL)
                throw ValidationError("\(service) (pid \(pid)) still running \(limit) after signal \(sig)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return (pid, Session.seconds(ContinuousClock.now - sent))
    }

    /// The supervisor noticed and started a new process.
    private func restarted(_ service: String, oldPid: Int32) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let pid = runningPid(service), pid != oldPid { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("\(service) was not restarted by the supervisor within 60 s")
    }

    private func stop(_ command: String, port: Int) async throws {
        try await infra(command)
        // Stopped means no longer listening: otherwise nothing happened.
        let deadline = ContinuousClock.now + .seconds(10)
        while Self.listening(port) {
            guard ContinuousClock.now < deadline else { throw ValidationError("\(command): port \(port) still open") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// The pid in the service's pid file when it is a live process of that executable (as `scripts/services.sh` checks).
    private func runningPid(_ service: String) -> Int32? {
        guard let text = try? String(contentsOfFile: "\(runDir)/\(service).pid", encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)), isAlive(pid),
            let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe"),
            URL(fileURLWithPath: exe.replacingOccurrences(of: " (deleted)", with: "")).lastPathComponent
                == service.split(separator: "-").first.map(String.init)
        else { return nil }
        return pid
    }

    /// Alive and not a zombie waiting to be reaped.
    private func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }

    static func listening(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }

    /// Every service answers /health with 200 (its database and broker up); or, `untilAnyDown`, one does not.
    private func healthy(timeout: Duration, untilAnyDown: Bool = false) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            var all = true
            for port in healthPorts {
                let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
                let status = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)).status
                if status != .ok { all = false }
            }
            if all != untilAnyDown { return true }
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
    /// Superuser URLs: the platform's database, and Correction's (the same one unless on a server of its own).
    struct Databases { var platform: String; var correction: String }
    let databases: Databases
    let amqp: String
    let logger: Logger

    /// The built-in national regulation's pay per candidate evaluated (5 €), which a fresh database's refresh loads.
    static let tarifParCandidat = 500

    struct Verdict {
        var delivered = 0, lost = 0, duplicated = 0, unexpected = 0, wrong = 0
        var servicesFaits = 0, servicesFaitsExpected = 0, montants = 0, montantsFaux = 0
        var backlog: [String] = []
        var deadLetters: [String] = []
        var problems: [String] = []
        var clean: Bool { lost == 0 && duplicated == 0 && unexpected == 0 && wrong == 0 && backlog.isEmpty && deadLetters.isEmpty
            && servicesFaits == servicesFaitsExpected && montantsFaux == 0 }

        func print() {
            Swift.print("grades acknowledged to examiners, against the oracle: delivered \(delivered) / lost \(lost) / duplicated \(duplicated) / "
                        + "wrong \(wrong) / unexpected \(unexpected)")
            Swift.print("services faits in Imag'In: \(servicesFaits) candidates evaluated, \(servicesFaitsExpected) expected; "
                        + "\(montants) examiners' amounts at \(ChaosCheck.tarifParCandidat / 100) € a sheet, \(montantsFaux) wrong")
            Swift.print("outboxes: \(backlog.isEmpty ? "empty" : backlog.joined(separator: ", "))")
            Swift.print("dead-letter queues: \(deadLetters.isEmpty ? "empty" : deadLetters.joined(separator: ", "))")
            for p in problems.prefix(20) { Swift.print("  " + p) }
            Swift.print(clean ? "chaos: nothing lost, nothing duplicated, nothing wrong" : "chaos: FAILED")
        }
    }

    func verify(_ ledger: ChaosLedger, services: [Components.Schemas.ServiceFait]) async throws -> Verdict {
        let configuration = try DatabaseConfiguration.client(url: databases.platform, maxConnections: 2)
        let correction = try DatabaseConfiguration.client(url: databases.correction, maxConnections: 2)
        return try await withPostgresClient(configuration, logger: logger) { client in
          try await withPostgresClient(correction, logger: logger) { santorin in
            var verdict = Verdict()
            // Drain: the outboxes empty and the dead-letter queues still, within a few minutes.
            let amqp = try AMQPConfiguration(url: self.amqp)
            let deadline = ContinuousClock.now + .seconds(300)
            repeat {
                verdict.backlog = try await backlog(client, correction: santorin)
                if verdict.backlog.isEmpty { break }
                try await Task.sleep(for: .seconds(1))
            } while ContinuousClock.now < deadline
            for queue in ["correction.candidats", "correction.convocations", "correction.sujets", "gateway.convocations",
                          "inscriptions.notes", "missions.avis", "missions.exports", "missions.services-faits"] {
                if let depth = await BrokerAdmin.queueDepth(amqp, queue: queue + ".dlq"), depth > 0 {
                    verdict.deadLetters.append("\(queue).dlq: \(depth)")
                }
            }

            let notes = await ledger.notes
            // Correction, then Inscriptions (the grade per candidate × exam), each against the oracle; then what replaced what.
            // Two reads joined here: on the cluster the two schemas live on different servers.
            struct Cle: Hashable { var candidat: UUID; var epreuve: String }
            var cyclades: [Cle: (Int?, String?)] = [:]
            let recues = try await client.query("SELECT candidat_id, epreuve, demi_points, resultat FROM inscriptions.notes", logger: logger)
            for try await (candidat, epreuve, points, resultat) in recues.decode((UUID, String, Int?, String?).self) {
                cyclades[Cle(candidat: candidat, epreuve: epreuve)] = (points, resultat)
            }
            let rows = try await santorin.query(
                "SELECT id, candidat_id, epreuve, note_finale, statut = 'notee' FROM correction.fiches", logger: logger)
            var seen = Set<UUID>()
            for try await (id, candidat, epreuve, finale, notee) in rows.decode((UUID, UUID, String, Int?, Bool).self) {
                let (recorded, resultat) = cyclades[Cle(candidat: candidat, epreuve: epreuve)] ?? (nil, nil)
                seen.insert(id)
                guard let note = notes[id] else {
                    if recorded != nil || notee { verdict.unexpected += 1; verdict.problems.append("\(id): graded without an acknowledged save") }
                    continue
                }
                let said = "oracle \(note.attendu), answered \(note.repondu.map(String.init) ?? "-"), Correction \(finale.map(String.init) ?? "-"), "
                    + "Inscriptions \(recorded.map(String.init) ?? resultat ?? "nothing")"
                if notee && note.repondu == note.attendu && finale == note.attendu && resultat == "note" && recorded == note.attendu {
                    verdict.delivered += 1
                } else if note.repondu == nil || !notee || resultat == nil {
                    verdict.lost += 1
                    verdict.problems.append("\(id): lost: \(said)")
                } else {
                    verdict.wrong += 1
                    verdict.problems.append("\(id): wrong: \(said)")
                }
            }
            for id in notes.keys where !seen.contains(id) {
                verdict.lost += 1
                verdict.problems.append("\(id): acknowledged, not in Correction")
            }
            verdict.duplicated += try await client.query("SELECT count(*) FROM inscriptions.notes_historique", logger: logger)
                .collect().first?.decode(Int.self) ?? 0
            // Each examiner's work at their centre, once: as many candidates as the sheets they were told
            // were graded, paid at the regulation's rate.
            var parExaminateur: [String: Int] = [:]
            for note in notes.values where note.repondu != nil { parExaminateur[note.examinateur, default: 0] += 1 }
            verdict.servicesFaitsExpected = parExaminateur.values.reduce(0, +)
            verdict.servicesFaits = services.map { $0.candidatsEvalues ?? 0 }.reduce(0, +)
            var payes = Set<String>()
            for service in services {
                let login = service.login ?? "?"
                let n = parExaminateur[login] ?? 0
                verdict.montants += 1
                if !payes.insert(login).inserted { verdict.duplicated += 1; verdict.problems.append("\(login): paid twice") }
                let (evalues, centimes) = (service.candidatsEvalues ?? 0, service.montantCentimes ?? 0)
                if evalues != n || centimes != n * Self.tarifParCandidat {
                    verdict.montantsFaux += 1
                    verdict.problems.append("\(login): \(evalues) candidates, \(centimes) cents; "
                                            + "expected \(n), \(n * Self.tarifParCandidat)")
                }
            }
            for login in parExaminateur.keys where !payes.contains(login) {
                verdict.montantsFaux += 1
                verdict.problems.append("\(login): graded \(parExaminateur[login]!) sheets, no service fait")
            }
            let doubled = try await client.query("""
                SELECT count(*) FROM (SELECT intervenant_id, centre FROM missions.services_faits GROUP BY 1, 2 HAVING count(*) > 1) d
                """, logger: logger).collect()
            verdict.duplicated += try doubled.first?.decode(Int.self) ?? 0
            return verdict
          }
        }
    }

    /// Each schema's outbox rows not sent (pending or failed), and Missions' mail not sent yet (a
    /// mail claimed by a killed process waits for its lease, MAIL_LEASE_SECONDS).
    func backlog(_ client: PostgresClient, correction: PostgresClient) async throws -> [String] {
        var result: [String] = []
        let mails = try await client.query("SELECT count(*) FROM missions.courriels WHERE statut = 'en_attente'", logger: logger).collect()
        if let waiting = try mails.first?.decode(Int.self), waiting > 0 { result.append("missions.courriels: \(waiting) en_attente") }
        for schema in ["referentiel", "inscriptions", "missions", "correction", "gateway"] {
            let rows = try await (schema == "correction" ? correction : client).query("""
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
