import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import Testing
import TestSupport

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
                Row(name: "create a slot", method: .post, path: "\(a.path)/creneaux",
                    body: R.slot("apres-midi", a.sujets[0], a.sujets[1], a.sujets[2], a.sujets[3]), allowed: ["centre A"]),
                Row(name: "place in a slot", method: .post, path: "\(a.path)/creneaux/\(a.morning)/candidats",
                    body: R.fiches([a.fiches[2]]), allowed: ["centre A"]),
                Row(name: "distribute by hand", method: .post, path: "\(a.path)/distribution",
                    body: R.move([a.fiches[2]], to: nil), allowed: ["centre A"]),
                Row(name: "distribute automatically", method: .post, path: "\(a.path)/distribution/automatique", body: "{}",
                    allowed: ["centre A"]),
                Row(name: "draw a subject", method: .post, path: "\(fiche)/tirage", body: #"{"version":0}"#,
                    allowed: ["examiner of A's lot"]),
                Row(name: "choose a subject", method: .post, path: "\(fiche)/sujet",
                    body: #"{"version":0,"sujetId":"\#(a.sujets[0])"}"#, allowed: ["examiner of A's lot"]),
                Row(name: "save a sheet", method: .put, path: fiche, body: #"{"version":0,\#(R.grid)}"#,
                    allowed: ["examiner of A's lot"]),
                Row(name: "lock a lot", method: .post, path: "/api/correction/groupes/\(a.groups[0])/verrouillage",
                    allowed: ["examiner of A's lot"]),
                Row(name: "unlock a lot", method: .post, path: "/api/correction/groupes/\(a.groups[0])/deverrouillage",
                    body: #"{"motif":"Matrice"}"#, allowed: ["centre A", "coordinator of the exam"]),
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
                ("A's sheets placed in B's slot", .post, "\(a.path)/creneaux/\(b.morning)/candidats", R.fiches([a.fiches[2]]), a.centreId),
                ("B's lot unlocked by A's centre", .post, "/api/correction/groupes/\(b.groups[0])/deverrouillage",
                 #"{"motif":"Matrice"}"#, a.centreId),
                ("B's sheet drawn by A's examiner", .post, "/api/correction/fiches/\(b.fiches[0])/tirage", #"{"version":0}"#,
                 a.examiners[0]),
                ("B's sheet saved by A's examiner", .put, "/api/correction/fiches/\(b.fiches[0])", #"{"version":0,\#(R.grid)}"#,
                 a.examiners[0]),
                ("A's other lot locked by A's examiner", .post, "/api/correction/groupes/\(a.groups[1])/verrouillage", nil,
                 a.examiners[0]),
                ("A's other lot's sheet saved by A's examiner", .put, "/api/correction/fiches/\(a.fiches[1])",
                 #"{"version":0,\#(R.grid)}"#, a.examiners[0]),
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
}
