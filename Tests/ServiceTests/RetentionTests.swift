import Foundation
import Logging
import PostgresNIO
import Shared
import Testing
import TestSupport
@testable import Correction
@testable import Gateway
@testable import Inscriptions
@testable import Missions

/// `ece-ops retention` (issue 22 item 6) on sessions of long ago, counted from 1 September 1996:
/// 1990 is over everywhere (all expired), 1994 only for the one-year kinds but a re-marking is
/// pending in Santorin, and 1991 still has a commission open in Santorin, a clôture Cyclades and
/// Imag'In still await — nothing still needed moves.
@Suite(.serialized) struct RetentionTests {
    let logger = Logger(label: "test")
    /// A centre of its own per run: the commissions' and missions' keys stay unique when rerun.
    let centre = "9" + String(format: "%06d", Int.random(in: 0..<1_000_000)) + "R"
    let au = "1996-09-01"

    func with(_ service: String, _ body: (PostgresClient) async throws -> Void) async throws {
        try await withPostgresClient(try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL(service)),
                                     logger: logger, body)
    }

    func run(_ client: PostgresClient, _ statements: [String]) async throws {
        for sql in statements { try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
    }

    func count(_ client: PostgresClient, _ sql: String) async throws -> Int {
        try await client.query(PostgresQuery(unsafeSQL: "SELECT count(*)::int FROM (\(sql)) x"), logger: logger).collect()[0].decode(Int.self)
    }

    struct Etat: Equatable, CustomStringConvertible {
        var correction: [Int: [Int]] = [:]   // fiches, evaluations, groupes, audit, fils, messages, lectures, commissions
        var inscriptions: [Int: [Int]] = [:] // identified candidates, notes, history
        var missions: [Int: [Int]] = [:]     // avis, codes still there
        var courriels: [Int] = []            // missions' old sent, old pending; the gateway's
        var description: String { "correction \(correction) inscriptions \(inscriptions) missions \(missions) courriels \(courriels)" }
    }

    let sessions = [1990, 1991, 1994]

    func etat() async throws -> Etat {
        var etat = Etat()
        let c = centre
        try await with("correction") { db in
            for s in sessions {
                let k = "session = \(s) AND centre = '\(c)'"
                etat.correction[s] = [
                    try await count(db, "SELECT 1 FROM correction.fiches WHERE \(k)"),
                    try await count(db, "SELECT 1 FROM correction.evaluations e JOIN correction.fiches f ON f.id = e.fiche_id WHERE f.session = \(s) AND f.centre = '\(c)'"),
                    try await count(db, "SELECT 1 FROM correction.groupes WHERE \(k)"),
                    try await count(db, "SELECT 1 FROM correction.audit WHERE \(k)"),
                    try await count(db, "SELECT 1 FROM correction.fils WHERE \(k)"),
                    try await count(db, "SELECT 1 FROM correction.messages m JOIN correction.fils f ON f.id = m.fil_id WHERE f.session = \(s) AND f.centre = '\(c)'"),
                    try await count(db, "SELECT 1 FROM correction.lectures l JOIN correction.fils f ON f.id = l.fil_id WHERE f.session = \(s) AND f.centre = '\(c)'"),
                    try await count(db, "SELECT 1 FROM correction.commissions WHERE \(k)"),
                ]
            }
        }
        try await with("inscriptions") { db in
            for s in sessions {
                let k = "c.session = \(s) AND c.uai_origine = '\(c)'"
                etat.inscriptions[s] = [
                    try await count(db, "SELECT 1 FROM inscriptions.candidats c WHERE \(k) AND nom = 'Dupont' AND naissance = '1972-05-17'"),
                    try await count(db, "SELECT 1 FROM inscriptions.notes n JOIN inscriptions.candidats c ON c.id = n.candidat_id WHERE \(k)"),
                    try await count(db, "SELECT 1 FROM inscriptions.notes_historique n JOIN inscriptions.candidats c ON c.id = n.candidat_id WHERE \(k)"),
                ]
            }
        }
        try await with("missions") { db in
            for s in sessions {
                etat.missions[s] = [
                    try await count(db, "SELECT 1 FROM missions.avis_messages WHERE session = \(s) AND centre = '\(c)'"),
                    try await count(db, "SELECT 1 FROM missions.convocations v JOIN missions.missions m ON m.id = v.mission_id WHERE m.session = \(s) AND m.centre = '\(c)' AND v.code_activation <> ''"),
                ]
            }
            etat.courriels += [try await count(db, "SELECT 1 FROM missions.courriels WHERE destinataire = '\(c)@ac-test.fr' AND statut = 'envoye'"),
                               try await count(db, "SELECT 1 FROM missions.courriels WHERE destinataire = '\(c)@ac-test.fr' AND statut = 'en_attente'")]
        }
        try await with("gateway") { db in
            etat.courriels += [try await count(db, "SELECT 1 FROM gateway.courriels WHERE destinataire = '\(c)@ac-test.fr' AND statut = 'envoye'"),
                               try await count(db, "SELECT 1 FROM gateway.courriels WHERE destinataire = '\(c)@ac-test.fr' AND statut = 'en_attente'")]
        }
        return etat
    }

    /// One of everything per session, as the services would have left it.
    func sessionsDeJadis() async throws {
        let c = centre
        try await with("correction") { db in
            try await Migrator.migrate(db, schema: try SQLIdentifier("correction"), migrations: correctionMigrations, logger: logger)
            for s in sessions {
                let fiche = UUID(), fil = UUID()
                try await run(db, [
                    "INSERT INTO correction.commissions (session, epreuve, centre, academie, etat) VALUES (\(s), 'T011', '\(c)', 'R99', '\(s == 1991 ? "ouverte" : "close")')",
                    "INSERT INTO correction.groupes (id, session, epreuve, centre, nom, membres) VALUES ('\(UUID())', \(s), 'T011', '\(c)', 'Salle 1', '{}')",
                    """
                    INSERT INTO correction.fiches (id, session, epreuve, candidat_id, centre, numero, nom, prenoms, categorie, publication_id, statut, note_finale)
                    VALUES ('\(fiche)', \(s), 'T011', '\(UUID())', '\(c)', '0001', 'Dupont', 'Marie', 'scolaire', '\(UUID())', 'notee', 30)
                    """,
                    "INSERT INTO correction.evaluations (fiche_id, session, epreuve, sujet_id, critere, niveau) VALUES ('\(fiche)', \(s), 'T011', '\(UUID())', 'C1', 'A')",
                    "INSERT INTO correction.audit (acteur, acteur_login, action, session, epreuve, centre, fiche_id) VALUES ('\(UUID())', 'examinateur', 'fiche.notee', \(s), 'T011', '\(c)', '\(fiche)')",
                    "INSERT INTO correction.fils (id, session, epreuve, academie, centre, titre, cree_par) VALUES ('\(fil)', \(s), 'T011', 'R99', '\(c)', 'Matériel', 'centre')",
                    "INSERT INTO correction.messages (fil_id, auteur, role, texte) VALUES ('\(fil)', 'centre', 'centre', 'La paillasse 3 fuit.')",
                    "INSERT INTO correction.lectures (fil_id, lecteur, dernier_lu) VALUES ('\(fil)', 'examinateur', 1)",
                    // 1990's re-marking is done; 1994's, asked on appeal, is pending: its session stays whole.
                    """
                    INSERT INTO correction.recorrections (id, fiche_id, session, epreuve, centre, academie, motif, demandee_par, etat)
                    VALUES ('\(UUID())', '\(fiche)', \(s), 'T011', '\(c)', 'R99', 'recours', 'gestionnaire', '\(s == 1994 ? "ouverte" : "faite")')
                    """,
                ])
            }
        }
        try await with("inscriptions") { db in
            try await Migrator.migrate(db, schema: try SQLIdentifier("inscriptions"), migrations: inscriptionsMigrations, logger: logger)
            try await run(db, [
                "INSERT INTO inscriptions.academies (code, nom) VALUES ('R99', 'Rétention') ON CONFLICT DO NOTHING",
                "INSERT INTO inscriptions.etablissements (uai, nom, academie) VALUES ('\(c)', 'Lycée de jadis', 'R99')",
                "INSERT INTO inscriptions.centres (uai, capacite_demi_journee) VALUES ('\(c)', 10)",
            ] + sessions.map { "INSERT INTO inscriptions.sessions (annee) VALUES (\($0)) ON CONFLICT DO NOTHING" })
            for s in sessions {
                let candidat = UUID(), closure = UUID()
                try await run(db, [
                    """
                    INSERT INTO inscriptions.candidats (id, session, numero, nom, prenoms, naissance, categorie, uai_origine, academie, division, filiere)
                    VALUES ('\(candidat)', \(s), '\(c)-1', 'Dupont', 'Marie', '1972-05-17', 'scolaire', '\(c)', 'R99', 'T1', 'BCG')
                    """,
                    "INSERT INTO inscriptions.inscriptions (candidat_id, epreuve) VALUES ('\(candidat)', 'T011')",
                    "INSERT INTO inscriptions.affectations (candidat_id, epreuve, centre, par_role, par) VALUES ('\(candidat)', 'T011', '\(c)', 'gestionnaire', '\(UUID())')",
                    "INSERT INTO inscriptions.notes (candidat_id, epreuve, resultat, demi_points, closure_id, centre) VALUES ('\(candidat)', 'T011', 'note', 30, '\(closure)', '\(c)')",
                    """
                    INSERT INTO inscriptions.notes_historique (candidat_id, epreuve, resultat, demi_points, closure_id, received_at, replaced_by)
                    VALUES ('\(candidat)', 'T011', 'note', 28, '\(UUID())', now(), '\(closure)')
                    """,
                ] + (s == 1991 ? [] : ["INSERT INTO inscriptions.clotures (session, epreuve, centre, closure_version, closure_id) VALUES (\(s), 'T011', '\(c)', 1, '\(closure)')"]))
            }
        }
        try await with("missions") { db in
            try await Migrator.migrate(db, schema: try SQLIdentifier("missions"), migrations: missionsMigrations, logger: logger)
            let intervenant = UUID()
            try await run(db, [
                "INSERT INTO missions.intervenants (id, login, nom, prenom) VALUES ('\(intervenant)', 'jadis-\(c)', 'Curie', 'Pierre')",
                "INSERT INTO missions.courriels (id, destinataire, objet, corps, statut, cree_le) VALUES ('\(UUID())', '\(c)@ac-test.fr', 'Convocation', '…', 'envoye', '1990-05-01')",
                "INSERT INTO missions.courriels (id, destinataire, objet, corps, statut, cree_le) VALUES ('\(UUID())', '\(c)@ac-test.fr', 'Convocation', '…', 'en_attente', '1990-05-01')",
            ])
            for s in sessions {
                let mission = UUID()
                try await run(db, [
                    """
                    INSERT INTO missions.missions (id, session, academie, epreuve, kind, centre, type_mission, reglementation_version, date_debut, date_fin)
                    VALUES ('\(mission)', \(s), 'R99', 'T011', 'examinateur', '\(c)', 'ECE', 1, '\(s)-06-01', '\(s)-06-30')
                    """,
                    "INSERT INTO missions.convocations (id, mission_id, intervenant_id, code_activation, emise_par, autorite) VALUES ('\(UUID())', '\(mission)', '\(intervenant)', 'ABCD-EFGH', '\(UUID())', 'R99')",
                    "INSERT INTO missions.avis_messages (intervenant_id, session, epreuve, centre, fil_id, titre, auteur, role) VALUES ('\(intervenant)', \(s), 'T011', '\(c)', '\(UUID())', 'Matériel', 'centre', 'centre')",
                ] + (s == 1991 ? [] : ["INSERT INTO missions.clotures (session, epreuve, centre, closure_id, closure_le) VALUES (\(s), 'T011', '\(c)', '\(UUID())', now())"]))
            }
        }
        try await with("gateway") { db in
            try await Migrator.migrate(db, schema: try SQLIdentifier("gateway"), migrations: gatewayMigrations, logger: logger)
            try await run(db, [
                "INSERT INTO gateway.courriels (id, destinataire, objet, corps, statut, cree_le) VALUES ('\(UUID())', '\(c)@ac-test.fr', 'Mot de passe', '…', 'envoye', '1990-05-01')",
                "INSERT INTO gateway.courriels (id, destinataire, objet, corps, statut, cree_le) VALUES ('\(UUID())', '\(c)@ac-test.fr', 'Mot de passe', '…', 'en_attente', '1990-05-01')",
            ])
        }
    }

    var environment: [String: String] {
        Dictionary(uniqueKeysWithValues: ["correction", "inscriptions", "missions", "gateway", "referentiel"].map {
            ("\($0.uppercased())_DATABASE_URL", LocalInfrastructure.serviceDatabaseURL($0))
        })
    }

    func retention(_ arguments: [String]) async throws -> (Int32, String) {
        let ops = try ChildProcess.tool("ece-ops", ["retention", "--au", au] + arguments, environment: environment)
        return (await ops.waitForExit(), ops.text)
    }

    /// The rows column of `service`'s `table` line in the command's table.
    static func rows(_ output: String, _ service: String, _ table: String) -> Int? {
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            if let i = words.firstIndex(of: Substring(service)), words.count > i + 2, words[i + 1] == table { return Int(words[i + 2]) }
        }
        return nil
    }

    @Test func whatHasExpiredGoesAndNothingStillNeededMoves() async throws {
        try await sessionsDeJadis()
        let avant = try await etat()
        let tout = [1, 1, 1, 1, 1, 1, 1, 1]
        #expect(avant.correction == [1990: tout, 1991: tout, 1994: tout] && avant.courriels == [1, 1, 1, 1], "\(avant)")

        // The dry run: the counts of what would go, and nothing gone.
        let (essai, sortie) = try await retention([])
        #expect(essai == 0 && sortie.contains("Dry run"), "\(sortie)")
        #expect(try await etat() == avant, "a dry run changes nothing")
        #expect(Self.rows(sortie, "correction", "fiches") == 1 && Self.rows(sortie, "correction", "recorrections") == 1
                && Self.rows(sortie, "inscriptions", "candidats") == 1, "\(sortie)")
        #expect(sortie.contains("≤ 1995") && sortie.contains("≤ 1991"), "\(sortie)")

        let (code, apres) = try await retention(["--execute"])
        #expect(code == 0 && apres.contains("Done"), "\(apres)")
        let etat = try await etat()
        // Santorin: 1990 keeps only its commissions (their closure numbering); the session with a
        // commission still open and the one with a pending re-marking keep everything.
        #expect(etat.correction == [1990: [0, 0, 0, 0, 0, 0, 0, 1], 1991: tout, 1994: tout], "\(etat)")
        // Cyclades: 1990's candidate anonymised and its grades gone; 1994's kept five years; 1991's
        // exam × centre never got its clôture.
        #expect(etat.inscriptions == [1990: [0, 0, 0], 1991: [1, 1, 1], 1994: [1, 1, 1]], "\(etat)")
        // Imag'In: the notices go and the printed codes are wiped where every commission closed.
        #expect(etat.missions == [1990: [0, 0], 1991: [1, 1], 1994: [0, 0]], "\(etat)")
        // Sent mail goes; mail still waiting stays, however old.
        #expect(etat.courriels == [0, 1, 0, 1], "\(etat)")
        try await with("inscriptions") { db in
            let anonyme = try await count(db, """
                SELECT 1 FROM inscriptions.candidats WHERE session = 1990 AND uai_origine = '\(centre)' AND nom = 'anonyme'
                AND prenoms = '' AND division IS NULL AND naissance = '1972-01-01' AND numero LIKE 'anonyme-%'
                """)
            #expect(anonyme == 1)
        }

        // Run again: nothing left to do.
        let (encore, rien) = try await retention(["--execute"])
        let tables = Purge.toutes.map { ($0.service, $0.table) }
        #expect(encore == 0 && tables.allSatisfy { Self.rows(rien, $0.0, $0.1) == 0 }, "\(rien)")

        // Never from a day to come.
        let demain = try ChildProcess.tool("ece-ops", ["retention", "--execute", "--au", "2999-01-01"], environment: environment)
        #expect(await demain.waitForExit() != 0)
        #expect(try await self.etat() == etat)
    }

    /// The audit stays append-only for the service's own role: no row is ever rewritten, and none
    /// is deleted before its session's retention is over.
    @Test func theAuditIsDeletedOnlyOnceExpired() async throws {
        let courante = Calendar(identifier: .gregorian).component(.year, from: Date())
        try await with("correction") { db in
            try await Migrator.migrate(db, schema: try SQLIdentifier("correction"), migrations: correctionMigrations, logger: logger)
            try await run(db, [1990, courante].map {
                "INSERT INTO correction.audit (acteur, acteur_login, action, session, epreuve, centre) VALUES ('\(UUID())', 'examinateur', 'fiche.notee', \($0), 'T011', '\(centre)')"
            })
            for refused in ["UPDATE correction.audit SET motif = 'réécrit' WHERE session = 1990 AND centre = '\(centre)'",
                            "DELETE FROM correction.audit WHERE session = \(courante) AND centre = '\(centre)'"] {
                await #expect(throws: PSQLError.self, "\(refused)") { try await run(db, [refused]) }
            }
            try await run(db, ["DELETE FROM correction.audit WHERE session = 1990 AND centre = '\(centre)'"])
            #expect(try await count(db, "SELECT 1 FROM correction.audit WHERE centre = '\(centre)'") == 1)
        }
    }
}
