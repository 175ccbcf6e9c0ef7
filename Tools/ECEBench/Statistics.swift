import ArgumentParser
import AsyncHTTPClient
import ECEAPI
import ECEAPIClient
import Foundation
import JWTKit
import Logging
import PostgresNIO
import Shared

/// `ece-bench stats`: the follow-up and statistics requests through the gateway on a national
/// session (240,000 graded sheets by default, in Correction's own schema under session 2098),
/// against the bare aggregate over the same sheets in PostgreSQL, measured in the same run.
struct Statistics: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "stats",
                                                    abstract: "Statistics and follow-up at national scale vs a bare SQL aggregate (platform running).")

    @Option(help: "Graded sheets in the national session.") var sheets = 240_000
    @Option(help: "Requests per measured endpoint.") var requests = 30
    @Option(help: "The gateway.") var gateway = "http://127.0.0.1:8080"
    @Option(help: "Private key that signs the bench's tokens.") var keyFile = "var/keys/jwt-private.pem"
    @Option(help: "Correction's database (its own role).") var database = "postgres://correction:correction@127.0.0.1:5433/ece"

    static let session = 2098

    func run() async throws {
        var logger = Logger(label: "ece.bench")
        logger.logLevel = .warning
        try await withPostgresClient(try DatabaseConfiguration.client(url: database), logger: logger) { client in
            print("ece-bench stats: \(sheets) graded sheets, \(ProcessInfo.processInfo.activeProcessorCount) cores")
            let seeded = Date()
            try await seed(client, logger: logger)
            print(String(format: "national session seeded in %.1f s", Date().timeIntervalSince(seeded)))

            // Baseline: the bare aggregate over the physique-chimie sheets, no joins, no JSON.
            let baseline = try await measure(requests) {
                _ = try await client.query("""
                    SELECT count(*), avg(note_finale) FROM correction.fiches WHERE session = \(Self.session) AND epreuve = 'T011B'
                    """, logger: logger).collect()
            }
            print(baseline.line("baseline SQL count+avg (T011B)"))

            let signer = await TokenSigner(privateKey: try EdDSA.PrivateKey(pem: try String(contentsOfFile: keyFile, encoding: .utf8)))
            let dsii = try await signer.sign(Identity(userId: UUID(), login: "bench.dsii", role: .dsii, scope: .national))
            let gestionnaire = try await signer.sign(Identity(userId: UUID(), login: "bench.gest", role: .gestionnaire, scope: .academie("B01")))
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let passerelle = try Passerelle(gateway, http: http)
            let (annee, epreuve) = (Self.session, "T011B")
            // Each request read and decoded by the generated client, as a page of the platform would.
            let statistiques = { (api: Client) in _ = try await api.lireStatistiques(path: .init(annee: annee, epreuve: epreuve)).ok.body.json }
            let suivi = { (api: Client) in _ = try await api.lireSuivi(path: .init(annee: annee)).ok.body.json }
            let cases: [(String, (Client) async throws -> Void, String)] = [
                ("statistics T011B, national", statistiques, dsii),
                ("statistics T011B, one académie", statistiques, gestionnaire),
                ("follow-up, national", suivi, dsii),
                ("follow-up, one académie", suivi, gestionnaire),
            ]
            for (name, call, token) in cases {
                let api = passerelle.client(token)
                let m = try await measure(requests) { try await call(api) }
                print(m.line(name) + String(format: "   ratio p50 to baseline: %.1f×", m.p50 / baseline.p50))
            }
            try await http.shutdown()
        }
    }

    struct Timing {
        var p50: Double
        var p99: Double
        func line(_ name: String) -> String { String(format: "%-34@ p50 %7.1f ms  p99 %7.1f ms", name as NSString, p50 * 1000, p99 * 1000) }
    }

    private func measure(_ n: Int, _ body: () async throws -> Void) async throws -> Timing {
        try await body()  // warm-up
        var durations: [Double] = []
        for _ in 0..<n {
            let start = ContinuousClock.now
            try await body()
            let d = ContinuousClock.now - start
            durations.append(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
        }
        durations.sort()
        return Timing(p50: durations[durations.count / 2], p99: durations[min(durations.count - 1, durations.count * 99 / 100)])
    }

    /// 30 académies × 100 centres; the five exams in national proportions; 80 subjects per exam;
    /// every sheet graded with its levels. Replaces any earlier bench session.
    private func seed(_ client: PostgresClient, logger: Logger) async throws {
        let s = Self.session
        try await client.withTransaction(logger: logger) { c in
            // The audit is append-only: the bench never writes there.
            for table in ["evaluations", "fiches", "groupes", "creneaux", "publications", "commissions"] {
                try await c.query(PostgresQuery(unsafeSQL: "DELETE FROM correction.\(table) WHERE session = \(s)"), logger: logger)
            }
            try await c.query("DELETE FROM correction.sujets WHERE session = \(s)", logger: logger)
            try await c.query("""
                INSERT INTO correction.commissions (session, epreuve, centre, academie, etat)
                SELECT \(s), e, 'C' || lpad(i::text, 5, '0'), 'B' || lpad((i % 30)::text, 2, '0'), 'ouverte'
                FROM generate_series(1, 3000) i, unnest(ARRAY['T011B', 'T012B', 'T010B', 'T029B', 'T030B']) e
                """, logger: logger)
            try await c.query("""
                INSERT INTO correction.sujets (id, session, epreuve, code, titre, dominante, bareme_version, bareme, document, visible_from)
                SELECT gen_random_uuid(), \(s), e, e || '-' || k, 'Sujet ' || k, CASE WHEN k % 2 = 0 THEN 'physique' ELSE 'chimie' END, 1,
                       '{"criteres":[]}'::jsonb, '{}'::jsonb, now()
                FROM generate_series(1, 80) k, unnest(ARRAY['T011B', 'T012B', 'T010B', 'T029B', 'T030B']) e
                """, logger: logger)
            // Half of the sheets physique-chimie, then SVT, NSI, the STL pair.
            try await c.query("""
                WITH n AS (SELECT i, CASE WHEN i % 24 < 12 THEN 'T011B' WHEN i % 24 < 21 THEN 'T012B' WHEN i % 24 < 23 THEN 'T010B'
                                          WHEN i % 2 = 0 THEN 'T029B' ELSE 'T030B' END AS e FROM generate_series(1, \(sheets)) i)
                INSERT INTO correction.fiches (id, session, epreuve, candidat_id, centre, numero, nom, prenoms, categorie, publication_id,
                    statut, note_finale, note_suggeree, sujet_id, examinateur_id)
                SELECT gen_random_uuid(), \(s), n.e, gen_random_uuid(), 'C' || lpad((1 + i % 3000)::text, 5, '0'), 'N' || i, 'Nom', 'P',
                       'scolaire', '00000000-0000-0000-0000-000000000000', 'notee', (i * 7919) % 41, (i * 7919) % 41,
                       (SELECT id FROM correction.sujets su WHERE su.session = \(s) AND su.epreuve = n.e AND su.code = n.e || '-' || (1 + i % 80)),
                       gen_random_uuid()
                FROM n
                """, logger: logger)
            try await c.query("""
                INSERT INTO correction.evaluations (fiche_id, session, epreuve, sujet_id, critere, niveau)
                SELECT f.id, f.session, f.epreuve, f.sujet_id, k, (ARRAY['A', 'B', 'C', 'D'])[1 + (abs(hashtext(f.numero || k)) % 4)]
                FROM correction.fiches f, unnest(ARRAY['APP', 'ANA', 'REA', 'VAL', 'COM']) k
                WHERE f.session = \(s) AND f.epreuve IN ('T011B', 'T012B')
                """, logger: logger)
        }
        try await client.query("ANALYZE correction.fiches", logger: logger)
        try await client.query("ANALYZE correction.evaluations", logger: logger)
    }
}
