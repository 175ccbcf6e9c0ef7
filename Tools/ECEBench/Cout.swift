import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Shared

/// `ece-bench cout`: what one request costs each process, in CPU read from `/proc` before and after
/// a burst of the same request — the gateway, Correction, PostgreSQL (the sum of its processes:
/// noisier, a backend starting in the window brings its whole life, one ending takes its own away),
/// RabbitMQ and the other services.
/// Run on the database of an `ece-bench national` run with the services started on it again (the
/// examiners it names are that run's), e.g. to cost an examiner's lot list in a wave: a new token,
/// `GET /api/correction/mes-lots`. The bench's own CPU is not counted; its tokens are signed before
/// the burst.
struct Cout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cout", abstract: "CPU per request of each process, after a national run (scripts/bench-national.sh).")

    enum Requete: String, ExpressibleByArgument, CaseIterable {
        /// The gateway's `/health`: no token, no hop.
        case sante
        /// A lot list for a login with no lot, a new token each time: the fixed cost of a proxied request.
        case lotsVide = "lots-vide"
        /// An examiner's lot list with a token already seen (remembered by the gateway and Correction).
        case lotsJetonVu = "lots-jeton-vu"
        /// An examiner's lot list with a new token each time (the national bench's waves).
        case lots
    }

    @Argument(help: "The request: \(Requete.allCases.map(\.rawValue).joined(separator: ", ")).") var requete: Requete
    @Option(help: "The national run's scale (its examiners are the ones asking).") var scale = 0.1
    @Option(help: "Requests in the measured burst.") var requetes = 4000
    @Option(help: "Requests in flight at once (one kept-alive connection each).") var paralleles = 8
    @Option(help: "The gateway.") var gateway = "http://127.0.0.1:8080"
    @Option(help: "Private key that signs the examiners' tokens.") var keyFile = "var/keys/jwt-private.pem"
    @Option(help: "Where scripts/services.sh keeps the services' pids.") var runDir = "var/run"

    func validate() throws {
        guard requetes > 0, paralleles > 0 else { throw ValidationError("--requetes and --paralleles must be positive") }
    }

    func run() async throws {
        var logger = Logger(label: "ece.bench")
        logger.logLevel = .warning
        let centres = National.centres(scale: scale)
        let session = try await National.session(centres: centres, concurrence: paralleles, gateway: gateway, keyFile: keyFile,
                                                 database: "", runDir: runDir, logger: logger)
        let examinateurs = (0..<centres).flatMap { c in (1...National.examinateursParCentre).map { session.identite(c, $0) } }
        let http = session.passerelle.http
        do {
            try await mesurer(session, examinateurs)
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    private func mesurer(_ session: Session, _ examinateurs: [Identity]) async throws {
        let chemin = requete == .sante ? "/health" : "/api/correction/mes-lots"
        // Every token signed before the burst; a seen token is sent once first, so both services remember it.
        let jetons: [String?]
        switch requete {
        case .sante:
            jetons = Array(repeating: nil, count: requetes)
        case .lotsVide:
            jetons = try await signes((0..<requetes).map { i in
                Identity(userId: UUID(), login: "ex.sans-lot.\(i)", role: .examinateur, scope: .academie("01"))
            }, session.signer)
        case .lots:
            jetons = try await signes((0..<requetes).map { examinateurs[$0 % examinateurs.count] }, session.signer)
        case .lotsJetonVu:
            let vus = try await signes(examinateurs, session.signer)
            try await rafale(vus, chemin: chemin, session: session)
            jetons = (0..<requetes).map { vus[$0 % vus.count] }
        }
        // A warm-up with tokens of its own, so the connections (to the gateway, to Correction) are open.
        let echauffement = requete == .sante ? Array(repeating: nil, count: 200) : try await signes((0..<200).map { i in
            Identity(userId: UUID(), login: "ex.echauffement.\(i)", role: .examinateur, scope: .academie("01"))
        }, session.signer)
        try await rafale(echauffement, chemin: chemin, session: session)

        let avant = CPUReading(runDir: runDir)
        let debut = ContinuousClock.now
        try await rafale(jetons, chemin: chemin, session: session)
        let duree = Session.seconds(ContinuousClock.now - debut)
        let apres = CPUReading(runDir: runDir)

        print(String(format: "ece-bench cout %@: %d requests, %d at once, %.0f /s", requete.rawValue, requetes, paralleles,
                     Double(requetes) / duree))
        print("CPU per request (ms): " + apres.since(avant).filter { $0.key != "ece-bench" }.sorted { $0.key < $1.key }.map {
            String(format: "%@ %.3f", $0.key, 1000 * $0.value / Double(requetes))
        }.joined(separator: ", "))
    }

    private func signes(_ identites: [Identity], _ signer: TokenSigner) async throws -> [String?] {
        var jetons: [String?] = []
        jetons.reserveCapacity(identites.count)
        for identite in identites { jetons.append(try await signer.sign(identite)) }
        return jetons
    }

    private func rafale(_ jetons: [String?], chemin: String, session: Session) async throws {
        let http = session.passerelle.http, suivant = Compteur()
        let url = session.passerelle.serveur() + chemin
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<paralleles {
                group.addTask {
                    while case let i = suivant.prendre(), i < jetons.count {
                        var request = HTTPClientRequest(url: url)
                        if let jeton = jetons[i] { request.headers.add(name: "Authorization", value: "Bearer \(jeton)") }
                        let response = try await http.execute(request, timeout: .seconds(30))
                        let body = try await response.body.collect(upTo: 1 << 22)
                        guard response.status.code == 200 else {
                            throw ValidationError("\(chemin): \(response.status) \(String(buffer: body).prefix(300))")
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
    }

    /// The next request's index, shared by the requests in flight.
    private final class Compteur: @unchecked Sendable {
        private let lock = NSLock()
        private var n = 0
        func prendre() -> Int { lock.withLock { defer { n += 1 }; return n } }
    }
}
