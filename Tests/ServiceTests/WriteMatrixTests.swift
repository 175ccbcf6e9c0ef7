import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import Testing
import TestSupport
@testable import Referentiel

/// Issue 26, item 6: Santorin's write routes, each tried by every role with a valid token, on a
/// resource inside the caller's perimeter and on one outside it (another centre's commission, lot
/// or sheet; another examiner's lot; a coordinator without a convocation; another académie's
/// gestionnaire), and with another commission's ids slipped into the body. A refusal is 403 or 404
/// and changes nothing either commission shows; the allowed caller reaches the handler (any answer
/// but 401, 403 or 404).
@Suite(.serialized) struct WriteMatrixTests {
    typealias H = CorrectionTests.Harness
    typealias R = RoadMapRuleTests

    /// A write, the callers allowed to make it, and the body they send.
    struct Row {
        var name: String
        var method: HTTPRequest.Method
        var path: String
        var body: String?
        var allowed: [String]
    }

    @Test func everyRoleOnEveryCorrectionWriteInsideAndOutsideItsPerimeter() async throws {
        try await R.withPlatform { h, publisher in
            let a = try await R.commission(h, publisher, candidats: 3, examiners: 2, coordinator: true)
            let b = try await R.commission(h, publisher, candidats: 1)
            // Each of A's examiners holds a lot; B's examiner holds B's.
            #expect(try await h.call(.post, "\(a.path)/distribution", R.move([a.fiches[0]], to: a.groups[0]), as: a.centreId).status == .ok)
            #expect(try await h.call(.post, "\(a.path)/distribution", R.move([a.fiches[1]], to: a.groups[1]), as: a.centreId).status == .ok)
            #expect(try await h.call(.post, "\(b.path)/distribution", R.move([b.fiches[0]], to: b.groups[0]), as: b.centreId).status == .ok)

            let callers: [String: Identity] = [
                "centre A": a.centreId, "centre B": b.centreId,
                "examiner of A's lot": a.examiners[0], "examiner of A's other lot": a.examiners[1], "examiner of B": b.examiners[0],
                "coordinator of the exam": a.coordinator!,
                "coordinator without a convocation": Identity(userId: UUID(), login: "coord.\(UUID().uuidString.prefix(6))",
                                                              role: .coordinateur, scope: .academie("03")),
                "gestionnaire of the académie": R.besancon,
                "gestionnaire of another académie": Identity(userId: UUID(), login: "gest.01", role: .gestionnaire, scope: .academie("01")),
                "référent of centre A": Identity(userId: UUID(), login: "ref.a", role: .referent, scope: .etablissement(a.centre)),
                "établissement A": Identity(userId: UUID(), login: "etab.a", role: .etablissement, scope: .etablissement(a.centre)),
                "DSII": Identity(userId: UUID(), login: "dsii", role: .dsii, scope: .national),
                "admin": Identity(userId: UUID(), login: "admin", role: .admin, scope: .national),
            ]
            let fiche = "/api/correction/fiches/\(a.fiches[0])"
            let rows: [Row] = [
                Row(name: "create a group", method: .post, path: "\(a.path)/groupes",
                    body: #"{"nom":"Salle M","membres":["\#(a.examiners[0].userId)"]}"#, allowed: ["centre A"]),
                Row(name: "one group per examiner", method: .post, path: "\(a.path)/groupes/un-par-examinateur", allowed: ["centre A"]),
                // Out of its slot; the new slot takes it (its candidates placed with it), then the
                // morning's again (the crossings below move it to B's group).
                Row(name: "take out of a slot", method: .post, path: "\(a.path)/creneaux/retrait",
                    body: R.fiches([a.fiches[2]]), allowed: ["centre A"]),
                Row(name: "create a slot with its candidates", method: .post, path: "\(a.path)/creneaux",
                    body: String(R.slot("apres-midi", a.sujets[0], a.sujets[4], a.sujets[2], a.sujets[3]).dropLast()) + #","candidats":{"max":1}}"#,
                    allowed: ["centre A"]),
                Row(name: "place in a slot", method: .post, path: "\(a.path)/creneaux/\(a.morning)/candidats",
                    body: R.fiches([a.fiches[2]]), allowed: ["centre A"]),
                Row(name: "distribute by hand", method: .post, path: "\(a.path)/distribution",
                    body: R.move([a.fiches[2]], to: nil), allowed: ["centre A"]),
                Row(name: "change a group", method: .patch, path: "\(a.path)/groupes/\(a.groups[1])",
                    body: #"{"nom":"Salle Matrice"}"#, allowed: ["centre A"]),
                // A's second lot holds a sheet: dissolving it is refused (409) to the centre too.
                Row(name: "dissolve a group", method: .delete, path: "\(a.path)/groupes/\(a.groups[1])", allowed: ["centre A"]),
                Row(name: "distribute automatically", method: .post, path: "\(a.path)/distribution/automatique", body: "{}",
                    allowed: ["centre A"]),
                Row(name: "draw a subject", method: .post, path: "\(fiche)/tirage", body: #"{"version":0}"#,
                    allowed: ["examiner of A's lot"]),
                Row(name: "choose a subject", method: .post, path: "\(fiche)/sujet",
                    body: #"{"version":0,"sujetId":"\#(a.sujets[0])"}"#, allowed: ["examiner of A's lot"]),
                Row(name: "save a sheet", method: .put, path: fiche, body: #"{"version":0,\#(R.grid)}"#,
                    allowed: ["examiner of A's lot"]),
                Row(name: "lock a lot", method: .post, path: "/api/correction/groupes/\(a.groups[0])/verrouillage",
                    allowed: ["examiner of A's lot", "centre A", "référent of centre A", "coordinator of the exam", "gestionnaire of the académie"]),
                Row(name: "unlock a lot", method: .post, path: "/api/correction/groupes/\(a.groups[0])/deverrouillage",
                    body: #"{"motif":"Matrice"}"#, allowed: ["centre A", "référent of centre A", "coordinator of the exam", "gestionnaire of the académie"]),
                Row(name: "record absences from the attendance sheet", method: .post, path: "\(a.path)/creneaux/\(a.morning)/absences",
                    body: R.fiches([a.fiches[1]]), allowed: ["centre A"]),
                // A is open: the gestionnaire reaches the handler (409), nobody else does.
                Row(name: "ask for a re-marking", method: .post, path: "\(a.path)/recorrections",
                    body: #"{"candidatId":"\#(a.candidatIds[a.numeros[0]]!)","motif":"Matrice"}"#, allowed: ["gestionnaire of the académie"]),
                Row(name: "close the exam at the centre", method: .post, path: "\(a.path)/cloture", allowed: ["centre A"]),
                Row(name: "reopen the exam at the centre", method: .post, path: "\(a.path)/reouverture",
                    body: #"{"motif":"Matrice"}"#, allowed: ["gestionnaire of the académie"]),
            ]
            // What both commissions show: a refused write must leave all of it as it was.
            func state() async throws -> [String] {
                var parts: [String] = []
                for c in [a, b] {
                    for path in [c.path, "\(c.path)/fiches"] + c.fiches.map({ "/api/correction/fiches/\($0)" }) {
                        // Keys sorted: the services' JSON has no fixed key order.
                        let body = try await h.call(.get, path, as: c.centreId).body
                        let value = try JSONSerialization.jsonObject(with: Data(buffer: body))
                        parts.append(String(decoding: try JSONSerialization.data(withJSONObject: value, options: .sortedKeys), as: UTF8.self))
                    }
                }
                return parts
            }
            func same(_ after: [String], _ before: [String], _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
                let changed = zip(before, after).first { $0 != $1 }
                #expect(changed == nil, "\(what): \(changed.map { "\($0.0)\n→ \($0.1)" } ?? "")", sourceLocation: sourceLocation)
            }
            func refused(_ response: TestResponse, _ what: String) {
                #expect(response.status == .forbidden || response.status == .notFound,
                        "\(what): \(response.status) \(String(buffer: response.body))")
            }

            for row in rows {
                let before = try await state()
                for (name, caller) in callers.sorted(by: { $0.key < $1.key }) where !row.allowed.contains(name) {
                    refused(try await h.call(row.method, row.path, row.body, as: caller), "\(name) may not \(row.name)")
                }
                same(try await state(), before, "a refused «\(row.name)» changed something")
                for name in row.allowed {
                    let response = try await h.call(row.method, row.path, row.body, as: callers[name]!)
                    #expect(![.unauthorized, .forbidden, .notFound].contains(response.status),
                            "\(name) may \(row.name): \(response.status) \(String(buffer: response.body))")
                }
            }

            // Another commission's ids in the body or the path, by A's own centre and examiner.
            let before = try await state()
            let crossings: [(String, HTTPRequest.Method, String, String?, Identity)] = [
                ("B's sheets moved into A's group", .post, "\(a.path)/distribution", R.move(b.fiches, to: a.groups[0]), a.centreId),
                ("A's sheets moved into B's group", .post, "\(a.path)/distribution", R.move([a.fiches[2]], to: b.groups[0]), a.centreId),
                ("B's sheets placed in A's slot", .post, "\(a.path)/creneaux/\(a.morning)/candidats", R.fiches(b.fiches), a.centreId),
                ("B's sheets taken out of their slot by A's centre", .post, "\(a.path)/creneaux/retrait", R.fiches(b.fiches), a.centreId),
                ("B's group changed by A's centre", .patch, "\(a.path)/groupes/\(b.groups[0])", #"{"nom":"Intrus"}"#, a.centreId),
                ("B's group dissolved by A's centre", .delete, "\(a.path)/groupes/\(b.groups[0])", nil, a.centreId),
                ("A's sheets placed in B's slot", .post, "\(a.path)/creneaux/\(b.morning)/candidats", R.fiches([a.fiches[2]]), a.centreId),
                ("B's sheets recorded absent by A's centre", .post, "\(a.path)/creneaux/\(a.morning)/absences", R.fiches(b.fiches), a.centreId),
                ("A's sheets recorded absent in B's slot", .post, "\(a.path)/creneaux/\(b.morning)/absences", R.fiches([a.fiches[0]]),
                 a.centreId),
                ("B's lot unlocked by A's centre", .post, "/api/correction/groupes/\(b.groups[0])/deverrouillage",
                 #"{"motif":"Matrice"}"#, a.centreId),
                ("B's lot locked by A's centre", .post, "/api/correction/groupes/\(b.groups[0])/verrouillage", nil, a.centreId),
                ("B's lot locked by A's examiner", .post, "/api/correction/groupes/\(b.groups[0])/verrouillage", nil, a.examiners[0]),
                ("B's sheet drawn by A's examiner", .post, "/api/correction/fiches/\(b.fiches[0])/tirage", #"{"version":0}"#,
                 a.examiners[0]),
                ("B's sheet saved by A's examiner", .put, "/api/correction/fiches/\(b.fiches[0])", #"{"version":0,\#(R.grid)}"#,
                 a.examiners[0]),
                ("A's other lot locked by A's examiner", .post, "/api/correction/groupes/\(a.groups[1])/verrouillage", nil,
                 a.examiners[0]),
                ("A's other lot's sheet saved by A's examiner", .put, "/api/correction/fiches/\(a.fiches[1])",
                 #"{"version":0,\#(R.grid)}"#, a.examiners[0]),
                ("B's candidate asked for a re-marking on A's commission", .post, "\(a.path)/recorrections",
                 #"{"candidatId":"\#(b.candidatIds[b.numeros[0]]!)","motif":"Matrice"}"#, R.besancon),
            ]
            for (what, method, path, body, caller) in crossings {
                refused(try await h.call(method, path, body, as: caller), what)
            }
            // A group of B's examiner at A's centre: refused with the field (not convoked here).
            let stranger = try await h.call(.post, "\(a.path)/groupes", #"{"nom":"Intrus","membres":["\#(b.examiners[0].userId)"]}"#,
                                            as: a.centreId)
            #expect(stranger.status == .unprocessableContent, "\(String(buffer: stranger.body))")
            same(try await state(), before, "a crossing changed something")
        }
    }

    /// Cyclades' and Imag'In's writes on one académie's candidate, delegation, designation and
    /// convocation, by every role: the académie's gestionnaire may; another académie's gestionnaire,
    /// the schools (their own pupils' or teachers' school without the right, or a school of another
    /// académie) and every other role are refused, and neither service's tables change.
    @Test func everyRoleOnCycladesAndImagInWritesInsideAndOutsideItsPerimeter() async throws {
        try await R.withPlatform { h, publisher in
            let c = try await R.commission(h, publisher, candidats: 2)
            let ins = "/api/inscriptions/sessions/\(R.session)", mis = "/api/missions/sessions/\(R.session)"
            let numero = c.numeros[0], examiner = c.examiners[0]
            struct Designations: Decodable {
                var items: [Item]
                struct Item: Decodable { var id: UUID; var intervenant: Person }
                struct Person: Decodable { var login: String }
            }
            let designation = try #require(try await h.decode(Designations.self, .get, "\(ins)/designations?epreuve=T011B", as: R.besancon)
                .items.first { $0.intervenant.login == examiner.login }).id
            struct Convocations: Decodable {
                var items: [Item]
                struct Item: Decodable { var id: UUID; var mission: Mission; var intervenant: Person }
                struct Mission: Decodable { var id: UUID }
                struct Person: Decodable { var id: UUID; var login: String }
            }
            let convocation = try #require(try await h.decode(Convocations.self, .get, "\(mis)/convocations", as: R.besancon)
                .items.first { $0.intervenant.login == examiner.login })

            let callers: [String: Identity] = [
                "gestionnaire of the académie": R.besancon,
                "gestionnaire of another académie": Identity(userId: UUID(), login: "gest.01", role: .gestionnaire, scope: .academie("01")),
                "the pupils' school": Identity(userId: UUID(), login: "etab.eleves", role: .etablissement, scope: .etablissement("0251671F")),
                "the examiner's school": Identity(userId: UUID(), login: "etab.prof", role: .etablissement, scope: .etablissement("0250007X")),
                "a school of another académie": Identity(userId: UUID(), login: "etab.paris", role: .etablissement,
                                                         scope: .etablissement("0750654D")),
                "centre": c.centreId, "examiner": examiner,
                "référent": Identity(userId: UUID(), login: "ref", role: .referent, scope: .etablissement(c.centre)),
                "DSII": Identity(userId: UUID(), login: "dsii", role: .dsii, scope: .national),
                "admin": Identity(userId: UUID(), login: "admin", role: .admin, scope: .national),
            ]
            let gestionnaire = ["gestionnaire of the académie"]
            let identite = #"{"nom":"Alpha","prenoms":"Léa","naissance":"01/01/2008","categorie":"scolaire","uai":"0251671F","division":"T1","filiere":"BCG"}"#
            let affectation = #"{"affectations":[{"numero":"\#(numero)","epreuve":"T011B","centre":"\#(c.centre)"}]}"#
            let designe = #"{"role":"examinateur","epreuve":"T011B","centre":"\#(c.centre)","intervenant":{"login":"\#(examiner.login).bis","nom":"Bis","prenom":"Test","uai":"0250007X","divisions":["T5"]}}"#
            // Some refusals are 422: the line or the school is not the caller's académie's.
            let refusals: Set<HTTPResponse.Status> = [.forbidden, .notFound]
            let rows: [(name: String, method: HTTPRequest.Method, path: String, body: String?, allowed: [String],
                        refusedWith: Set<HTTPResponse.Status>)] = [
                ("correct a candidate", .put, "\(ins)/candidats/\(numero)", identite, gestionnaire, refusals),
                ("set a registration's status", .put, "\(ins)/candidats/\(numero)/inscriptions/T011B", #"{"statut":"inscrit"}"#,
                 gestionnaire, refusals),
                ("delegate an exam to a school", .post, "\(ins)/delegations", #"{"epreuve":"T011B","uai":"0251671F"}"#, gestionnaire,
                 refusals.union([.unprocessableContent])),
                ("revoke a delegation", .delete, "\(ins)/delegations/T011B/0251671F", nil, gestionnaire, refusals),
                ("assign a candidate", .post, "\(ins)/affectations", affectation, gestionnaire, refusals.union([.unprocessableContent])),
                ("designate an examiner at the centre", .post, "\(ins)/designations", designe, gestionnaire + ["the examiner's school"],
                 refusals),
                // Who the row above designated at the centre is the académie's to convoke: out of its
                // perimeter a caller finds nobody (200, none convoked, nothing changes).
                ("convoke everyone at the centre", .post, "\(mis)/convocations?centre=\(c.centre)", nil, gestionnaire,
                 refusals.union([.ok])),
                // Allowed to the gestionnaire, not tried: the fixture's commission would lose its examiner.
                ("withdraw the académie's designation", .delete, "\(ins)/designations/\(designation)", nil, gestionnaire, refusals),
                // The teacher's own school: 422, the académie designated them for this mission, not the school.
                ("convoke", .post, "/api/missions/missions/\(convocation.mission.id)/convocations",
                 #"{"intervenantId":"\#(convocation.intervenant.id)"}"#, gestionnaire, refusals.union([.unprocessableContent])),
                ("cancel a convocation", .post, "/api/missions/convocations/\(convocation.id)/annulation", #"{"motif":"Matrice"}"#,
                 gestionnaire, refusals),
                ("unassign a candidate", .delete, "\(ins)/affectations/\(numero)/T011B", nil, gestionnaire, refusals),
                ("cancel a registration", .delete, "\(ins)/candidats/\(c.numeros[1])/inscriptions/T011B", nil, gestionnaire, refusals),
            ]
            func state() async throws -> [String: String] {
                var result: [String: String] = [:]
                for service in ["inscriptions", "missions"] {
                    let configuration = HealthTests.configuration(service, 0)
                    try await PoisonEventTests.withDatabase(configuration) { db in
                        for (table, value) in try await PoisonEventTests.fingerprint(db, configuration.schema) { result["\(service).\(table)"] = value }
                    }
                }
                return result
            }
            for row in rows {
                let before = try await state()
                for (name, caller) in callers.sorted(by: { $0.key < $1.key }) where !row.allowed.contains(name) {
                    let response = try await h.call(row.method, row.path, row.body, as: caller)
                    #expect(row.refusedWith.contains(response.status),
                            "\(name) may not \(row.name): \(response.status) \(String(buffer: response.body))")
                }
                let after = try await state()
                #expect(after == before, "a refused «\(row.name)» changed \(after.filter { before[$0.key] != $0.value }.keys.sorted())")
                for name in row.allowed where !["withdraw the académie's designation", "cancel a convocation"].contains(row.name) {
                    let response = try await h.call(row.method, row.path, row.body, as: callers[name]!)
                    #expect(![.unauthorized, .forbidden, .notFound].contains(response.status),
                            "\(name) may \(row.name): \(response.status) \(String(buffer: response.body))")
                }
                if row.name.hasPrefix("designate") {
                    // The group's new export processed by Imag'In before the next baseline.
                    let exports = try await Processed.outbox(of: "inscriptions",
                                                             where: "event_type = 'intervenants.exported' AND body ILIKE '%\(examiner.login).bis%'")
                    try await Processed.inbox(of: "missions", exports)
                }
            }
        }
    }

    /// Référentiel's writes, by every role and without a token. The subject bank is national: one
    /// DSII team writes the subjects of every exam and session (road map: "RDGESCO/DSII : déposer
    /// les sujets, saisir et valider les barèmes"), so no académie, school or session bounds the
    /// DSII's perimeter, and the admin (operations) reads but does not write. What lies outside is
    /// a subject that does not exist, a document nature that does not exist, a write the subject's
    /// state forbids (a published subject edited, published again with another embargo, a withdrawn
    /// one withdrawn again) and another subject's code taken over. Every other role is refused with
    /// 403 or 404, the anonymous caller with 401, the DSII outside with 404 or 409; a refusal changes
    /// nothing the DSII sees, no row of the schema, and emits no `sujet.published` / `sujet.withdrawn`.
    /// Inside, the DSII succeeds on a subject of its own, fresh for the write.
    @Test func everyRoleOnEveryReferentielWriteInsideAndOutsideItsPerimeter() async throws {
        try await ReferentielTests.withPlatform { client in
            let h = H(client: client)
            let api = "/api/referentiel"
            let dsii = ReferentielTests.dsii
            let callers: [String: Identity] = [
                "admin": Identity(userId: UUID(), login: "admin", role: .admin, scope: .national),
                "gestionnaire": R.besancon,
                "coordinateur": Identity(userId: UUID(), login: "coord", role: .coordinateur, scope: .academie("03")),
                "examinateur": Identity(userId: UUID(), login: "exam", role: .examinateur, scope: .academie("03")),
                "établissement": Identity(userId: UUID(), login: "etab", role: .etablissement, scope: .etablissement("0251080N")),
                "centre": Identity(userId: UUID(), login: "centre", role: .centre, scope: .etablissement("0251080N")),
                "référent": Identity(userId: UUID(), login: "ref", role: .referent, scope: .etablissement("0251080N")),
            ]
            func input(_ code: String, epreuve: String = "T012B") -> String {
                #"{"epreuve":"\#(epreuve)","session":\#(R.session),"code":"\#(code)","titre":"Matrice","materiel":["paillasse"]}"#
            }
            let bareme = String(decoding: try EventCoding.encoder.encode(DemoData.svt), as: UTF8.self)
            let pdf = String(decoding: DemoPDF.make("Matrice"), as: UTF8.self)  // ASCII: a string body carries it whole
            let visible = #"{"visibleFrom":"2099-06-01T08:00:00Z"}"#

            /// A subject of the DSII's brought to `statut`, with its document and a valid barème.
            func sujet(_ statut: StatutSujet, code: String = ReferentielTests.code("MX"), epreuve: String = "T012B") async throws -> UUID {
                let id = try await h.decode(CorrectionTests.Created.self, .post, "\(api)/sujets", input(code, epreuve: epreuve),
                                            as: dsii, expect: .created).id
                var steps: [(HTTPRequest.Method, String, String?)] = [(.put, "documents/sujet", pdf), (.put, "bareme", bareme)]
                if statut != .brouillon { steps.append((.post, "validate", nil)) }
                if statut == .publie || statut == .retire { steps.append((.post, "publish", visible)) }
                if statut == .retire { steps.append((.post, "withdraw", nil)) }
                for (method, step, body) in steps {
                    let response = try await h.call(method, "\(api)/sujets/\(id)/\(step)", body, as: dsii)
                    #expect(response.status == .ok, "\(step): \(String(buffer: response.body))")
                }
                return id
            }
            /// Every write on one subject, and the states that allow it.
            func writes(_ id: String) -> [(name: String, method: HTTPRequest.Method, path: String, body: String?, allowedIn: [StatutSujet])] {
                [("edit", .put, "\(api)/sujets/\(id)", input(ReferentielTests.code("MX")), [.brouillon]),
                 ("save the barème of", .put, "\(api)/sujets/\(id)/bareme", bareme, [.brouillon]),
                 ("upload the subject document of", .put, "\(api)/sujets/\(id)/documents/sujet?nom=matrice.pdf", pdf, [.brouillon]),
                 ("upload the examiner document of", .put, "\(api)/sujets/\(id)/documents/examinateur", pdf, [.brouillon]),
                 ("validate", .post, "\(api)/sujets/\(id)/validate", nil, [.brouillon]),
                 ("reopen", .post, "\(api)/sujets/\(id)/reopen", nil, [.valide]),
                 ("publish", .post, "\(api)/sujets/\(id)/publish", visible, [.valide]),
                 ("withdraw", .post, "\(api)/sujets/\(id)/withdraw", nil, [.valide, .publie])]
            }

            // Outside: a subject in each state, one that does not exist, and a code of another exam.
            let taken = ReferentielTests.code("MX")
            var watched: [String: UUID] = ["another exam's subject": try await sujet(.brouillon, code: taken, epreuve: "T010B")]
            var rows: [(name: String, method: HTTPRequest.Method, path: String, body: String?, dsii: HTTPResponse.Status)] = []
            for statut in StatutSujet.allCases {
                let id = try await sujet(statut)
                watched["the \(statut.rawValue) subject"] = id
                for write in writes(id.uuidString) where !write.allowedIn.contains(statut) {
                    rows.append(("\(write.name) a \(statut.rawValue) subject", write.method, write.path, write.body, .conflict))
                }
            }
            for (what, id) in [("a subject that does not exist", UUID().uuidString), ("a subject with no valid id", "not-a-uuid")] {
                for write in writes(id) { rows.append(("\(write.name) \(what)", write.method, write.path, write.body, .notFound)) }
            }
            let draft = watched["the brouillon subject"]!
            rows += [
                // A nature outside the document's enum: refused by the generated decoder (400) before the handler.
                ("upload a document of no such nature", .put, "\(api)/sujets/\(draft)/documents/corrige", pdf, .badRequest),
                ("rename a draft onto another exam's code", .put, "\(api)/sujets/\(draft)", input(taken, epreuve: "T010B"), .conflict),
                ("create a copy of another exam's subject", .post, "\(api)/sujets", input(taken, epreuve: "T010B"), .conflict),
            ]
            // Inside: each write on a fresh subject in the state it needs. The barème check stores
            // nothing, so it is in the matrix (DSII only, like the editor it serves) and the DSII's
            // own call must change nothing either.
            rows.append(("create a subject", .post, "\(api)/sujets", input(ReferentielTests.code("MX")), .created))
            rows.append(("check a barème", .post, "\(api)/baremes/verification", bareme, .ok))
            for statut in [StatutSujet.brouillon, .valide, .publie] {
                for index in writes("").indices where writes("")[index].allowedIn.contains(statut) {
                    let id = try await sujet(statut)
                    let write = writes(id.uuidString)[index]
                    watched["a fresh \(statut.rawValue) subject to \(write.name)"] = id
                    rows.append(("\(write.name) a fresh \(statut.rawValue) subject", write.method, write.path, write.body, .ok))
                }
            }

            /// The events Referentiel committed about the watched subjects. They commit in the
            /// outbox in the write's own transaction, so once the answer is back an event the write
            /// emitted is there: its absence proves none was emitted, without waiting.
            func events() async throws -> [UUID] {
                try await Processed.outbox(of: "referentiel", where: "event_type IN ('sujet.published', 'sujet.withdrawn') AND ("
                    + watched.values.map { "body ILIKE '%\($0.uuidString)%'" }.joined(separator: " OR ") + ")")
            }
            func same(_ after: [String: String], _ before: [String: String], _ what: String) {
                let changed = Set(after.keys).union(before.keys).filter { before[$0] != after[$0] }.sorted()
                #expect(changed.isEmpty, "\(what) changed \(changed)")
            }

            let configuration = HealthTests.configuration("referentiel", 0)
            try await PoisonEventTests.withDatabase(configuration) { db in
                /// What the DSII sees of every watched subject (JSON with sorted keys), every table of
                /// the schema but the outbox (row count and newest row version), and the events.
                func state() async throws -> [String: String] {
                    var result: [String: String] = [:]
                    for (name, id) in watched {
                        let value = try JSONSerialization.jsonObject(with: Data(buffer: try await h.call(.get, "\(api)/sujets/\(id)", as: dsii).body))
                        result[name] = String(decoding: try JSONSerialization.data(withJSONObject: value, options: .sortedKeys), as: UTF8.self)
                    }
                    for (table, value) in try await PoisonEventTests.fingerprint(db, configuration.schema) where table != "outbox" {
                        result["table \(table)"] = value
                    }
                    result["events"] = try await events().map(\.uuidString).joined(separator: " ")
                    return result
                }

                for row in rows {
                    let before = try await state()
                    for (name, caller) in callers.sorted(by: { $0.key < $1.key }) {
                        let response = try await h.call(row.method, row.path, row.body, as: caller)
                        #expect(response.status == .forbidden || response.status == .notFound,
                                "\(name) may not \(row.name): \(response.status) \(String(buffer: response.body))")
                    }
                    let anonymous = try await client.execute(uri: row.path, method: row.method, body: H.body(row.body, row.method))
                    #expect(anonymous.status == .unauthorized, "anonymous may not \(row.name): \(anonymous.status)")
                    same(try await state(), before, "a refused «\(row.name)»")
                    let response = try await h.call(row.method, row.path, row.body, as: dsii)
                    #expect(response.status == row.dsii, "DSII, \(row.name): \(response.status) \(String(buffer: response.body))")
                    if ![.ok, .created].contains(row.dsii) || row.name == "check a barème" {
                        same(try await state(), before, "the DSII's «\(row.name)»")
                    }
                }
            }
            // The allowed publication and withdrawals did emit their event, once: what `events()` watches is there.
            for (write, type) in [("publish", "sujet.published"), ("withdraw", "sujet.withdrawn")] {
                for (name, id) in watched where name.hasSuffix("to \(write)") {
                    let own = try await Processed.outbox(of: "referentiel", where: "event_type = '\(type)' AND body ILIKE '%\(id.uuidString)%'")
                    #expect(own.count == 1, "\(name): \(type) \(own.count) times")
                }
            }
        }
    }
}
