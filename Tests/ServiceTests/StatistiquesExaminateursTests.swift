import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Shared
import Testing
import TestSupport
@testable import Correction
@testable import Gateway

/// Issue 22 item 1, the examiners' statistics: a commission where one examiner gives A to everyone
/// and the others vary; the lenient one is flagged, the others not, nobody below the minimum sample;
/// each caller sees their perimeter only, and an examiner sees the others' mean, never who they are.
///
/// The graded sheets are written as grading leaves them (status, final mark, grader, levels) in a
/// session of their own: the national reference is then exactly these sheets. Grading through the
/// editor is CorrectionTests' and the browser road map's.
@Suite(.serialized) struct StatistiquesExaminateursTests {
    /// Sessions no other test uses: the rows of earlier runs are replaced.
    static let session = 2061, petite = 2062, deux = 2063, seul = 2064, parSujet = 2065
    static let (c03, c06) = ("9990301A", "9990601B")

    struct Examinateur { var login: String; var nom: String; var academie: String; var centre: String; var notes: [Int]; var niveau: String? }

    /// Half points out of 40. "L" gives A everywhere; the others spread around 10/20; F1 is in another académie.
    static func examinateurs(_ p: String) -> [Examinateur] {
        [Examinateur(login: "\(p).l", nom: "Indulgent", academie: "03", centre: c03, notes: [36, 38, 36, 40, 36, 38, 36, 38], niveau: "A"),
         Examinateur(login: "\(p).e1", nom: "Varie-Un", academie: "03", centre: c03, notes: [14, 20, 26, 18, 22, 12, 28, 20], niveau: nil),
         Examinateur(login: "\(p).e2", nom: "Varie-Deux", academie: "03", centre: c03, notes: [16, 24, 18, 22, 10, 30, 20, 20], niveau: nil),
         Examinateur(login: "\(p).e3", nom: "Varie-Trois", academie: "03", centre: c03, notes: [12, 22, 26, 16, 24, 18, 20, 22], niveau: nil),
         Examinateur(login: "\(p).f1", nom: "Ailleurs", academie: "06", centre: c06, notes: [20, 14, 26, 18, 24, 16, 22, 20], niveau: nil)]
    }

    /// The session's commissions, two subjects, one lot per examiner, the coordinators' convocations,
    /// and every examiner's first `copies` sheets graded (alternating subjects).
    /// `unSujet`: the examiners (by login) who grade only that subject (0 or 1), the others both in turn.
    static func seed(session: Int, copies: Int, _ p: String, seulement: Set<String>? = nil, unSujet: [String: Int] = [:]) async throws {
        try await withServiceDatabase(HealthTests.configuration("correction", 8084), migrations: correctionMigrations) { client, schema, logger in
            let s = schema.name
            let others = try await client.query("""
                SELECT 1 FROM \(unescaped: s).commissions WHERE session = \(session) AND centre NOT IN (\(c03), \(c06))
                """, logger: logger).collect()
            precondition(others.isEmpty, "session \(session) is used by something else")
            for table in ["fiches", "groupes", "examinateurs", "sujets", "commissions"] {
                try await client.query("DELETE FROM \(unescaped: s).\(unescaped: table) WHERE session = \(session)", logger: logger)
            }
            for (centre, academie) in [(c03, "03"), (c06, "06")] {
                try await client.query("""
                    INSERT INTO \(unescaped: s).commissions (session, epreuve, centre, academie) VALUES (\(session), 'T011B', \(centre), \(academie))
                    """, logger: logger)
            }
            let sujets = [UUID(), UUID()]
            for (i, id) in sujets.enumerated() {
                try await client.query("""
                    INSERT INTO \(unescaped: s).sujets (id, session, epreuve, code, titre, bareme_version, bareme, document, visible_from)
                    VALUES (\(id), \(session), 'T011B', \("STX-\(i)"), 'Situation', 1, '{}', '{}', now())
                    """, logger: logger)
            }
            // The coordinators: physique-chimie in 03 and in 06, NSI in 03.
            for (login, academie, epreuve) in [("\(p).coord03", "03", "T011B"), ("\(p).coord06", "06", "T011B"), ("\(p).nsi03", "03", "T012B")] {
                try await client.query("""
                    INSERT INTO \(unescaped: s).examinateurs (convocation_id, mission_id, intervenant_id, login, nom, prenom, kind, session, academie, epreuve)
                    VALUES (\(UUID()), \(UUID()), \(UUID()), \(login), 'Coord', 'Test', 'coordinateur', \(session), \(academie), \(epreuve))
                    """, logger: logger)
            }
            let niveaux = ["A", "B", "C", "D"]
            for e in examinateurs(p) where seulement?.contains(e.login) ?? true {
                let intervenant = UUID(), lot = UUID()
                try await client.query("""
                    INSERT INTO \(unescaped: s).examinateurs (convocation_id, mission_id, intervenant_id, login, nom, prenom, kind, session, academie, epreuve, centre)
                    VALUES (\(UUID()), \(UUID()), \(intervenant), \(e.login), \(e.nom), 'Test', 'examinateur', \(session), \(e.academie), 'T011B', \(e.centre))
                    """, logger: logger)
                try await client.query("""
                    INSERT INTO \(unescaped: s).groupes (id, session, epreuve, centre, nom, membres)
                    VALUES (\(lot), \(session), 'T011B', \(e.centre), \("Salle \(e.nom)"), \([intervenant]))
                    """, logger: logger)
                for (i, note) in e.notes.prefix(copies).enumerated() {
                    let fiche = UUID(), sujet = sujets[unSujet[e.login] ?? i % 2]
                    try await client.query("""
                        INSERT INTO \(unescaped: s).fiches (id, session, epreuve, candidat_id, centre, numero, nom, prenoms, categorie, publication_id,
                                                            groupe_id, sujet_id, statut, note_finale, examinateur_id)
                        VALUES (\(fiche), \(session), 'T011B', \(UUID()), \(e.centre), \("\(e.login)-\(i)"), 'Candidat', 'Test', 'scolaire', \(UUID()),
                                \(lot), \(sujet), 'notee', \(note), \(intervenant))
                        """, logger: logger)
                    for (j, critere) in ["APP", "REA", "VAL"].enumerated() {
                        try await client.query("""
                            INSERT INTO \(unescaped: s).evaluations (fiche_id, session, epreuve, sujet_id, critere, niveau)
                            VALUES (\(fiche), \(session), 'T011B', \(sujet), \(critere), \(e.niveau ?? niveaux[(i + j) % 4]))
                            """, logger: logger)
                    }
                }
            }
        }
    }

    /// Correction behind the gateway.
    static func withPlatform(_ test: @Sendable @escaping (CorrectionTests.Harness) async throws -> Void) async throws {
        let correction = try await Correction.buildApplication(HealthTests.configuration("correction", 8084))
        try await correction.test(.live) { santorin in
            let gateway = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080, [
                "CORRECTION_URL": "http://127.0.0.1:\(santorin.port!)"]))
            try await gateway.test(.live) { client in try await test(CorrectionTests.Harness(client: client)) }
        }
    }

    struct Reponse: Decodable {
        var methode: String; var effectifMinimum: Int; var examinateurs: [Ligne]; var lots: [Ligne]
        struct Ligne: Decodable { var id: UUID; var nom: String; var centre: String?; var mesure: Mesure }
    }
    struct Mesure: Decodable {
        var effectif: Int; var moyenne: Double?; var ecartType: Double?; var niveaux: [String: [String: Int]]
        var academie: Reference; var national: Reference; var z: Double?; var indicateur: String
    }
    struct Reference: Decodable { var copies: Int; var moyenne: Double?; var ecart: Double? }
    struct Mes: Decodable { var comparaisons: [String: Mesure]; var methode: String }

    static func coordinateur(_ login: String, _ academie: String) -> Identity {
        Identity(userId: UUID(), login: login, role: .coordinateur, scope: .academie(academie))
    }

    @Test func theLenientExaminerIsFlaggedOthersNotEachInTheirPerimeter() async throws {
        let p = "sx\(UUID().uuidString.prefix(6).lowercased())"
        try await Self.seed(session: Self.session, copies: 8, p)
        let uri = "/api/correction/sessions/\(Self.session)/epreuves/T011B/statistiques/examinateurs"
        try await Self.withPlatform { h in
            // The coordinator of the académie's physique-chimie: its four examiners, named.
            let vue = try await h.decode(Reponse.self, .get, uri, as: Self.coordinateur("\(p).coord03", "03"))
            let parNom = Dictionary(uniqueKeysWithValues: vue.examinateurs.map { ($0.nom, $0.mesure) })
            #expect(Set(parNom.keys) == ["Indulgent Test (\(p).l)", "Varie-Un Test (\(p).e1)", "Varie-Deux Test (\(p).e2)", "Varie-Trois Test (\(p).e3)"],
                    "\(parNom.keys)")
            let indulgent = try #require(parNom["Indulgent Test (\(p).l)"])
            #expect(indulgent.indicateur == "indulgent" && (indulgent.z ?? 0) >= 3, "\(indulgent)")
            #expect(indulgent.effectif == 8 && indulgent.moyenne == 18.625)
            #expect(indulgent.niveaux["REA"] == ["A": 8], "the distribution of levels per criterion: \(indulgent.niveaux)")
            // Its reference is the others' sheets only: the académie's three colleagues (24), the country's four (32).
            #expect(indulgent.academie.copies == 8 && abs((indulgent.academie.moyenne ?? 0) - 10) < 0.01, "\(indulgent.academie)")
            #expect(abs((indulgent.national.moyenne ?? 0) - 10) < 0.01 && (indulgent.national.ecart ?? 0) > 8, "\(indulgent.national)")
            for (nom, mesure) in parNom where nom != "Indulgent Test (\(p).l)" {
                #expect(mesure.indicateur == "dans_la_norme", "\(nom): \(mesure)")
                #expect(mesure.niveaux.values.allSatisfy { $0.values.reduce(0, +) == 8 }, "\(nom): \(mesure.niveaux)")
            }
            // The lots, named by their group, flagged alike.
            #expect(vue.lots.count == 4 && vue.lots.allSatisfy { $0.centre == Self.c03 })
            #expect(vue.lots.first { $0.nom == "Salle Indulgent" }?.mesure.indicateur == "indulgent")
            #expect(vue.methode.contains("z ≥ 3") && vue.effectifMinimum == 8)

            // The same académie's gestionnaire and the centre see the same four; the nation all five.
            let gestionnaire = Identity(userId: UUID(), login: "gest.03", role: .gestionnaire, scope: .academie("03"))
            #expect(try await h.decode(Reponse.self, .get, uri, as: gestionnaire).examinateurs.count == 4)
            let centre = Identity(userId: UUID(), login: "centre.\(Self.c03)", role: .centre, scope: .etablissement(Self.c03))
            #expect(try await h.decode(Reponse.self, .get, uri, as: centre).examinateurs.count == 4)
            let dsii = Identity(userId: UUID(), login: "dsii", role: .dsii, scope: .national)
            #expect(try await h.decode(Reponse.self, .get, uri, as: dsii).examinateurs.count == 5)

            // Another académie's coordinator of the same exam: their own examiner only, nothing of 03's.
            let ailleurs = try await h.call(.get, uri, as: Self.coordinateur("\(p).coord06", "06"))
            #expect(ailleurs.status == .ok)
            let texte = String(buffer: ailleurs.body)
            #expect(texte.contains("Ailleurs") && !texte.contains("Indulgent") && !texte.contains("Varie"), "\(texte)")
            // The académie's NSI coordinator: not their exam (refused, as the exam's other statistics).
            #expect(try await h.call(.get, uri, as: Self.coordinateur("\(p).nsi03", "03")).status == .forbidden)
            // A coordinator with no convocation, an examiner: refused.
            #expect(try await h.call(.get, uri, as: Self.coordinateur("\(p).personne", "03")).status == .forbidden)

            // The examiner's own view: their figures and the others' anonymous mean; no other name, id or lot.
            let varie = Identity(userId: UUID(), login: "\(p).e1", role: .examinateur, scope: .academie("03"))
            #expect(try await h.call(.get, uri, as: varie).status == .forbidden)
            let mien = try await h.call(.get, "/api/correction/sessions/\(Self.session)/mes-statistiques", as: varie)
            #expect(mien.status == .ok)
            let mes = try JSONDecoder().decode(Mes.self, from: mien.body)
            let t011b = try #require(mes.comparaisons["T011B"])
            #expect(t011b.effectif == 8 && t011b.indicateur == "dans_la_norme" && t011b.national.copies == 8 && t011b.national.moyenne != nil)
            let corps = String(buffer: mien.body)
            for autre in vue.examinateurs.filter({ !$0.nom.hasPrefix("Varie-Un") }) + vue.lots.filter({ $0.nom != "Salle Varie-Un" }) {
                #expect(!corps.contains(autre.nom) && !corps.lowercased().contains(autre.id.uuidString.lowercased()), "\(autre.nom) in \(corps)")
            }
            let indulgentVu = try await h.decode(Mes.self, .get, "/api/correction/sessions/\(Self.session)/mes-statistiques",
                                                 as: Identity(userId: UUID(), login: "\(p).l", role: .examinateur, scope: .academie("03")))
            #expect(indulgentVu.comparaisons["T011B"]?.indicateur == "indulgent")
        }
    }

    @Test func belowTheMinimumSampleNobodyIsFlagged() async throws {
        let p = "sy\(UUID().uuidString.prefix(6).lowercased())"
        try await Self.seed(session: Self.petite, copies: Severite.effectifMinimum - 1, p)
        try await Self.withPlatform { h in
            let vue = try await h.decode(Reponse.self, .get, "/api/correction/sessions/\(Self.petite)/epreuves/T011B/statistiques/examinateurs",
                                         as: Self.coordinateur("\(p).coord03", "03"))
            #expect(vue.examinateurs.count == 4)
            for ligne in vue.examinateurs + vue.lots {
                #expect(ligne.mesure.indicateur == "echantillon_insuffisant" && ligne.mesure.z == nil, "\(ligne.nom): \(ligne.mesure)")
            }
            // The gap is still there to read: only the flag waits for the sample.
            #expect((vue.examinateurs.first { $0.nom.hasPrefix("Indulgent") }?.mesure.national.ecart ?? 0) > 8)
        }
    }

    /// The security review's F3: with one colleague on the same subjects, the "anonymous" mean is
    /// theirs. A reference is shown over two other examiners at least, else withheld with the reason.
    @Test func anExaminersAnonymousMeanIsOverTwoOtherExaminersAtLeast() async throws {
        let p = "sz\(UUID().uuidString.prefix(6).lowercased())"
        // 2063: e1 and e2 in 03, f1 in 06 (the same subjects). 2064: e1 and f1 only.
        try await Self.seed(session: Self.deux, copies: 8, p, seulement: ["\(p).e1", "\(p).e2", "\(p).f1"])
        try await Self.seed(session: Self.seul, copies: 8, p, seulement: ["\(p).e1", "\(p).f1"])
        try await Self.seed(session: Self.parSujet, copies: 8, p, seulement: ["\(p).e1", "\(p).e2", "\(p).f1"],
                            unSujet: ["\(p).e2": 0, "\(p).f1": 1])
        struct Mes: Decodable { var comparaisons: [String: Mesure]; var masquees: [String: String]; var autresMinimum: Int }
        let e1 = Identity(userId: UUID(), login: "\(p).e1", role: .examinateur, scope: .academie("03"))
        let f1 = Identity(userId: UUID(), login: "\(p).f1", role: .examinateur, scope: .academie("06"))
        try await Self.withPlatform { h in
            // Two others in the country (e2, f1), one in the académie (e2): the national mean only.
            let deux = try await h.decode(Mes.self, .get, "/api/correction/sessions/\(Self.deux)/mes-statistiques", as: e1)
            let t011b = try #require(deux.comparaisons["T011B"])
            #expect(deux.autresMinimum == 2)
            #expect(t011b.national.copies == 8 && t011b.national.moyenne == 10, "e2's and f1's 16 sheets: \(t011b.national)")
            #expect(t011b.academie.copies == 0 && t011b.academie.moyenne == nil && t011b.academie.ecart == nil, "e2's alone: \(t011b.academie)")
            #expect(t011b.indicateur == "dans_la_norme" && t011b.z == 0, "e1's gaps cancel out on the two subjects")
            #expect(deux.masquees["T011B"]?.contains("seule la moyenne nationale est montrée") == true, "\(deux.masquees)")
            // f1 in 06 has nobody in their académie, e1 and e2 in the country.
            let ailleurs = try await h.decode(Mes.self, .get, "/api/correction/sessions/\(Self.deux)/mes-statistiques", as: f1)
            #expect(ailleurs.comparaisons["T011B"]?.national.moyenne != nil && ailleurs.comparaisons["T011B"]?.academie.moyenne == nil)

            // One other in the country: neither mean, nor the gap, nor z (each would tell about f1).
            let seul = try await h.call(.get, "/api/correction/sessions/\(Self.seul)/mes-statistiques", as: e1)
            let vue = try JSONDecoder().decode(Mes.self, from: seul.body)
            let masquee = try #require(vue.comparaisons["T011B"])
            #expect(masquee.effectif == 8 && masquee.moyenne == 10, "their own figures stay")
            #expect(masquee.national.moyenne == nil && masquee.national.ecart == nil && masquee.national.copies == 0)
            #expect(masquee.academie.moyenne == nil && masquee.z == nil && masquee.indicateur == "echantillon_insuffisant")
            #expect(vue.masquees["T011B"] == "Moins de 2 autres examinateurs ont noté les mêmes sujets : leur moyenne "
                    + "désignerait un collègue, elle n'est donc pas montrée.")

            // Two others in all, but one per subject (e2 only the first, f1 only the second): each subject's
            // reference would be one colleague's (the review after F3), so none is shown.
            let parSujet = try await h.decode(Mes.self, .get, "/api/correction/sessions/\(Self.parSujet)/mes-statistiques", as: e1)
            let cache = try #require(parSujet.comparaisons["T011B"])
            #expect(cache.national.moyenne == nil && cache.academie.moyenne == nil && cache.z == nil, "\(cache)")
        }
    }

    @Test func theIndicatorsThresholds() {
        #expect(Severite.z(comparees: 7, ecart: 100, variance: 1) == nil)
        #expect(Severite.z(comparees: 8, ecart: 10, variance: 0) == nil, "no spread in the reference: no z")
        #expect(Severite(z: 3) == .indulgent && Severite(z: -3) == .severe && Severite(z: 2.9) == .dansLaNorme && Severite(z: nil) == .echantillonInsuffisant)
    }
}
