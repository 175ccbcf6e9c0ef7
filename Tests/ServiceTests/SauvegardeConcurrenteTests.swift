import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
import Shared
import Synchronization
import Testing
import TestSupport

/// A save and the locking of its lot at the same moment: whichever comes first, the other sees
/// it. A lot locked with a draft in it, or a locked lot's sheet changed, would send a wrong grade
/// to Cyclades. The races are held still by a lock the test takes on a table the first of the
/// two writes next (through its own connection), until the second waits too. A regraded sheet is
/// saved the locked way (a transaction, its read under lock); a sheet Correction just answered the
/// examiner, the direct way (no read: one statement that locks and checks the row is unchanged
/// and the save still allowed: `EnregistreGarde`).
@Suite(.serialized) struct SauvegardeConcurrenteTests {
    typealias R = RoadMapRuleTests
    static let logger = Logger(label: "sauvegarde-concurrente")

    /// The two writes go through an HTTP client of their own: the harness's holds one connection,
    /// on which the second request would wait for the first's answer.
    struct Course {
        var h: CorrectionTests.Harness
        var http: HTTPClient
        var c: R.Commission
        var fiche: UUID
        var version: Int
        var gateway: String { "http://127.0.0.1:\(h.client.port!)" }
        /// The examiner locks their lot.
        func verrouiller() async throws -> ReplicasTests.Answer {
            try await ReplicasTests.send(http, .POST, "\(gateway)/api/correction/groupes/\(c.groups[0])/verrouillage",
                                         token: try await TestKeys.token(c.examiners[0]))
        }
        /// The sheet saved as a draft by its examiner.
        func brouillon() async throws -> ReplicasTests.Answer {
            try await ReplicasTests.send(http, .PUT, "\(gateway)/api/correction/fiches/\(fiche)", json: #"{"version":\#(version),\#(R.grid)}"#,
                                         token: try await TestKeys.token(c.examiners[0]))
        }
        /// The sheet graded by its examiner.
        func note() async throws -> ReplicasTests.Answer {
            try await ReplicasTests.send(http, .PUT, "\(gateway)/api/correction/fiches/\(fiche)",
                                         json: #"{"version":\#(version),\#(R.grid),"finaliser":true}"#,
                                         token: try await TestKeys.token(c.examiners[0]))
        }
        /// The candidate's subject drawn by their examiner.
        func tirage() async throws -> ReplicasTests.Answer {
            try await ReplicasTests.send(http, .POST, "\(gateway)/api/correction/fiches/\(fiche)/tirage", json: #"{"version":\#(version)}"#,
                                         token: try await TestKeys.token(c.examiners[0]))
        }
        /// The subject the candidate drew on paper, recorded by their examiner.
        func choix(_ sujet: UUID) async throws -> ReplicasTests.Answer {
            try await ReplicasTests.send(http, .POST, "\(gateway)/api/correction/fiches/\(fiche)/sujet",
                                         json: #"{"version":\#(version),"sujetId":"\#(sujet)"}"#, token: try await TestKeys.token(c.examiners[0]))
        }
        /// The centre moves the sheet to the second group's lot.
        func deplacement() async throws -> ReplicasTests.Answer {
            try await ReplicasTests.send(http, .POST, "\(gateway)\(c.path)/distribution", json: R.move([fiche], to: c.groups[1]),
                                         token: try await TestKeys.token(c.centreId))
        }
    }

    static func kind(_ answer: ReplicasTests.Answer) -> String? {
        (try? JSONDecoder().decode(Problem.self, from: Data(answer.body.utf8)))?.type.split(separator: "/").last.map(String.init)
    }

    enum Ecriture { case sauvegarde, note, verrouillage, tirage, deplacement }
    /// How the lot's one sheet stands before the race (its `statut`): graded, its subject drawn and
    /// the candidate absent, or nothing done yet.
    enum Depart: String { case notee, absent, aNoter = "a_noter" }
    final class Fini: Sendable { let oui = Mutex(false) }

    /// One candidate in the examiner's lot (`depart`); `first` is held at its next write to `table`
    /// (a lock the test takes through a connection of its own), `second` starts once `first` waits
    /// and both go on once `second` waits too, behind `first` or the test's lock. `check` gets
    /// their answers.
    static func course(holding table: String, depart: Depart = .notee, examiners: Int = 1, _ first: Ecriture, then second: Ecriture,
                       _ check: @escaping @Sendable (Course, _ first: ReplicasTests.Answer, _ second: ReplicasTests.Answer) async throws -> Void)
        async throws {
        try await course(holding: { _ in "LOCK TABLE correction.\(table) IN SHARE MODE" }, then: "COMMIT", depart: depart,
                         examiners: examiners, first, then: second, check)
    }

    /// As above, `first` held by what `hold` (SQL for the sheet's id) takes, until `release`.
    static func course(holding hold: @escaping @Sendable (UUID) -> String, then release: String, depart: Depart,
                       examiners: Int = 1, _ first: Ecriture, then second: Ecriture,
                       _ check: @escaping @Sendable (Course, _ first: ReplicasTests.Answer, _ second: ReplicasTests.Answer) async throws -> Void)
        async throws {
        try await R.withPlatform { h, publisher in
            let c = try await R.commission(h, publisher, candidats: 1, examiners: examiners)
            #expect(try await h.call(.post, "\(c.path)/distribution", R.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            let avant: CorrectionTests.Fiche
            switch depart {
            case .aNoter:
                avant = try await h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(c.fiches[0])", as: c.examiners[0])
            case .notee:
                avant = try await R.grade(h, c.fiches[0], as: c.examiners[0])
            case .absent:
                #expect(try await h.call(.post, "/api/correction/fiches/\(c.fiches[0])/tirage", #"{"version":0}"#, as: c.examiners[0]).status == .ok)
                avant = try await R.absent(h, c.fiches[0], as: c.examiners[0])
            }
            #expect(avant.statut == depart.rawValue)
            let correction = try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("correction"))
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let course = Course(h: h, http: http, c: c, fiche: c.fiches[0], version: avant.version)
            @Sendable func ecrire(_ e: Ecriture) async throws -> ReplicasTests.Answer {
                switch e {
                case .sauvegarde: try await course.brouillon()
                case .note: try await course.note()
                case .verrouillage: try await course.verrouiller()
                case .tirage: try await course.tirage()
                case .deplacement: try await course.deplacement()
                }
            }
            do {
                try await withPostgresClient(correction, logger: Self.logger) { db in
                    let (a, b) = try await db.withConnection { locker in
                        let pid = try await locker.query("SELECT pg_backend_pid()", logger: Self.logger).collect()[0].decode(Int.self)
                        try await locker.query("BEGIN", logger: Self.logger)
                        try await locker.query(PostgresQuery(unsafeSQL: hold(course.fiche)), logger: Self.logger)
                        let a = Task { try await ecrire(first) }
                        var held = 0
                        try await waitUntil { held = try await Self.waiting(db, behind: [pid]).first ?? 0; return held != 0 }
                        // A second write that waits for nothing ends on its own: its answer then says what went wrong.
                        let fini = Fini()
                        let b = Task { defer { fini.oui.withLock { $0 = true } }; return try await ecrire(second) }
                        try await waitUntil {
                            if fini.oui.withLock({ $0 }) { return true }
                            return try await Self.waiting(db, behind: [pid, held]).contains { $0 != held }
                        }
                        try await locker.query(PostgresQuery(unsafeSQL: release), logger: Self.logger)
                        return (try await a.value, try await b.value)
                    }
                    try await check(course, a, b)
                }
            } catch {
                try await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }
    }

    /// The backends waiting for a lock that one of `pids` holds.
    static func waiting(_ db: PostgresClient, behind pids: [Int]) async throws -> [Int] {
        try await db.query("""
            SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pg_blocking_pids(pid) && \(pids.map(Int32.init))::int4[]
            """, logger: Self.logger).collect().map { Int(try $0.decode(Int32.self)) }
    }

    static func verrouille(_ course: Course) async throws -> Bool {
        let vue = try await course.h.decode(CorrectionTests.Commission.self, .get, course.c.path, as: course.c.centreId)
        return try #require(vue.groupes.first { $0.id == course.c.groups[0] }).verrouille
    }

    /// The save has the sheet (held at the levels it rewrites) when the lot is asked to lock: the
    /// locking waits for it, then sees the draft and refuses.
    @Test func aLockWaitsForTheSaveItCrosses() async throws {
        try await Self.course(holding: "evaluations", .sauvegarde, then: .verrouillage) { course, saved, locked in
            #expect(saved.status == 200, "\(saved.body)")
            #expect(locked.status == 409 && Self.kind(locked) == "incomplete", "\(locked.body)")
            let verrouille = try await Self.verrouille(course)
            #expect(!verrouille, "no lot is locked with a draft in it")
        }
    }

    /// The locking has the lot (held at its journal entry) when the examiner saves: the save waits
    /// for it, then finds the lot locked and changes nothing.
    @Test func aSaveThatWaitedForALockIsRefused() async throws {
        try await Self.course(holding: "audit", .verrouillage, then: .sauvegarde) { course, locked, saved in
            #expect(locked.status == 200, "\(locked.body)")
            #expect(saved.status == 409 && Self.kind(saved) == "lot-locked", "\(saved.body)")
            let fiche = try await course.h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(course.fiche)",
                                                  as: course.c.examiners[0])
            #expect(fiche.statut == "notee" && fiche.version == course.version && fiche.noteFinale == 37)
            let verrouille = try await Self.verrouille(course)
            #expect(verrouille)
        }
    }

    /// A direct save sent while the lot was still open, held at its write until the locking waits
    /// too, finds the lot locked under its own locks, changes nothing, and the locked way says why.
    @Test func aDirectSaveThatWaitedForALockIsRefused() async throws {
        try await Self.course(holding: "audit", depart: .absent, .sauvegarde, then: .verrouillage) { course, saved, locked in
            #expect(locked.status == 200, "\(locked.body)")
            #expect(saved.status == 409 && Self.kind(saved) == "lot-locked", "\(saved.body)")
            let fiche = try await course.h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(course.fiche)",
                                                  as: course.c.examiners[0])
            #expect(fiche.statut == "absent" && fiche.version == course.version)
            let verrouille = try await Self.verrouille(course)
            #expect(verrouille)
        }
    }

    /// A direct save holds its lot shared from its statement's start: held at the levels it
    /// writes (a row of the same key the test inserted and has not committed), it has the lot when
    /// the locking asks for it, and the locking waits — its journal entry comes after the grade's.
    @Test func aLockWaitsForTheDirectSaveItCrosses() async throws {
        let niveau: @Sendable (UUID) -> String = { fiche in
            """
            INSERT INTO correction.evaluations (fiche_id, session, epreuve, sujet_id, critere, niveau)
            SELECT id, session, epreuve, sujet_id, 'APP', 'A' FROM correction.fiches WHERE id = '\(fiche)'
            """
        }
        try await Self.course(holding: niveau, then: "ROLLBACK", depart: .absent, .note, then: .verrouillage) { course, saved, locked in
            #expect(saved.status == 200, "\(saved.body)")
            #expect(locked.status == 200, "\(locked.body)")
            let correction = try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("correction"))
            let ordre = try await withPostgresClient(correction, logger: Self.logger) { db in
                try await db.query("""
                    SELECT action FROM correction.audit
                    WHERE (fiche_id = \(course.fiche) AND action = 'fiche.notee') OR (groupe_id = \(course.c.groups[0]) AND action = 'lot.verrouille')
                    ORDER BY id
                    """, logger: Self.logger).collect().map { try $0.decode(String.self) }
            }
            #expect(ordre == ["fiche.notee", "lot.verrouille"], "no sheet of a locked lot is graded after the lock")
        }
    }

    /// The candidate's name corrected and published again after Correction answered the draw (the
    /// sheet's version, which the examiner holds, does not change): the save goes through and
    /// answers the sheet as it now stands, not as it was answered.
    @Test func aSaveAfterTheSheetChangedAnswersItAsItNowStands() async throws {
        struct Vue: Decodable { var nom: String; var version: Int; var statut: String }
        try await R.withPlatform { h, publisher in
            let c = try await R.commission(h, publisher, candidats: 1)
            #expect(try await h.call(.post, "\(c.path)/distribution", R.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            let fiche = "/api/correction/fiches/\(c.fiches[0])"
            let tiree = try await h.decode(Vue.self, .post, "\(fiche)/tirage", #"{"version":0}"#, as: c.examiners[0])
            let csv = "numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve\n"
                + "\(c.numeros[0]);Zulu;Léa;01/01/2008;scolaire;0251671F;T1;BCG;T011B"
            let ins = "/api/inscriptions/sessions/\(R.session)"
            let imported = try await h.client.execute(uri: "\(ins)/import", method: .post, headers: [
                .authorization: "Bearer \(try await TestKeys.token(R.besancon))", .contentType: "text/csv"], body: ByteBuffer(string: csv))
            #expect(imported.status == .ok, "\(String(buffer: imported.body))")
            #expect(try await h.call(.post, "\(ins)/affectations/publish?epreuve=T011B", as: R.besancon).status == .ok)
            try await waitUntil { try await h.decode(Vue.self, .get, fiche, as: c.examiners[0]).nom == "Zulu" }
            let sauvee = try await h.decode(Vue.self, .put, fiche, #"{"version":\#(tiree.version),\#(R.grid)}"#, as: c.examiners[0])
            #expect(tiree.nom != "Zulu")
            #expect(sauvee.statut == "brouillon" && sauvee.version == tiree.version + 1)
            #expect(sauvee.nom == "Zulu", "the save answers the sheet as it now stands")
        }
    }

    /// An examiner taken out of the lot after Correction answered their draw saves nothing on it:
    /// the direct save checks the lot's members under its locks, and the locked way refuses.
    @Test func anExaminerTakenOutOfTheLotNoLongerSavesTheSheetTheyDrew() async throws {
        struct Vue: Decodable { var version: Int; var statut: String }
        try await R.withPlatform { h, publisher in
            let c = try await R.commission(h, publisher, candidats: 1, examiners: 2)
            #expect(try await h.call(.post, "\(c.path)/distribution", R.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            let fiche = "/api/correction/fiches/\(c.fiches[0])"
            let tiree = try await h.decode(Vue.self, .post, "\(fiche)/tirage", #"{"version":0}"#, as: c.examiners[0])
            #expect(try await h.call(.delete, "\(c.path)/groupes/\(c.groups[1])", as: c.centreId).status == .noContent)
            #expect(try await h.call(.patch, "\(c.path)/groupes/\(c.groups[0])", #"{"membres":["\#(c.examiners[1].userId)"]}"#,
                                     as: c.centreId).status == .noContent)
            let refusee = try await h.call(.put, fiche, #"{"version":\#(tiree.version),\#(R.grid)}"#, as: c.examiners[0])
            #expect(refusee.status == .notFound, "\(String(buffer: refusee.body))")
            let vue = try await h.decode(Vue.self, .get, fiche, as: c.examiners[1])
            #expect(vue.version == tiree.version && vue.statut == tiree.statut, "nothing saved")
        }
    }

    /// The drawn subject's title corrected and published again after Correction answered the draw
    /// (the subject's row changes, not the sheet's): the save answers the subject as it now stands.
    @Test func aSaveAfterTheSubjectWasRepublishedAnswersItAsItNowStands() async throws {
        struct Vue: Decodable {
            var version: Int
            var sujet: Sujet?
            struct Sujet: Decodable { var id: UUID; var code: String; var dominante: String?; var titre: String?; var document: Document? }
            struct Document: Decodable { var path: String }
        }
        try await R.withPlatform { h, publisher in
            let c = try await R.commission(h, publisher, candidats: 1)
            #expect(try await h.call(.post, "\(c.path)/distribution", R.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            let fiche = "/api/correction/fiches/\(c.fiches[0])"
            let tiree = try await h.decode(Vue.self, .post, "\(fiche)/tirage", #"{"version":0}"#, as: c.examiners[0])
            let sujet = try #require(tiree.sujet)
            let corrige = SujetPublished(sujetId: sujet.id, epreuve: "T011B", session: R.session, code: sujet.code, titre: "Situation corrigée",
                                         dominante: sujet.dominante ?? "physique", materiel: [], baremeVersion: 1, bareme: CorrectionTests.bareme,
                                         document: DocumentRef(path: "/sujets/corrige.pdf", sha256: String(repeating: "0", count: 64), taille: 10),
                                         visibleFrom: Date().addingTimeInterval(-60))
            try await MissionsTests.publish(publisher, EventEnvelope(producer: "referentiel", correlationId: "erratum", payload: corrige))
            try await waitUntil { try await h.decode(Vue.self, .get, fiche, as: c.examiners[0]).sujet?.titre == "Situation corrigée" }
            let sauvee = try await h.decode(Vue.self, .put, fiche, #"{"version":\#(tiree.version),\#(R.grid)}"#, as: c.examiners[0])
            #expect(sujet.titre != "Situation corrigée")
            #expect(sauvee.version == tiree.version + 1)
            #expect(sauvee.sujet?.titre == "Situation corrigée" && sauvee.sujet?.document?.path == "/sujets/corrige.pdf",
                    "the save answers the subject as it now stands")
        }
    }

    /// The same save sent twice at once on a sheet Correction just answered: one goes through, the
    /// other finds the version moved (409 with the sheet as saved), and the journal has one save.
    @Test func twoIdenticalSavesAtOnceWriteOnce() async throws {
        struct Vue: Decodable { var version: Int }
        try await R.withPlatform { h, publisher in
            let c = try await R.commission(h, publisher, candidats: 1)
            #expect(try await h.call(.post, "\(c.path)/distribution", R.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            let tiree = try await h.decode(Vue.self, .post, "/api/correction/fiches/\(c.fiches[0])/tirage", #"{"version":0}"#,
                                           as: c.examiners[0])
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let course = Course(h: h, http: http, c: c, fiche: c.fiches[0], version: tiree.version)
            do {
                async let a = course.brouillon()
                async let b = course.brouillon()
                let statuts = try await [a.status, b.status].sorted()
                #expect(statuts == [200, 409], "\(statuts)")
            } catch {
                try await http.shutdown()
                throw error
            }
            try await http.shutdown()
            #expect(try await Self.journal(course, "fiche.brouillon") == 1)
        }
    }

    /// The test's hold on the sheet's lot (its group's row), as a locking would take it.
    static let lot: @Sendable (UUID) -> String = { fiche in
        "SELECT 1 FROM correction.groupes g JOIN correction.fiches f ON g.id = f.groupe_id WHERE f.id = '\(fiche)' FOR UPDATE OF g"
    }

    /// The examiners taken out of the sheet's lot, not yet committed (as the centre's change of the
    /// group's members writes it).
    static let sansMembres: @Sendable (UUID) -> String = { fiche in
        "UPDATE correction.groupes g SET membres = '{}' FROM correction.fiches f WHERE f.id = '\(fiche)' AND g.id = f.groupe_id"
    }

    /// The subject drawn twice at once (a double click, two tabs): the first draw has the sheet and
    /// waits for its lot (held by the test), the second waits for the sheet; then the second finds
    /// the version moved and draws nothing — one subject, one journal entry.
    @Test func twoDrawsAtOnceDrawOnce() async throws {
        struct Vue: Decodable { var version: Int; var sujet: Sujet?; struct Sujet: Decodable { var id: UUID } }
        try await Self.course(holding: Self.lot, then: "COMMIT", depart: .aNoter, .tirage, then: .tirage) { course, first, second in
            #expect(first.status == 200, "\(first.body)")
            #expect(second.status == 409 && Self.kind(second) == "stale-version", "\(second.body)")
            let tiree = try JSONDecoder().decode(Vue.self, from: Data(first.body.utf8))
            let vue = try await course.h.decode(Vue.self, .get, "/api/correction/fiches/\(course.fiche)", as: course.c.examiners[0])
            #expect(vue.version == course.version + 1 && vue.sujet?.id != nil && vue.sujet?.id == tiree.sujet?.id)
            #expect(try await Self.journal(course, "sujet.tirage") == 1)
        }
    }

    /// The centre moves the sheet to another examiner's lot while its examiner draws (both in
    /// flight: held at the journal until both wait): the draw finds the sheet out of their lot and
    /// draws nothing (404).
    @Test func aDrawCrossingAMoveOutOfTheExaminersLotDrawsNothing() async throws {
        struct Vue: Decodable { var groupeId: UUID?; var sujet: Sujet?; struct Sujet: Decodable { var id: UUID } }
        try await Self.course(holding: "audit", depart: .aNoter, examiners: 2, .deplacement, then: .tirage) { course, moved, drawn in
            #expect(moved.status == 200, "\(moved.body)")
            #expect(drawn.status == 404, "\(drawn.body)")
            let vue = try await course.h.decode(Vue.self, .get, "/api/correction/fiches/\(course.fiche)", as: course.c.examiners[1])
            #expect(vue.groupeId == course.c.groups[1] && vue.sujet == nil, "nothing drawn")
            #expect(try await Self.journal(course, "sujet.tirage") == 0)
        }
    }

    /// The journal entries of the race's sheet with this action.
    static func journal(_ course: Course, _ action: String) async throws -> Int? {
        let correction = try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("correction"))
        return try await withPostgresClient(correction, logger: Self.logger) { db in
            try await db.query("""
                SELECT count(*)::int FROM correction.audit WHERE fiche_id = \(course.fiche) AND action = \(action)
                """, logger: Self.logger).collect().first?.decode(Int.self)
        }
    }

    /// The examiner taken out of the lot while their draw waits for it (the change holds the lot's
    /// row): once it commits, the draw — and a second one behind it — checks the lot as it now
    /// stands and draws nothing (404), though both read the lot before.
    @Test func aDrawWaitingForItsLotSeesTheExaminerTakenOut() async throws {
        struct Vue: Decodable { var version: Int; var sujet: Sujet?; struct Sujet: Decodable { var id: UUID } }
        try await Self.course(holding: Self.sansMembres, then: "COMMIT", depart: .aNoter, .tirage, then: .tirage) { course, first, second in
            #expect(first.status == 404, "\(first.body)")
            #expect(second.status == 404, "\(second.body)")
            let vue = try await course.h.decode(Vue.self, .get, "/api/correction/fiches/\(course.fiche)", as: course.c.centreId)
            #expect(vue.version == course.version && vue.sujet == nil, "nothing drawn")
            #expect(try await Self.journal(course, "sujet.tirage") == 0)
        }
    }

    /// The same for a regrade, which goes the locked way (`Editable`): taken out of the lot while
    /// their regrade waits for it, the examiner changes nothing.
    @Test func aRegradeWaitingForItsLotSeesTheExaminerTakenOut() async throws {
        try await Self.course(holding: Self.sansMembres, then: "COMMIT", depart: .notee, .note, then: .note) { course, first, second in
            #expect(first.status == 404, "\(first.body)")
            #expect(second.status == 404, "\(second.body)")
            let vue = try await course.h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(course.fiche)", as: course.c.centreId)
            #expect(vue.version == course.version && vue.statut == "notee", "nothing saved")
        }
    }

    /// A draw, and the save after it, take one statement each (`SujetGarde`, `EnregistreGarde`), and
    /// so does a choice, not the locked transaction: a statement that fails there falls back to it
    /// silently, so only this says the quick way works. The test holds the sheets' keys shared (as a
    /// level's insert would), which holds up the locked read (`FOR UPDATE`) and not the statements
    /// (`FOR NO KEY UPDATE`).
    @Test func aDrawAndTheSaveAfterItTakeNoTransaction() async throws {
        struct Vue: Decodable { var version: Int; var statut: String; var sujet: Sujet?; struct Sujet: Decodable { var id: UUID } }
        try await R.withPlatform { h, publisher in
            let c = try await R.commission(h, publisher, candidats: 2)
            // The second candidate in a slot whose subjects the examiner records as drawn on paper.
            let slot = try await h.decode(CorrectionTests.Created.self, .post, "\(c.path)/creneaux",
                                          R.slot("matin", c.sujets[0], c.sujets[4], c.sujets[2], c.sujets[3], jour: "2099-06-03", choix: true),
                                          as: c.centreId, expect: .created).id
            #expect(try await h.call(.post, "\(c.path)/creneaux/\(slot)/candidats", R.fiches([c.fiches[1]]), as: c.centreId).status == .ok)
            #expect(try await h.call(.post, "\(c.path)/distribution", R.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            let correction = try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("correction"))
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                try await withPostgresClient(correction, logger: Self.logger) { db in
                    try await db.withConnection { locker in
                        try await locker.query("BEGIN", logger: Self.logger)
                        try await locker.query("SELECT 1 FROM correction.fiches WHERE id = ANY(\(c.fiches)) FOR KEY SHARE", logger: Self.logger)
                        /// `write` answers while the test still holds the keys shared.
                        func sansAttendre(_ write: @escaping @Sendable () async throws -> ReplicasTests.Answer) async throws
                            -> ReplicasTests.Answer {
                            let fini = Fini()
                            let task = Task { defer { fini.oui.withLock { $0 = true } }; return try await write() }
                            let passe = (try? await waitUntil(timeout: .seconds(10)) { fini.oui.withLock { $0 } }) != nil
                            if !passe { try await locker.query("COMMIT", logger: Self.logger) }
                            #expect(passe, "it waited for the sheet's key share: the locked way")
                            return try await task.value
                        }
                        let tirage = Course(h: h, http: http, c: c, fiche: c.fiches[0], version: 0)
                        let tiree = try await sansAttendre { try await tirage.tirage() }
                        #expect(tiree.status == 200, "\(tiree.body)")
                        let version = try JSONDecoder().decode(Vue.self, from: Data(tiree.body.utf8)).version
                        let sauvegarde = Course(h: h, http: http, c: c, fiche: c.fiches[0], version: version)
                        let sauvee = try await sansAttendre { try await sauvegarde.brouillon() }
                        #expect(sauvee.status == 200, "\(sauvee.body)")
                        #expect(try JSONDecoder().decode(Vue.self, from: Data(sauvee.body.utf8)).statut == "brouillon")
                        let choix = Course(h: h, http: http, c: c, fiche: c.fiches[1], version: 0)
                        let choisie = try await sansAttendre { try await choix.choix(c.sujets[4]) }
                        #expect(choisie.status == 200, "\(choisie.body)")
                        #expect(try JSONDecoder().decode(Vue.self, from: Data(choisie.body.utf8)).sujet?.id == c.sujets[4])
                        try await locker.query("COMMIT", logger: Self.logger)
                    }
                }
            } catch {
                try await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }
    }
}
