import Foundation
import Hummingbird
import Shared
import Testing
import TestSupport
@testable import Correction

/// Harmonisation before closing (issue 22 item 2), through the gateway on a commission the real
/// events built: the coordinator samples a graded sheet per examiner, the second reader grades
/// blind, a wide gap is flagged, the coordination settles with a reason, the lot and the closing
/// wait for it, and Cyclades receives the settled mark. Each refusal as an attacker with a valid account.
@Suite(.serialized) struct SecondeLectureTests {
    typealias R = RoadMapRuleTests
    struct Lectures: Decodable { var items: [Lecture] }
    struct Lecture: Decodable {
        var id: UUID; var ficheId: UUID; var numero: String; var origine: String; var premierExaminateur: String; var lecteur: String
        var statut: String; var notePremiere: Int; var noteSeconde: Int?; var ecart: Int?; var signalee: Bool; var noteRetenue: Int?
        var motif: String?
    }
    struct Mes: Decodable {
        var aLire: [ALire]; var issues: [Issue]
        struct ALire: Decodable { var ficheId: UUID; var statut: String }
        struct Issue: Decodable { var ficheId: UUID; var statut: String; var notePremiere: Int; var noteRetenue: Int?; var motif: String? }
    }

    /// The first examiner's grid (A, A, B: 37 half points) with a general comment the second reader must never read.
    static let premiere = #""grille":{"evaluations":[{"code":"APP","evaluation":{"type":"niveau","niveau":"A"}},{"code":"REA","evaluation":{"type":"niveau","niveau":"A"}},{"code":"VAL","evaluation":{"type":"niveau","niveau":"B"}}],"appels":[],"aides":[],"commentaires":{"REA":"Geste sûr"},"commentaire":"Commentaire du premier examinateur"}"#
    /// D, C, D: 12 × 1/3 = 4 points (8 half points).
    static let severe = #""grille":{"evaluations":[{"code":"APP","evaluation":{"type":"niveau","niveau":"D"}},{"code":"REA","evaluation":{"type":"niveau","niveau":"C"}},{"code":"VAL","evaluation":{"type":"niveau","niveau":"D"}}],"appels":[],"aides":[],"commentaires":{}}"#

    @Test func aSampleIsReadBlindFlaggedSettledAndTheSettledMarkReachesCyclades() async throws {
        try await R.withPlatform { h, publisher in
            let a = try await R.commission(h, publisher, candidats: 5, examiners: 2, coordinator: true)
            let (commission, centreId, coordinateur) = (a.path, a.centreId, a.coordinator!)
            let (e0, e1) = (a.examiners[0], a.examiners[1])
            let referent = Identity(userId: UUID(), login: "referent.\(a.centre)", role: .referent, scope: .etablissement(a.centre))
            let autreReferent = Identity(userId: UUID(), login: "referent.0251080N", role: .referent, scope: .etablissement("0251080N"))
            let autreCoordinateur = Identity(userId: UUID(), login: "coord.\(UUID().uuidString.prefix(6))", role: .coordinateur,
                                             scope: .academie("03"))
            let paris = Identity(userId: UUID(), login: "coord.paris", role: .coordinateur, scope: .academie("01"))
            let lectures = "\(commission)/secondes-lectures"

            // e0's room gets three candidates, e1's two; everybody graded but the last, the first examiner's comment on e0's.
            #expect(try await h.call(.post, "\(commission)/distribution", R.move(Array(a.fiches[0..<3]), to: a.groups[0]), as: centreId).status == .ok)
            #expect(try await h.call(.post, "\(commission)/distribution", R.move(Array(a.fiches[3..<5]), to: a.groups[1]), as: centreId).status == .ok)
            for fiche in a.fiches[0..<3] {
                let drawn = try await h.decode(CorrectionTests.Fiche.self, .post, "/api/correction/fiches/\(fiche)/tirage", #"{"version":0}"#, as: e0)
                _ = try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(fiche)",
                                       #"{"version":\#(drawn.version),\#(Self.premiere),"finaliser":true}"#, as: e0)
            }
            try await R.grade(h, a.fiches[3], as: e1)

            // Only a graded sheet; only the coordination, the centre, its référent; a reader other than the first examiner.
            R.refused(try await h.call(.post, lectures, R.fiches([a.fiches[4]]), as: coordinateur), .conflict, "non notée")
            for intrus in [autreReferent, autreCoordinateur, paris, CorrectionTests.besancon, e1] {
                #expect(try await h.call(.post, lectures, R.fiches([a.fiches[0]]), as: intrus).status == .forbidden, "\(intrus.login)")
                #expect(try await h.call(.post, "\(lectures)/echantillon", #"{"parExaminateur":1}"#, as: intrus).status == .forbidden)
            }
            let soi = #"{"fiches":["\#(a.fiches[0])"],"lecteurId":"\#(e0.userId)"}"#
            R.refused(try await h.call(.post, lectures, soi, as: coordinateur), .unprocessableContent, "lecteurId")
            R.refused(try await h.call(.post, "\(lectures)/echantillon", #"{"parExaminateur":0}"#, as: coordinateur),
                      .unprocessableContent, "parExaminateur")
            R.refused(try await h.call(.post, lectures, R.fiches([UUID()]), as: coordinateur), .notFound, "fiche")

            // The coordinator's sample: one graded sheet per examiner, each read by the other.
            let sample = try await h.decode(Lectures.self, .post, "\(lectures)/echantillon", #"{"parExaminateur":1}"#,
                                            as: coordinateur, expect: .created).items
            #expect(sample.count == 2 && Set(sample.map(\.premierExaminateur)).count == 2 && sample.allSatisfy { $0.origine == "echantillon" })
            #expect(sample.allSatisfy { $0.lecteur != $0.premierExaminateur && $0.statut == "demandee" })
            let l0 = try #require(sample.first { a.fiches[0..<3].contains($0.ficheId) })
            let l1 = try #require(sample.first { $0.ficheId == a.fiches[3] })
            #expect(l0.notePremiere == 37 && l1.notePremiere == 37)
            // By hand, the référent adds one of e0's other sheets; twice is once.
            let autre = a.fiches[0..<3].first { $0 != l0.ficheId }!
            let l2 = try #require(try await h.decode(Lectures.self, .post, lectures, R.fiches([autre]), as: referent, expect: .created).items.first)
            #expect(l2.origine == "choix")
            R.refused(try await h.call(.post, lectures, R.fiches([autre]), as: referent), .conflict, "déjà")

            // Blind: the designated reader gets the grid and its barème, nothing of the first examiner's.
            let aveugle = "/api/correction/fiches/\(l0.ficheId)/seconde-lecture"
            let vue = try await h.call(.get, aveugle, as: e1)
            #expect(vue.status == .ok)
            let texte = String(buffer: vue.body)
            #expect(!texte.contains("Commentaire du premier") && !texte.contains("Geste sûr") && !texte.contains(#""niveau":"A""#), "\(texte)")
            let blind = try JSONDecoder.iso.decode(CorrectionTests.Fiche.self, from: vue.body)
            #expect(blind.noteFinale == nil && blind.noteSuggeree == nil && blind.bareme == CorrectionTests.bareme && blind.statut == "a_noter")
            // Nobody else reads it this way; the reader does not read the sheet itself (not their lot) nor its audit.
            for intrus in [e0] { #expect(try await h.call(.get, aveugle, as: intrus).status == .notFound) }
            for intrus in [coordinateur, centreId] { #expect(try await h.call(.get, aveugle, as: intrus).status == .forbidden) }
            #expect(try await h.call(.get, "/api/correction/fiches/\(l0.ficheId)", as: e1).status == .notFound)
            #expect(try await h.call(.get, "/api/correction/fiches/\(l0.ficheId)/audit", as: e1).status == .notFound)
            #expect(try await h.call(.put, aveugle, #"{"version":0,\#(Self.severe),"finaliser":true}"#, as: e0).status == .notFound)

            // While a look is open: the first examiner no longer changes the mark, the lot is not locked, the centre does not close.
            let courante = try await h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(l0.ficheId)", as: e0)
            R.refused(try await h.call(.put, "/api/correction/fiches/\(l0.ficheId)", #"{"version":\#(courante.version),\#(R.grid),"finaliser":true}"#, as: e0),
                      .conflict, "seconde lecture")
            R.refused(try await h.call(.post, "/api/correction/groupes/\(a.groups[0])/verrouillage", as: e0), .conflict, "seconde lecture")
            let tot = try await h.call(.post, "\(commission)/cloture", as: centreId)
            #expect(tot.status == .conflict && CorrectionTests.kind(tot) == "incomplete", "\(String(buffer: tot.body))")

            // The second reading differs widely: flagged; no override, no absence in a second reading; settling waits for it.
            R.refused(try await h.call(.post, "\(lectures)/\(l0.id)/arbitrage", #"{"choix":"premiere","motif":"Trop tôt"}"#, as: coordinateur),
                      .conflict, "seconde lecture")
            R.refused(try await h.call(.put, aveugle, #"{"version":0,\#(Self.severe),"finaliser":true,"noteFinale":30}"#, as: e1),
                      .unprocessableContent, "noteFinale")
            let lue = try await h.decode(CorrectionTests.Fiche.self, .put, aveugle, #"{"version":0,\#(Self.severe),"finaliser":true}"#, as: e1)
            #expect(lue.statut == "notee" && lue.noteFinale == 8)
            #expect(try await h.call(.put, aveugle, #"{"version":0,\#(Self.severe)}"#, as: e1).status == .conflict, "a stale version")
            let premiere = try await h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(l0.ficheId)", as: e0)
            #expect(premiere.noteFinale == 37 && premiere.version == courante.version, "the first mark untouched")
            var etat = try await h.decode(Lectures.self, .get, lectures, as: coordinateur).items
            let signalee = try #require(etat.first { $0.id == l0.id })
            #expect(signalee.statut == "lue" && signalee.noteSeconde == 8 && signalee.ecart == 29 && signalee.signalee)
            // Before the settling, the sheet's audit names to its first examiner neither the reader
            // nor the second mark (the security review's F1: it did).
            let journalDuPremier = "/api/correction/fiches/\(l0.ficheId)/audit"
            let avantIssue = try await h.decode(CorrectionTests.Audit.self, .get, journalDuPremier, as: e0).items
            #expect(!avantIssue.contains { $0.action.hasPrefix("seconde_lecture") }, "\(avantIssue.map(\.action))")
            // e0 reads e1's sheet alike: no gap, nothing flagged.
            let a1 = "/api/correction/fiches/\(l1.ficheId)/seconde-lecture"
            let v1 = try await h.decode(CorrectionTests.Fiche.self, .get, a1, as: e0)
            _ = try await h.decode(CorrectionTests.Fiche.self, .put, a1, #"{"version":\#(v1.version),\#(R.grid),"finaliser":true}"#, as: e0)
            etat = try await h.decode(Lectures.self, .get, lectures, as: centreId).items
            #expect(etat.first { $0.id == l1.id }.map { $0.ecart == 0 && !$0.signalee } == true)

            // Settling: a reason is mandatory; outside the perimeter refused; the sheet's mark changes, audited.
            let arbitrage = "\(lectures)/\(l0.id)/arbitrage"
            R.refused(try await h.call(.post, arbitrage, #"{"choix":"autre","noteFinale":24,"motif":"   "}"#, as: coordinateur),
                      .unprocessableContent, "motif")
            R.refused(try await h.call(.post, arbitrage, #"{"choix":"autre","motif":"Sans note"}"#, as: coordinateur),
                      .unprocessableContent, "noteFinale")
            for intrus in [autreReferent, autreCoordinateur, paris, CorrectionTests.besancon, e0, e1] {
                #expect(try await h.call(.post, arbitrage, #"{"choix":"seconde","motif":"Intrus"}"#, as: intrus).status == .forbidden, "\(intrus.login)")
            }
            let tranchee = try await h.decode(Lecture.self, .post, arbitrage,
                                              #"{"choix":"autre","noteFinale":24,"motif":"Démarche partielle : harmonisation"}"#, as: coordinateur)
            #expect(tranchee.statut == "tranchee" && tranchee.noteRetenue == 24)
            R.refused(try await h.call(.post, arbitrage, #"{"choix":"premiere","motif":"Encore"}"#, as: coordinateur), .conflict, "déjà")
            let apres = try await h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(l0.ficheId)", as: centreId)
            #expect(apres.noteFinale == 24 && apres.version == courante.version + 1)
            let audit = try await h.decode(CorrectionTests.Audit.self, .get, "/api/correction/fiches/\(l0.ficheId)/audit", as: centreId).items
            #expect(audit.map(\.action).suffix(3) == ["seconde_lecture.demandee", "seconde_lecture.lue", "seconde_lecture.tranchee"])
            let apresIssue = try await h.decode(CorrectionTests.Audit.self, .get, journalDuPremier, as: e0).items
            #expect(apresIssue.map(\.action).filter { $0.hasPrefix("seconde_lecture") } == ["seconde_lecture.tranchee"], "the outcome, once settled")
            #expect(audit.last?.motif == "Démarche partielle : harmonisation" && audit.last?.apres?.contains(#""note_finale": 24"#) == true,
                    "\(audit.last?.apres ?? "")")
            #expect(try await h.call(.put, aveugle, #"{"version":\#(lue.version),\#(Self.severe),"finaliser":true}"#, as: e1).status == .conflict,
                    "a settled look is final")
            #expect(try await h.call(.post, "\(lectures)/\(l1.id)/arbitrage", #"{"choix":"premiere","motif":"Concordance"}"#, as: referent).status == .ok)

            // The first examiner reads the outcome; the reader finds what they read.
            let issues = try await h.decode(Mes.self, .get, "/api/correction/mes-secondes-lectures", as: e0).issues
            let issue = try #require(issues.first { $0.ficheId == l0.ficheId })
            #expect(issue.statut == "tranchee" && issue.notePremiere == 37 && issue.noteRetenue == 24 && issue.motif == "Démarche partielle : harmonisation")
            #expect(try await h.decode(Mes.self, .get, "/api/correction/mes-secondes-lectures", as: e1).aLire.map(\.ficheId).contains(l0.ficheId))

            // l2 still open: e0's lot waits; once read and settled, it locks and the centre closes.
            R.refused(try await h.call(.post, "/api/correction/groupes/\(a.groups[0])/verrouillage", as: e0), .conflict, "seconde lecture")
            let a2 = "/api/correction/fiches/\(l2.ficheId)/seconde-lecture"
            let v2 = try await h.decode(CorrectionTests.Fiche.self, .get, a2, as: e1)
            _ = try await h.decode(CorrectionTests.Fiche.self, .put, a2, #"{"version":\#(v2.version),\#(R.grid),"finaliser":true}"#, as: e1)
            #expect(try await h.call(.post, "\(lectures)/\(l2.id)/arbitrage", #"{"choix":"seconde","motif":"Concordance"}"#, as: centreId).status == .ok)
            try await R.absent(h, a.fiches[4], as: e1)
            #expect(try await h.call(.post, "/api/correction/groupes/\(a.groups[0])/verrouillage", as: e0).status == .ok)
            #expect(try await h.call(.post, "/api/correction/groupes/\(a.groups[1])/verrouillage", as: e1).status == .ok)
            #expect(try await h.call(.post, "\(commission)/cloture", as: centreId).status == .ok)
            R.refused(try await h.call(.post, "\(lectures)/echantillon", #"{"parExaminateur":1}"#, as: coordinateur), .conflict, "close")

            // Cyclades has the settled mark, the others as graded.
            try await R.cyclades(try #require(a.candidatIds[l0.numero])) { $0?.demiPoints == 24 }
            try await R.cyclades(try #require(a.candidatIds[l1.numero])) { $0?.demiPoints == 37 }
        }
    }

    /// The security review's F4: while a look is open, the centre can move neither the sheet into its
    /// reader's lot nor the reader into the sheet's group (the reader would read the sheet itself).
    @Test func whileALookIsOpenItsReaderAndItsSheetStayApart() async throws {
        try await R.withPlatform { h, publisher in
            let a = try await R.commission(h, publisher, candidats: 3, examiners: 3)
            let (commission, centre, e) = (a.path, a.centreId, a.examiners)
            let (g0, g1) = (a.groups[0], a.groups[1])
            #expect(try await h.call(.post, "\(commission)/distribution", R.move(Array(a.fiches[0..<2]), to: g0), as: centre).status == .ok)
            #expect(try await h.call(.post, "\(commission)/distribution", R.move([a.fiches[2]], to: g1), as: centre).status == .ok)
            // The reader (e2) shares a room with e1.
            #expect(try await h.call(.delete, "\(commission)/groupes/\(a.groups[2])", as: centre).status == .noContent)
            let avecLecteur = #"{"membres":["\#(e[1].userId)","\#(e[2].userId)"]}"#
            #expect(try await h.call(.patch, "\(commission)/groupes/\(g1)", avecLecteur, as: centre).status == .noContent)
            try await R.grade(h, a.fiches[0], as: e[0])
            let lecture = try #require(try await h.decode(Lectures.self, .post, "\(commission)/secondes-lectures",
                                                          #"{"fiches":["\#(a.fiches[0])"],"lecteurId":"\#(e[2].userId)"}"#,
                                                          as: centre, expect: .created).items.first)

            // The sheet into the reader's lot, the reader into the sheet's group: 409, nothing changed.
            let deplacee = try await h.call(.post, "\(commission)/distribution", R.move([a.fiches[0]], to: g1), as: centre)
            #expect(deplacee.status == .conflict && CorrectionTests.kind(deplacee) == "invalid-state", "\(String(buffer: deplacee.body))")
            #expect(String(buffer: deplacee.body).contains(a.numeros[0]))
            // Nor out of its lot, whence the automatic distribution could put it in its reader's (the review after F4).
            let sortie = try await h.call(.post, "\(commission)/distribution", R.move([a.fiches[0]], to: nil), as: centre)
            #expect(sortie.status == .conflict && CorrectionTests.kind(sortie) == "invalid-state", "\(String(buffer: sortie.body))")
            #expect(try await h.call(.patch, "\(commission)/groupes/\(g1)", #"{"membres":["\#(e[1].userId)"]}"#, as: centre).status == .noContent)
            let rejoint = #"{"membres":["\#(e[0].userId)","\#(e[2].userId)"]}"#
            let regroupe = try await h.call(.patch, "\(commission)/groupes/\(g0)", rejoint, as: centre)
            #expect(regroupe.status == .conflict && CorrectionTests.kind(regroupe) == "invalid-state", "\(String(buffer: regroupe.body))")
            // The reader still reads blind: not their lot.
            #expect(try await h.call(.get, "/api/correction/fiches/\(a.fiches[0])", as: e[2]).status == .notFound)
            // The other sheet of that lot, with no look, moves as before.
            #expect(try await h.call(.post, "\(commission)/distribution", R.move([a.fiches[1]], to: g1), as: centre).status == .ok)

            // Once read and settled, the look no longer holds them apart.
            let aveugle = "/api/correction/fiches/\(a.fiches[0])/seconde-lecture"
            let vue = try await h.decode(CorrectionTests.Fiche.self, .get, aveugle, as: e[2])
            _ = try await h.decode(CorrectionTests.Fiche.self, .put, aveugle, #"{"version":\#(vue.version),\#(R.grid),"finaliser":true}"#, as: e[2])
            #expect(try await h.call(.post, "\(commission)/secondes-lectures/\(lecture.id)/arbitrage", #"{"choix":"premiere","motif":"Concordance"}"#,
                                     as: centre).status == .ok)
            #expect(try await h.call(.patch, "\(commission)/groupes/\(g0)", rejoint, as: centre).status == .noContent)
        }
    }
}
