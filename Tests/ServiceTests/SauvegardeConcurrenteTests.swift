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
/// saved the locked way (a transaction, its read under lock); any other the direct way (a read
/// without a lock, then one statement that locks and checks again: `EnregistreGarde`).
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
    }

    static func kind(_ answer: ReplicasTests.Answer) -> String? {
        (try? JSONDecoder().decode(Problem.self, from: Data(answer.body.utf8)))?.type.split(separator: "/").last.map(String.init)
    }

    enum Ecriture { case sauvegarde, note, verrouillage }
    /// How the lot's one sheet stands before the race: graded, or its subject drawn and the candidate absent.
    enum Depart { case notee, absent }
    final class Fini: Sendable { let oui = Mutex(false) }

    /// One candidate in the examiner's lot (`depart`); `first` is held at its next write to `table`
    /// (a lock the test takes through a connection of its own), `second` starts once `first` waits
    /// and both go on once `second` waits too, behind `first` or the test's lock. `check` gets
    /// their answers.
    static func course(holding table: String, depart: Depart = .notee, _ first: Ecriture, then second: Ecriture,
                       _ check: @escaping @Sendable (Course, _ first: ReplicasTests.Answer, _ second: ReplicasTests.Answer) async throws -> Void)
        async throws {
        try await course(holding: { _ in "LOCK TABLE correction.\(table) IN SHARE MODE" }, then: "COMMIT", depart: depart, first,
                         then: second, check)
    }

    /// As above, `first` held by what `hold` (SQL for the sheet's id) takes, until `release`.
    static func course(holding hold: @escaping @Sendable (UUID) -> String, then release: String, depart: Depart,
                       _ first: Ecriture, then second: Ecriture,
                       _ check: @escaping @Sendable (Course, _ first: ReplicasTests.Answer, _ second: ReplicasTests.Answer) async throws -> Void)
        async throws {
        try await R.withPlatform { h, publisher in
            let c = try await R.commission(h, publisher, candidats: 1)
            #expect(try await h.call(.post, "\(c.path)/distribution", R.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            let avant: CorrectionTests.Fiche
            switch depart {
            case .notee:
                avant = try await R.grade(h, c.fiches[0], as: c.examiners[0])
            case .absent:
                #expect(try await h.call(.post, "/api/correction/fiches/\(c.fiches[0])/tirage", #"{"version":0}"#, as: c.examiners[0]).status == .ok)
                avant = try await R.absent(h, c.fiches[0], as: c.examiners[0])
            }
            #expect(avant.statut == "\(depart)")
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let course = Course(h: h, http: http, c: c, fiche: c.fiches[0], version: avant.version)
            @Sendable func ecrire(_ e: Ecriture) async throws -> ReplicasTests.Answer {
                switch e {
                case .sauvegarde: try await course.brouillon()
                case .note: try await course.note()
                case .verrouillage: try await course.verrouiller()
                }
            }
            let correction = try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("correction"))
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

    /// A save read the sheet, its lot still open, just before the lot locked; its write, held
    /// until the locking waits too, finds the lot locked under its own locks, changes nothing, and
    /// the locked way says why.
    @Test func aDirectSaveThatReadBeforeALockIsRefusedAtItsWrite() async throws {
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
}
