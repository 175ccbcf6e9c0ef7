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
}
