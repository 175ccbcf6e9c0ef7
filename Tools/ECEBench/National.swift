import ArgumentParser
import AsyncHTTPClient
import ECEAPI
import ECEAPIClient
import Foundation
import JWTKit
import Logging
import OpenAPIRuntime
import PostgresNIO
import Shared
import TestSupport

/// `ece-bench national`: a national session generated and run through the real platform's
/// gateway, phase by phase — import, assignment, opening and convocations, distribution, grading by
/// concurrent simulated examiners, locking, closing until every result is in Cyclades and every
/// service fait in Imag'In — with each phase's time and throughput, the grade saves' latency and
/// each service's peak RSS; and, in the same run, the machine's baseline (`pgbench -N` on the same
/// PostgreSQL). Runs on its own database and vhost (`scripts/bench-national.sh` prepares them and
/// starts the services on them).
///
/// The simulated users carry tokens signed with the platform's key (`var/keys`), as the gateway's
/// login would give them: account creation and activation are the end-to-end test's business.
struct National: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "A national session through the platform, against pgbench -N.")

    @Option(help: "Size: 1 = 240,000 candidate-exams in 3,000 centres with 12,000 examiners.") var scale = 1.0
    @Option(help: "Simulated examiners grading at once.") var concurrence = 200
    @Option(help: "Sheets graded per second by all the examiners together; 0: as fast as the platform answers (saturation).")
    var rythme = 0.0
    @Flag(help: "With --rythme: the first examiners start one after another over one lot's time instead of all at once, so they do not finish their lots (and ask for the next) together.")
    var departsEchelonnes = false
    @Option(help: "The gateway.") var gateway = "http://127.0.0.1:8080"
    @Option(help: "Private key that signs the simulated users' tokens.") var keyFile = "var/keys/jwt-private.pem"
    @Option(help: "The bench's database (scripts/infra.sh fresh).") var database = "ece_bench"
    @Option(help: "Where scripts/services.sh keeps the services' pids.") var runDir = "var/run"
    @Option(help: "pgbench clients (the size of Correction's connection pool).") var pgbenchClients = 20
    @Option(help: "pgbench transactions per client (-t: a child of this process may not get -T's SIGALRM).") var pgbenchTransactions = 1000
    @Option(help: "Write every grading request (kind, start in s since grading began, duration in ms) to this CSV file.")
    var trace: String?

    static let session = 2027
    static let candidatsParCentre = 80
    static let examinateursParCentre = 4
    static let academies = 30
    /// Share of the centres hosting each exam, in percent.
    static let partage: [(String, Int)] = [("T011B", 40), ("T012B", 30), ("T010B", 20), ("T029B", 5), ("T030B", 5)]

    func validate() throws {
        guard rythme > 0 || !departsEchelonnes else { throw ValidationError("--departs-echelonnes needs --rythme") }
    }

    func run() async throws {
        var logger = Logger(label: "ece.bench")
        logger.logLevel = .warning
        let centres = Self.centres(scale: scale)
        print("ece-bench national: \(centres) centres, \(centres * Self.candidatsParCentre) candidate-exams, "
              + "\(centres * Self.examinateursParCentre) examiners, \(concurrence) concurrent; "
              + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
        let pgbench = try pgbenchTPS()
        print(String(format: "baseline: pgbench -N, %d clients × %d transactions: %.0f TPS", pgbenchClients, pgbenchTransactions, pgbench))

        var run = try await Self.session(centres: centres, concurrence: concurrence, gateway: gateway, keyFile: keyFile,
                                         database: database, runDir: runDir, logger: logger)
        if rythme > 0 {
            run.cadence = Cadence(perSecond: rythme)
            // A lot's time at this pace (its sheets, one every concurrence / rythme seconds) shared among the first examiners.
            if departsEchelonnes { run.echelon = .seconds(Double(Self.candidatsParCentre / Self.examinateursParCentre) / rythme) }
        }
        run.trace = trace
        let http = run.passerelle.http
        do {
            let report = try await run.play()
            try await http.shutdown()
            report.print(pgbench: pgbench, rss: Self.peakRSS(runDir: runDir))
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// The centres of a run at `scale` (at least five).
    static func centres(scale: Double) -> Int { max(5, Int((3000 * scale).rounded())) }

    /// The simulated users' HTTP client and token signer, around the generated country.
    static func session(centres: Int, concurrence: Int, gateway: String, keyFile: String, database: String, runDir: String,
                        logger: Logger) async throws -> Session {
        var configuration = HTTPClient.Configuration(timeout: .init(connect: .seconds(5), read: .seconds(120)))
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrence + 16)
        // A refused connection fails the call at once (the caller retries, on another gateway when there are
        // several), instead of AsyncHTTPClient retrying the dead address until the connect timeout.
        configuration.connectionPool.retryConnectionEstablishment = false
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let signer = await TokenSigner(privateKey: try EdDSA.PrivateKey(pem: try String(contentsOfFile: keyFile, encoding: .utf8)))
        return Session(passerelle: try Passerelle(gateway, http: http), signer: signer, centres: centres, concurrence: concurrence,
                       database: database, runDir: runDir, logger: logger)
    }

    /// TPS of `pgbench -N` (simple updates) on a database of its own in the same cluster.
    private func pgbenchTPS() throws -> Double {
        let script = """
            set -euo pipefail
            export PGPASSWORD=postgres
            bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
            psql -q -h 127.0.0.1 -p 5433 -U postgres -d postgres -c 'DROP DATABASE IF EXISTS ece_pgbench WITH (FORCE)' -c 'CREATE DATABASE ece_pgbench'
            "$bin/pgbench" -q -i -s 20 -h 127.0.0.1 -p 5433 -U postgres ece_pgbench >/dev/null 2>&1
            "$bin/pgbench" -N -c \(pgbenchClients) -j 2 -t \(pgbenchTransactions) -h 127.0.0.1 -p 5433 -U postgres ece_pgbench 2>/dev/null
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let line = output.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
            let tps = Double(line.dropFirst(6).prefix { $0.isNumber || $0 == "." })
        else { throw ValidationError("pgbench failed: \(output.suffix(400))") }
        return tps
    }

    /// Each service's peak resident memory (VmHWM), from the pids scripts/services.sh keeps.
    static func peakRSS(runDir: String) -> [(String, Int)] {
        ["Gateway", "Inscriptions", "Missions", "Referentiel", "Correction"].compactMap { name in
            guard let pid = try? String(contentsOfFile: "\(runDir)/\(name).pid", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
                let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
                let kb = Int(line.split(separator: " ").dropFirst().first ?? "")
            else { return nil }
            return (name, kb / 1024)
        }
    }
}

/// The phases' figures.
struct NationalReport {
    struct Phase { var name: String; var seconds: Double; var operations: Int; var unit: String }
    var phases: [Phase] = []
    var saves: [Double] = []
    var gradingSeconds = 0.0
    var candidats = 0
    /// The pace the examiners were held to (`--rythme`), nil at saturation.
    var rythme: Double?
    /// CPU seconds each process spent while the examiners graded.
    var cpu: [(String, Double)] = []

    func print(pgbench: Double, rss: [(String, Int)]) {
        Swift.print("\nphase                              time      operations          rate")
        for p in phases {
            Swift.print(String(format: "%-30@ %8.1f s  %8d %-10@ %8.0f /s", p.name as NSString, p.seconds, p.operations, p.unit as NSString,
                               Double(p.operations) / max(p.seconds, 0.001)))
        }
        let total = phases.map(\.seconds).reduce(0, +)
        let sorted = saves.sorted()
        func q(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] * 1000 }
        let rate = Double(saves.count) / max(gradingSeconds, 0.001)
        Swift.print(String(format: "\nwhole session: %.1f s for %d candidate-exams (%.0f per second)", total, candidats,
                           Double(candidats) / total))
        if let rythme { Swift.print(String(format: "examiners paced at %.0f sheets/s together (--rythme)", rythme)) }
        Swift.print(String(format: "grade saves through the gateway: %.0f /s, p50 %.1f ms, p99 %.1f ms, p999 %.1f ms",
                           rate, q(0.5), q(0.99), q(0.999)))
        Swift.print(String(format: "ratio saves / pgbench -N TPS: %.0f %% (target ≥ 50 %%); p99 target ≤ 50 ms", 100 * rate / pgbench))
        Swift.print("CPU while grading (s, of \(String(format: "%.0f", gradingSeconds * 2)) available on 2 cores): "
                    + cpu.map { String(format: "%@ %.1f", $0.0, $0.1) }.joined(separator: ", "))
        Swift.print("peak RSS (MB): " + rss.map { "\($0.0) \($0.1)" }.joined(separator: ", ") + " (target ≤ 100 each)")
    }
}

/// One national session, phase after phase.
struct Session {
    /// The generated client's transport to the gateway(s), shared by every simulated user.
    let passerelle: Passerelle
    let signer: TokenSigner
    let centres: Int
    let concurrence: Int
    let database: String
    let runDir: String
    let logger: Logger
    /// Set by `ece-bench chaos`: faults strike in every phase, so every call retries what they
    /// cause and resolves an answer lost after the platform acted.
    var chaos: ChaosLedger? = nil
    /// Set by `--rythme`: the examiners start sheets at this pace together, so the saves' latency
    /// is measured at a load the platform sustains rather than behind a queue.
    var cadence: Cadence? = nil
    /// Set by `--departs-echelonnes`: the first `concurrence` examiners start this far apart.
    var echelon: Duration? = nil
    /// Set by `--trace`: where the grading requests' timings go (to find what makes the slow seconds).
    var trace: String? = nil

    /// The session's year, as the API's paths name it.
    var annee: Int { National.session }

    // MARK: the generated country

    func academie(_ centre: Int) -> String { String(format: "%02d", 1 + centre % National.academies) }
    /// A valid UAI for the i-th centre (département digits 100 upwards, the check letter of n mod 23).
    func uai(_ centre: Int) -> String { let n = 1_000_000 + centre; return String(format: "%07d", n) + String(UAILetters[n % 23]) }
    let UAILetters = Array("ABCDEFGHJKLMNPRSTUVWXYZ")
    func epreuve(_ centre: Int) -> String {
        var cumul = 0
        for (code, part) in National.partage {
            cumul += part
            if centre % 100 < cumul { return code }
        }
        return "T011B"
    }
    func examinateur(_ centre: Int, _ k: Int) -> String { "ex.\(uai(centre).lowercased()).\(k)" }

    func client(_ identity: Identity) async throws -> Client {
        passerelle.client(try await signer.sign(identity))
    }
    /// A fresh token each time: a phase may outlast one.
    func dsii() async throws -> Client {
        try await client(Identity(userId: UUID(), login: "dsii.bench", role: .dsii, scope: .national))
    }
    func gestionnaire(_ academie: String) async throws -> Client {
        try await client(Identity(userId: UUID(), login: "gestionnaire.\(academie)", role: .gestionnaire, scope: .academie(academie)))
    }
    func centreClient(_ centre: Int) async throws -> Client {
        try await client(Identity(userId: UUID(), login: "centre.\(uai(centre))", role: .centre, scope: .etablissement(uai(centre))))
    }
    /// A centre's commission in Santorin (its exam's), as the paths under it name it.
    func commission(_ centre: Int) -> (annee: Int, epreuve: String, centre: String) {
        (National.session, epreuve(centre), uai(centre))
    }

    // MARK: the run

    func play() async throws -> NationalReport {
        var report = NationalReport()
        report.candidats = centres * National.candidatsParCentre
        try await referenceData()
        try await waitUntil(timeout: .seconds(60)) { await passerelle.sante() }
        let baremes = try await publierSujets(try await dsii())

        report.phases.append(try await phase("import (Cyclades)", National.academies, "files") { try await importer() })
        report.phases.append(try await phase("assignment and publication", report.candidats, "candidates") { try await affecter() })
        let intervenants = centres * National.examinateursParCentre + coordinations.count
        report.phases.append(try await phase("designation (Cyclades)", intervenants, "people") { try await designer() })
        report.phases.append(try await phase("opening, convocations", intervenants, "people") { try await convoquer() })
        report.phases.append(try await phase("convocations reaching Santorin (events)", centres, "commissions") {
            try await attendreExaminateurs()
        })
        report.phases.append(try await phase("distribution (Santorin)", centres, "commissions") { try await distribuer() })
        let recorder = Recorder()
        await chaos?.debut("grading")
        let start = ContinuousClock.now
        let avant = CPUReading(runDir: runDir)
        let lots = try await corriger(recorder, baremes: baremes)
        await chaos?.fin()
        report.gradingSeconds = Self.seconds(ContinuousClock.now - start)
        report.cpu = Self.cpuSince(avant, runDir: runDir)
        report.saves = await recorder.durations
        if let trace {
            try await recorder.requetes.map { "\($0.kind),\($0.debut),\($0.ms)" }.joined(separator: "\n")
                .write(toFile: trace, atomically: true, encoding: .utf8)
        }
        report.rythme = cadence?.perSecond
        report.phases.append(.init(name: "grading (\(concurrence) examiners)", seconds: report.gradingSeconds, operations: report.saves.count,
                                   unit: "saves"))
        Self.printEnd("grading", seconds: report.gradingSeconds, cpu: report.cpu, runDir: runDir)
        report.phases.append(try await phase("locking", lots.count, "lots") { try await verrouiller(lots) })
        report.phases.append(try await phase("closing until all recorded", centres, "commissions") { try await cloturer() })
        return report
    }

    /// Which phase sets a service's peak memory (issue 24 item 5): the peaks so far, after each phase.
    static func rssSoFar(_ runDir: String) -> String {
        "peak RSS so far (MB): " + National.peakRSS(runDir: runDir).map { "\($0.0) \($0.1)" }.joined(separator: ", ")
    }

    /// A phase's end line: its time, the services' peak RSS so far and each process's CPU seconds in the
    /// phase, largest first (which process a bulk phase waits for, issue 24 item 4). Flushed: a long run
    /// shows its progress in its log as it happens, and a profiler reading the pipe sees each line when
    /// its phase ends.
    static func printEnd(_ name: String, seconds: Double, cpu: [(String, Double)], runDir: String) {
        Swift.print("  \(name): \(String(format: "%.1f", seconds)) s; " + rssSoFar(runDir) + "; CPU (s): "
                    + cpu.map { String(format: "%@ %.1f", $0.0, $0.1) }.joined(separator: ", "))
        fflush(nil)
    }

    static func cpuSince(_ avant: CPUReading, runDir: String) -> [(String, Double)] {
        CPUReading(runDir: runDir).since(avant).map { ($0.key, $0.value) }.sorted { $0.1 > $1.1 }
    }

    static func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }

    func phase(_ name: String, _ operations: Int, _ unit: String, _ body: () async throws -> Void) async throws -> NationalReport.Phase {
        let start = ContinuousClock.now
        let avant = CPUReading(runDir: runDir)
        // Under chaos the phase's fault strikes as it begins: its work runs while the platform recovers.
        await chaos?.debut(name)
        try await body()
        await chaos?.fin()
        let p = NationalReport.Phase(name: name, seconds: Self.seconds(ContinuousClock.now - start), operations: operations, unit: unit)
        Self.printEnd(name, seconds: p.seconds, cpu: Self.cpuSince(avant, runDir: runDir), runDir: runDir)
        return p
    }

    /// Runs `body` on every item, `width` at a time.
    func concurrently<T: Sendable>(_ items: [T], width: Int, _ body: @escaping @Sendable (T) async throws -> Void) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var iterator = items.makeIterator()
            for _ in 0..<width {
                guard let item = iterator.next() else { break }
                group.addTask { try await body(item) }
            }
            while try await group.next() != nil {
                if let item = iterator.next() { group.addTask { try await body(item) } }
            }
        }
    }

    /// The country's schools and centres d'épreuve: reference data, loaded as the seed does.
    func referenceData() async throws {
        let url = "postgres://inscriptions:inscriptions@127.0.0.1:5433/\(database)"
        try await withPostgresClient(try DatabaseConfiguration.client(url: url, maxConnections: 2), logger: logger) { client in
            // The service has migrated its schema before the bench starts (it is healthy).
            let indices = Array(0..<centres)
            try await client.withTransaction(logger: logger) { c in
                try await c.query("""
                    INSERT INTO inscriptions.academies SELECT lpad(a::text, 2, '0'), 'Académie ' || a FROM generate_series(1, \(National.academies)) a
                    ON CONFLICT DO NOTHING
                    """, logger: logger)
                try await c.query("""
                    INSERT INTO inscriptions.etablissements (uai, nom, academie, commune, autonome, latitude, longitude)
                    SELECT u, 'Lycée ' || u, a, 'Commune', true, 43 + random() * 6, -1 + random() * 8 FROM unnest(\(indices.map(uai)), \(indices.map(academie))) AS t(u, a)
                    """, logger: logger)
                try await c.query("""
                    INSERT INTO inscriptions.centres (uai, capacite_demi_journee) SELECT u, 16 FROM unnest(\(indices.map(uai))) u
                    """, logger: logger)
                try await c.query("""
                    INSERT INTO inscriptions.centre_epreuves SELECT u, e FROM unnest(\(indices.map(uai)), \(indices.map(epreuve))) AS t(u, e)
                    """, logger: logger)
            }
        }
    }

    static let sujets: [(String, String?, String)] = [
        ("T011B", "physique", "PC-P1"), ("T011B", "physique", "PC-P2"), ("T011B", "physique", "PC-P3"), ("T011B", "physique", "PC-P4"),
        ("T011B", "physique", "PC-P5"), ("T011B", "chimie", "PC-C1"), ("T011B", "chimie", "PC-C2"), ("T011B", "chimie", "PC-C3"),
        ("T011B", "chimie", "PC-C4"), ("T011B", "chimie", "PC-C5"), ("T012B", nil, "SVT-1"), ("T012B", nil, "SVT-2"), ("T012B", nil, "SVT-3"),
        ("T010B", nil, "NSI-1"), ("T010B", nil, "NSI-2"), ("T010B", nil, "NSI-3"), ("T029B", nil, "BIO-1"), ("T029B", nil, "BIO-2"), ("T029B", nil, "BIO-3"),
        ("T030B", "physique", "SPCL-P1"), ("T030B", "physique", "SPCL-P2"), ("T030B", "physique", "SPCL-P3"),
        ("T030B", "chimie", "SPCL-C1"), ("T030B", "chimie", "SPCL-C2"), ("T030B", "chimie", "SPCL-C3"),
    ]

    /// Publishes every subject with its barème (`Baremes`: the exams' own shapes); returns the barème published for each id.
    func publierSujets(_ dsii: Client) async throws -> [String: Oracle.Bareme] {
        var publies: [String: Oracle.Bareme] = [:]
        for (epreuve, dominante, code) in Self.sujets {
            let bareme = Baremes.pour(code)
            let id = try await Baremes.publier(dsii, .init(epreuve: epreuve, session: National.session, code: code,
                                                           titre: "Sujet national \(code)", dominante: dominante, materiel: []), bareme)
            publies[id] = bareme
        }
        return publies
    }

    // MARK: phases

    func centres(of academie: String) -> [Int] { (0..<centres).filter { self.academie($0) == academie } }
    /// The académies that have centres at this scale.
    var codesAcademies: [String] { Array(Set((0..<centres).map(academie))).sorted() }
    /// One coordinator per exam present in each académie.
    var coordinations: [(academie: String, epreuve: String)] {
        Set((0..<centres).map { "\(academie($0))/\(epreuve($0))" }).sorted().map {
            let parts = $0.split(separator: "/")
            return (String(parts[0]), String(parts[1]))
        }
    }

    /// Polls a heavy question once a second (not the 50 ms of `waitUntil`).
    func poll(timeout: Duration, _ condition: () async throws -> Bool) async throws {
        try await waitUntil(timeout: timeout) {
            // Under faults a look may fail: look again.
            if chaos == nil ? try await condition() : ((try? await condition()) ?? false) { return true }
            try await Task.sleep(for: .seconds(1))
            return false
        }
    }

    func importer() async throws {
        try await concurrently(codesAcademies, width: 2) { a in
            var lignes = ["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"]
            for c in centres(of: a) {
                let e = epreuve(c), filiere = ["T029B", "T030B"].contains(e) ? "BTN" : "BCG"
                for k in 0..<National.candidatsParCentre {
                    lignes.append("N\(uai(c))\(String(format: "%02d", k));\(Demo.noms[k % Demo.noms.count]);\(Demo.prenoms[(c + k) % Demo.prenoms.count]);"
                                  + "01/02/2008;scolaire;\(uai(c));T\(1 + k % 5);\(filiere);\(e)")
                }
            }
            let g = try await gestionnaire(a), fichier = lignes.joined(separator: "\n")
            // Importing the same file again changes nothing: a retry after a fault is safe.
            _ = try await tenace { try await g.importerCandidats(path: .init(annee: annee), body: .csv(HTTPBody(fichier))).ok }
        }
    }

    /// Each académie takes the suggestions (its pupils' own school) and publishes; then until Santorin has every sheet.
    func affecter() async throws {
        try await concurrently(codesAcademies, width: 4) { a in
            let g = try await gestionnaire(a)
            while true {
                let suggestions = try await tenace { try await g.suggererAffectations(path: .init(annee: annee)).ok.body.json }!
                    .items?.compactMap { s in s.centre.map { Components.Schemas.Affectation(numero: s.numero ?? "", epreuve: s.epreuve ?? "", centre: $0) } } ?? []
                if suggestions.isEmpty { break }
                _ = try await tenace { try await g.affecterCandidats(path: .init(annee: annee), body: .json(.init(affectations: suggestions))).ok }
            }
            _ = try await tenace { try await g.publierAffectations(path: .init(annee: annee)).ok }
        }
        try await poll(timeout: .seconds(1800)) {
            // Nationally the follow-up has one line per académie.
            let suivi = try await dsii().lireSuivi(path: .init(annee: annee)).ok.body.json
            return suivi.items.map(\.candidats).reduce(0, +) >= centres * National.candidatsParCentre
        }
    }

    /// Four examiners per centre (teachers of its school) and a coordinator per exam in each académie.
    var personnes: [(academie: String, designation: Components.Schemas.NouvelleDesignation)] {
        typealias Personne = Components.Schemas.Personne
        // Under chaos the convocations are mailed (`scripts/chaos-courriels.py` checks each arrived once), except
        // to each centre's fourth examiner: no address, no mail.
        let adresse = { (login: String, k: Int) in chaos == nil || k == National.examinateursParCentre ? nil : "\(login)@ece-chaos.test" }
        var designations: [(academie: String, designation: Components.Schemas.NouvelleDesignation)] = []
        // Examiners teach at the centre's school (a school of its académie, the only kind a gestionnaire may
        // name), in a division none of its candidates is in: never their own pupils.
        for c in 0..<centres {
            for k in 1...National.examinateursParCentre {
                designations.append((academie(c), .init(role: .examinateur, epreuve: epreuve(c), centre: uai(c), intervenant: Personne(
                    login: examinateur(c, k), nom: Demo.noms[k], prenom: Demo.prenoms[k], email: adresse(examinateur(c, k), k),
                    uai: uai(c), divisions: ["T9"]))))
            }
        }
        for (a, e) in coordinations {
            designations.append((a, .init(role: .coordinateur, epreuve: e, centre: nil, intervenant: Personne(
                login: "coord.\(a).\(e.lowercased())", nom: "Coordination", prenom: "Claude", email: adresse("coord.\(a).\(e.lowercased())", 0)))))
        }
        return designations
    }

    func designer() async throws {
        let designations = personnes
        // Each académie's list as one file (`importerDesignations`): one transaction, each group exported once.
        let fichiers = Dictionary(grouping: designations, by: \.academie).mapValues { lignes in
            (["role;epreuve;centre;login;nom;prenom;email;uai;divisions"] + lignes.map(\.designation).map { d in
                let p = d.intervenant
                return [d.role.rawValue, d.epreuve, d.centre ?? "", p.login, p.nom, p.prenom, p.email ?? "", p.uai ?? "",
                        (p.divisions ?? []).joined(separator: " ")].joined(separator: ";")
            }).joined(separator: "\n")
        }
        try await concurrently(fichiers.sorted { $0.key < $1.key }, width: 4) { a, fichier in
            let g = try await gestionnaire(a)
            // Importing the same file again changes nothing: a retry after a fault is safe.
            _ = try await tenace { try await g.importerDesignations(path: .init(annee: annee), body: .csv(HTTPBody(fichier))).ok }
        }
    }

    /// The regulation, the opening until every person designated is a mission's, everyone convoked at once.
    func convoquer() async throws {
        let designes = Dictionary(grouping: personnes, by: \.academie).mapValues { Set($0.map(\.designation.intervenant.login)) }
        try await concurrently(codesAcademies, width: 4) { a in
            let g = try await gestionnaire(a)
            _ = try await tenace { try await g.actualiserReglementation(path: .init(annee: annee)).ok }
            _ = try await tenace { try await g.enregistrerParametres(path: .init(annee: annee), body: .json(.init(
                dateDebut: "2027-06-01", dateFin: "2027-06-12", observations: ""))).ok }
            var missions: [Components.Schemas.MissionDetail] = []
            try await poll(timeout: .seconds(900)) {
                _ = try await g.ouvrirMissions(path: .init(annee: annee)).ok
                missions = try await g.listerMissions(path: .init(annee: annee)).ok.body.json.items ?? []
                return Set(missions.flatMap { ($0.intervenants ?? []).compactMap(\.login) }).isSuperset(of: designes[a] ?? [])
            }
            // « Convoquer tout le monde »: a retry after a fault convokes only who is left (409: the
            // lost attempt still runs; the next look sees its work).
            try await poll(timeout: .seconds(900)) {
                _ = try await tenace { try await g.convoquerTout(path: .init(annee: annee)).ok }
                let personnes = try await g.listerMissions(path: .init(annee: annee)).ok.body.json.items?.flatMap { $0.intervenants ?? [] } ?? []
                return personnes.count == missions.flatMap({ $0.intervenants ?? [] }).count && personnes.allSatisfy { $0.convocationId != nil }
            }
        }
    }

    /// Until every centre's examiners are in Santorin: the convocations travel Imag'In → Santorin as events.
    func attendreExaminateurs() async throws {
        try await concurrently(Array(0..<centres), width: 16) { c in
            let centre = try await centreClient(c)
            let (annee, epreuve, uai) = commission(c)
            try await poll(timeout: .seconds(900)) {
                try await centre.listerExaminateurs(path: .init(annee: annee, epreuve: epreuve, centre: uai)).ok.body.json.items.count
                    >= National.examinateursParCentre
            }
        }
    }

    /// Each centre: a room per examiner, five half-days of sixteen (four per examiner), the
    /// subjects rotating, then the automatic distribution.
    func distribuer() async throws {
        try await concurrently(Array(0..<centres), width: 16) { c in
            let centre = try await centreClient(c)
            let (annee, epreuve, uai) = commission(c)
            // A room per examiner (a retry after a lost answer finds them all in their groups: none made).
            _ = try await tenace {
                try await centre.creerGroupesParExaminateur(path: .init(annee: annee, epreuve: epreuve, centre: uai)).ok
            }
            let sujets = try await tenace {
                try await centre.listerSujetsOfferts(path: .init(annee: annee, epreuve: epreuve, centre: uai)).ok.body.json.items
            }!
            // A different set every half-day; physique-chimie two of each dominant, rotating; the
            // other exams a subset of their subjects each (the k-th by bit mask).
            let physique = sujets.filter { $0.code.hasPrefix("PC-P") }.map(\.id), chimie = sujets.filter { $0.code.hasPrefix("PC-C") }.map(\.id)
            let tous = sujets.map(\.id)
            func ensemble(_ k: Int) -> [String] { tous.enumerated().filter { (k + 1) & (1 << $0.offset) != 0 }.map(\.element) }
            // Each slot made with its candidates (the room of the four examiners' groups, in name order).
            let parCreneau = National.examinateursParCentre * 4
            for k in 0..<(National.candidatsParCentre + parCreneau - 1) / parCreneau {
                let offerts = epreuve == "T011B"
                    ? [physique[k % physique.count], physique[(k + 1) % physique.count], chimie[k % chimie.count], chimie[(k + 1) % chimie.count]]
                    : ensemble(k)
                let demande = Components.Schemas.NouveauCreneau(jour: "2027-06-0\(1 + k / 2)", demiJournee: k % 2 == 0 ? .matin : .apresMidi,
                                                                sujets: offerts, candidats: .init())
                let cree = try await tenace {
                    try await centre.creerCreneau(path: .init(annee: annee, epreuve: epreuve, centre: uai), body: .json(demande)).created.body.json
                } ?? nil
                // nil: made by an attempt whose answer was lost, with its candidates (one transaction).
                if let cree, cree.candidats != min(parCreneau, National.candidatsParCentre - k * parCreneau) {
                    throw ValidationError("\(uai): \(cree.candidats) candidates placed in the slot \(demande.jour) \(demande.demiJournee)")
                }
            }
            let repartition = try await tenace {
                try await centre.distribuerAutomatiquement(path: .init(annee: annee, epreuve: epreuve, centre: uai),
                                                           body: .json(.init(garderDivisions: true))).ok.body.json
            }
            if let repartition, repartition.sansCreneau != 0 {
                throw ValidationError("\(uai): \(repartition.sansCreneau) candidates in no slot")
            }
        }
    }

    /// `concurrence` examiners at a time, each grading their whole lot: the draw, then one save
    /// that gives the grade (the measured request), with a grid of `Baremes.grille` on the barème
    /// published for the subject drawn; the mark the platform answers must be the oracle's.
    /// Returns each examiner's lot, to lock.
    func corriger(_ recorder: Recorder, baremes: [String: Oracle.Bareme]) async throws -> [Recorder.Lot] {
        let people = (0..<centres).flatMap { c in (1...National.examinateursParCentre).map { (c, $0) } }
        let lots = Recorder.Lots()
        let debut = ContinuousClock.now
        try await concurrently(Array(people.enumerated()), width: concurrence) { rang, person in
            let (c, k) = person
            if let echelon, rang < concurrence { try await Task.sleep(until: debut + echelon * rang, clock: .continuous) }
            let token = try await signer.sign(identite(c, k))
            let me = passerelle.client(token), editeur = Editeur(passerelle: passerelle, token: token)
            let mine = try await recorder.chrono("lots") { try await tenace { try await me.listerMesLots().ok.body.json.items }! }
            for lot in mine {
                await lots.add(.init(centre: c, k: k, groupe: lot.groupeId))
                for (i, resume) in lot.fiches.enumerated() {
                    await cadence?.next()
                    guard let id = resume.id else { throw ValidationError("\(lot.groupeId): a sheet without its id") }
                    // nil: a retry met 409, an earlier draw went through: the sheet says which subject.
                    var drawn = try await recorder.chrono("tirage") { try await tenace { try await editeur.tirer(id, version: resume.version ?? 1) } }
                    if drawn == nil { drawn = try await tenace { try await editeur.lire(id) } }
                    let tiree = drawn!
                    guard let sujet = tiree.sujet?.id, let bareme = baremes[sujet] else {
                        throw ValidationError("\(id): no subject drawn, or one this run did not publish")
                    }
                    let saisies = Baremes.grille(bareme, i: i + c, k: k)
                    let attendu = Oracle.demiPoints(bareme, saisies)
                    let start = ContinuousClock.now
                    var lastAttempt = start
                    let saved = try await tenace {
                        lastAttempt = ContinuousClock.now
                        return try await editeur.enregistrer(id, version: tiree.version, saisies)
                    }
                    await recorder.note(Recorder.enregistrement, start, ContinuousClock.now)
                    if let chaos {
                        await chaos.saved(.init(start: start, lastAttempt: lastAttempt, end: ContinuousClock.now))
                        // A lost answer: the sheet as it stands says whether the save went through.
                        var answer = saved
                        if answer == nil { answer = try await tenace { try await editeur.lire(id) } }
                        let note = answer!
                        await chaos.graded(try uuid(id), attendu: attendu, repondu: note.statut == .notee ? note.noteFinale : nil,
                                           examinateur: examinateur(c, k), readBack: saved == nil)
                    } else if let note = saved, note.noteFinale != attendu {
                        throw ValidationError("\(id): the platform answered \(String(describing: note.noteFinale)) half points, "
                                              + "the oracle says \(attendu)")
                    }
                }
            }
        }
        return await lots.items
    }

    /// `body` until the platform answers. The database may ask to retry (503 on a deadlock or a
    /// serialisation failure): so does the editor. Under chaos, whatever a fault causes (no
    /// connection, 5xx) is retried too, and nil means a retry met 409: an earlier attempt went
    /// through and its answer was lost.
    func tenace<T>(_ body: () async throws -> T) async throws -> T? {
        var attempt = 0
        let deadline = ContinuousClock.now + .seconds(600)
        while true {
            do { return try await body() } catch {
                let status = Refus.status(error)
                if let chaos {
                    if status == 409 && attempt > 0 { return nil }
                    guard status.map({ $0 >= 500 }) ?? true, ContinuousClock.now < deadline else { throw error }
                    await chaos.retried()
                } else {
                    guard status == 503 && attempt < 5 else { throw error }
                }
                attempt += 1
                try await Task.sleep(for: .milliseconds(min(2000, 50 * attempt)))
            }
        }
    }

    func verrouiller(_ lots: [Recorder.Lot]) async throws {
        try await concurrently(lots, width: concurrence) { lot in
            let me = try await client(identite(lot.centre, lot.k))
            _ = try await tenace { try await me.verrouillerLot(path: .init(id: lot.groupe)).ok }
        }
    }

    func identite(_ c: Int, _ k: Int) -> Identity {
        Identity(userId: UUID(), login: examinateur(c, k), role: .examinateur, scope: .academie(academie(c)))
    }

    /// Every centre closes; until Cyclades has every result and Imag'In every service fait.
    /// Under chaos, Cyclades' consumer is killed once half the centres have closed (their results
    /// on their way) and Imag'In's once all have (the services faits on theirs).
    func cloturer() async throws {
        let moitie = (centres + 1) / 2
        for (part, fault) in [(Array(0..<moitie), "kill -9 Inscriptions"), (Array(moitie..<centres), "kill -9 Missions")] {
            try await concurrently(part, width: 16) { c in
                let centre = try await centreClient(c)
                let (annee, epreuve, uai) = commission(c)
                _ = try await tenace { try await centre.cloturer(path: .init(annee: annee, epreuve: epreuve, centre: uai)).ok }
            }
            await chaos?.frapper(fault)
        }
        try await poll(timeout: .seconds(1800)) {
            let lignes = try await dsii().lireRemontee(path: .init(annee: annee)).ok.body.json.items ?? []
            return lignes.map { ($0.notes ?? 0) + ($0.absents ?? 0) }.reduce(0, +) >= centres * National.candidatsParCentre
        }
        try await poll(timeout: .seconds(1800)) {
            var total = 0
            for a in codesAcademies {
                total += try await gestionnaire(a).listerServicesFaits(path: .init(annee: annee)).ok.body.json.items?
                    .map { $0.candidatsEvalues ?? 0 }.reduce(0, +) ?? 0
            }
            return total >= centres * National.candidatsParCentre
        }
    }
}

extension Session {
    /// Every académie's services faits as Imag'In prices them, examiners only (what `chaos` checks).
    func servicesFaits() async throws -> [Components.Schemas.ServiceFait] {
        var result: [Components.Schemas.ServiceFait] = []
        for a in codesAcademies {
            result += (try await gestionnaire(a).listerServicesFaits(path: .init(annee: annee)).ok.body.json.items ?? [])
                .filter { $0.login?.hasPrefix("ex.") ?? false }
        }
        return result
    }
}

/// Hands out start times `1 / perSecond` apart to whichever examiner asks next.
actor Cadence {
    let perSecond: Double
    private var slot = ContinuousClock.now
    init(perSecond: Double) { self.perSecond = perSecond }

    func next() async {
        let now = ContinuousClock.now
        // A late examiner starts now: the pace is not made up in bursts.
        slot = max(slot, now) + .nanoseconds(Int64(1e9 / perSecond))
        let mine = slot
        try? await Task.sleep(until: mine, clock: .continuous)
    }
}

/// Latencies and lots gathered by concurrent tasks.
actor Recorder {
    /// Every grading request: its kind, when it started (s since the recorder's creation), how long it took (ms).
    var requetes: [(kind: String, debut: Double, ms: Double)] = []
    let origine = ContinuousClock.now
    static let enregistrement = "enregistrement"

    /// The saves' durations, in seconds.
    var durations: [Double] { requetes.filter { $0.kind == Self.enregistrement }.map { $0.ms / 1000 } }

    nonisolated func chrono<T>(_ kind: String, _ body: () async throws -> T) async throws -> T {
        let debut = ContinuousClock.now
        let result = try await body()
        await note(kind, debut, ContinuousClock.now)
        return result
    }

    func note(_ kind: String, _ debut: ContinuousClock.Instant, _ fin: ContinuousClock.Instant) {
        requetes.append((kind, Session.seconds(debut - origine), Session.seconds(fin - debut) * 1000))
    }

    struct Lot: Sendable { var centre: Int; var k: Int; var groupe: String }
    actor Lots {
        var items: [Lot] = []
        func add(_ lot: Lot) { items.append(lot) }
    }
}

/// An id of the API (a string there) as the databases' checks compare it.
func uuid(_ id: String) throws -> UUID {
    guard let uuid = UUID(uuidString: id) else { throw ValidationError("not a UUID: \(id)") }
    return uuid
}

/// Each process's CPU seconds at one moment (utime, stime and its reaped children's cutime, cstime),
/// under the name of its group (a service, PostgreSQL, RabbitMQ, the bench), with its parent.
struct CPUReading {
    /// A pid and its start time: a pid the kernel gives again is another process.
    struct Key: Hashable { var pid: Int; var start: Int }
    struct Sample { var group: String; var parent: Int; var seconds: Double }
    var processes: [Key: Sample] = [:]

    init(runDir: String) {
        var groups: [String: String] = [String(getpid()): "ece-bench"]
        for name in ["Gateway", "Inscriptions", "Missions", "Referentiel", "Correction"] {
            if let pid = try? String(contentsOfFile: "\(runDir)/\(name).pid", encoding: .utf8) {
                groups[pid.trimmingCharacters(in: .whitespacesAndNewlines)] = name
            }
        }
        for pid in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where pid.allSatisfy(\.isNumber) {
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            if comm == "postgres" { groups[pid] = "PostgreSQL" }
            if comm == "beam.smp" { groups[pid] = "RabbitMQ" }
        }
        for (pid, group) in groups {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            // After the command name: the parent is field 4 (index 1); utime, stime, cutime, cstime
            // fields 14 to 17 (11 to 14); the start time field 22 (19).
            guard fields.count > 19, let id = Int(pid), let parent = Int(fields[1]), let start = Int(fields[19]) else { continue }
            processes[Key(pid: id, start: start)] = Sample(
                group: group, parent: parent, seconds: fields[11...14].reduce(0) { $0 + (Double($1) ?? 0) } / 100)
        }
    }

    /// Each group's CPU seconds since `earlier`, process by process. One that started since counts
    /// whole. One that ended counts only if its parent is read: its whole life then lands in the
    /// parent's cutime (the postmaster's backends and autovacuum workers), so what it had used
    /// before `earlier` is taken off. Otherwise (a service or a broker node killed by the chaos
    /// tests) its last seconds are lost: subtracting its whole life made a phase's sum negative.
    func since(_ earlier: CPUReading) -> [String: Double] {
        var result: [String: Double] = [:]
        for (key, process) in processes { result[process.group, default: 0] += process.seconds - (earlier.processes[key]?.seconds ?? 0) }
        let alive = Set(processes.keys.map(\.pid))
        for (key, process) in earlier.processes where processes[key] == nil && alive.contains(process.parent) {
            result[process.group, default: 0] -= process.seconds
        }
        return result
    }
}
