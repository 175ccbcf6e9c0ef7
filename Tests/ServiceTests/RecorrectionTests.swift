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
@testable import Inscriptions
@testable import Missions

/// Issue 22 items 3 and 4 through the gateway, on a commission built by the real flow: the closing
/// pays the coordinator their flat fee (role `coordinateur` in the CSV); after it, the académie's
/// gestionnaire asks for one candidate's re-marking, the exam's coordinator re-marks, and Cyclades
/// holds the new grade with the old one and the reason, the other candidate's untouched, the
/// services faits unchanged.
@Suite(.serialized) struct RecorrectionTests {
    typealias Rules = RoadMapRuleTests
    static let session = CorrectionTests.session
    static let besancon = CorrectionTests.besancon

    struct Services: Decodable, Equatable {
        var items: [Ligne]
        var totalCentimes: Int
        struct Ligne: Decodable, Equatable {
            var intervenantId: UUID; var role: String; var candidatsEvalues: Int; var montantCentimes: Int; var centres: [String]
        }
    }
    struct Notes: Decodable {
        var items: [Note]
        struct Note: Decodable { var numero: String; var demiPoints: Int?; var historique: [Remplacee] }
        struct Remplacee: Decodable { var demiPoints: Int?; var motif: String? }
    }
    struct Demandes: Decodable { var items: [Demande]; struct Demande: Decodable { var id: UUID; var etat: String; var numero: String } }
    struct Audit: Decodable { var items: [Entree]; struct Entree: Decodable { var action: String; var motif: String? } }

    @Test func aClosedCandidateIsReMarkedOnRequestWithItsHistoryAndNobodyIsPaidTwice() async throws {
        try await Rules.withPlatform { h, publisher in
            let c = try await Rules.commission(h, publisher, candidats: 2, coordinator: true)
            let examiner = c.examiners[0], coordinator = try #require(c.coordinator)
            let (premier, second) = (try #require(c.candidatIds[c.numeros[0]]), try #require(c.candidatIds[c.numeros[1]]))
            let demande = "\(c.path)/recorrections"
            let body = #"{"candidatId":"\#(premier)","motif":"Recours gracieux de la famille"}"#
            #expect(try await h.call(.post, "\(c.path)/distribution", Rules.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            for fiche in c.fiches { try await Rules.grade(h, fiche, as: examiner) }
            #expect(try await h.call(.post, "/api/correction/groupes/\(c.groups[0])/verrouillage", as: examiner).status == .ok)

            // An open commission: the editor is the way, not a re-marking.
            let ouverte = try await h.call(.post, demande, body, as: Self.besancon)
            #expect(ouverte.status == .conflict && CorrectionTests.kind(ouverte) == "exam-not-closed", "\(String(buffer: ouverte.body))")

            #expect(try await h.call(.post, "\(c.path)/cloture", as: c.centreId).status == .ok)
            try await Rules.cyclades(second) { $0?.demiPoints == 37 }
            try await Rules.cyclades(premier) { $0?.demiPoints == 37 }
            let closings = try await Processed.outbox(of: "correction", where: "event_type = 'epreuve.closed' AND body ILIKE '%\(c.centre)%'")
            try await Processed.inbox(of: "missions", closings)

            // Item 4: the coordinator's flat fee, priced by their mission's pay type, with their role.
            let paiements = "/api/missions/sessions/\(Self.session)/services-faits"
            func services() async throws -> [Services.Ligne] {
                try await h.decode(Services.self, .get, paiements, as: Self.besancon).items
                    .filter { [examiner.userId, coordinator.userId].contains($0.intervenantId) }
            }
            let avant = try await services()
            #expect(avant.first { $0.intervenantId == examiner.userId } == .init(
                intervenantId: examiner.userId, role: "examinateur", candidatsEvalues: 2, montantCentimes: 1000, centres: [c.centre]))
            #expect(avant.first { $0.intervenantId == coordinator.userId } == .init(
                intervenantId: coordinator.userId, role: "coordinateur", candidatsEvalues: 0, montantCentimes: 15_000, centres: [c.centre]))
            let csv = String(buffer: try await h.call(.get, "\(paiements).csv", as: Self.besancon).body)
            #expect(csv.contains(";coordinateur;coordinateur;\(coordinator.login);Coord;Test;0;ECE-FORFAIT-COORDINATION;150,00\r\n"), "\(csv)")

            // Who may ask: the académie's gestionnaire, with a reason, for a candidate of the commission.
            let paris = Identity(userId: UUID(), login: "gest.01", role: .gestionnaire, scope: .academie("01"))
            #expect(try await h.call(.post, demande, body, as: paris).status == .forbidden)
            #expect(try await h.call(.post, demande, body, as: c.centreId).status == .forbidden)
            #expect(try await h.call(.post, demande, body, as: coordinator).status == .forbidden)
            #expect(try await h.call(.post, demande, #"{"candidatId":"\#(premier)","motif":"  "}"#, as: Self.besancon)
                .status == .unprocessableContent)
            #expect(try await h.call(.post, demande, #"{"candidatId":"\#(UUID())","motif":"Recours"}"#, as: Self.besancon)
                .status == .notFound)
            let id = try await h.decode(CorrectionTests.Created.self, .post, demande, body, as: Self.besancon, expect: .created).id
            let encore = try await h.call(.post, demande, body, as: Self.besancon)
            #expect(encore.status == .conflict && CorrectionTests.kind(encore) == "already-done")

            // The coordinator sees it pending; a stranger coordinator sees nothing of it.
            let liste = "/api/correction/sessions/\(Self.session)/recorrections"
            let ouvertes = try await h.decode(Demandes.self, .get, liste, as: coordinator).items
            #expect(ouvertes.contains { $0.id == id && $0.etat == "ouverte" && $0.numero == c.numeros[0] })
            let autre = Identity(userId: UUID(), login: "coord.autre.\(UUID().uuidString.prefix(6))", role: .coordinateur,
                                 scope: .academie("03"))
            #expect(try await h.decode(Demandes.self, .get, liste, as: autre).items.allSatisfy { $0.id != id })

            // Who may re-mark: the exam's coordinator only, on the version they read.
            let fiche = try await h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(c.fiches[0])", as: coordinator)
            let notation = "/api/correction/recorrections/\(id)/notation"
            let recorrige = #"{"version":\#(fiche.version),\#(Rules.grid),"noteFinale":30,"motifAjustement":"Protocole non respecté"}"#
            #expect(try await h.call(.post, notation, recorrige, as: examiner).status == .forbidden)
            #expect(try await h.call(.post, notation, recorrige, as: autre).status == .notFound)
            // SVT's coordinator in the same académie (convoked as Imag'In tells Santorin) neither.
            let svt = Intervenant(id: UUID(), login: "coord.svt.\(UUID().uuidString.prefix(6).lowercased())", nom: "Svt", prenom: "Test",
                                  email: nil, uai: nil, divisions: [])
            try await MissionsTests.publish(publisher, EventEnvelope(producer: "missions", correlationId: "svt", payload: ConvocationIssued(
                convocationId: UUID(), missionId: UUID(), kind: .coordinateur, session: Self.session, epreuve: "T012B", academie: "03",
                centreUAI: nil, intervenant: svt, activationCodeSHA256: String(repeating: "0", count: 64))))
            let coordinateurSVT = Identity(userId: svt.id, login: svt.login, role: .coordinateur, scope: .academie("03"))
            try await waitUntil {
                try await h.call(.get, "/api/correction/sessions/\(Self.session)/epreuves/T012B/statistiques", as: coordinateurSVT).status == .ok
            }
            #expect(try await h.call(.post, notation, recorrige, as: coordinateurSVT).status == .notFound)
            #expect(try await h.decode(Demandes.self, .get, liste, as: coordinateurSVT).items.allSatisfy { $0.id != id })
            let perimee = #"{"version":\#(fiche.version - 1),\#(Rules.grid)}"#
            #expect(try await h.call(.post, notation, perimee, as: coordinator).status == .conflict)
            let sansMotif = #"{"version":\#(fiche.version),\#(Rules.grid),"noteFinale":30}"#
            #expect(try await h.call(.post, notation, sansMotif, as: coordinator).status == .unprocessableContent)
            // Still frozen for its examiner: only the request opens it, to the coordinator.
            let figee = try await h.call(.put, "/api/correction/fiches/\(c.fiches[0])",
                                         #"{"version":\#(fiche.version),\#(Rules.grid),"finaliser":true}"#, as: examiner)
            #expect(figee.status == .conflict && CorrectionTests.kind(figee) == "exam-closed")
            #expect(try await h.call(.post, notation, recorrige, as: coordinator).status == .ok)
            let refaite = try await h.call(.post, notation, recorrige, as: coordinator)
            #expect(refaite.status == .conflict && CorrectionTests.kind(refaite) == "already-done")
            #expect(try await h.decode(Demandes.self, .get, liste, as: Self.besancon).items.contains { $0.id == id && $0.etat == "faite" })

            // Cyclades: the new grade, the old one kept with the reason; the other candidate untouched.
            try await Rules.cyclades(premier) { $0?.demiPoints == 30 && $0?.remplacees == 1 }
            try await Rules.cyclades(second) { $0?.demiPoints == 37 && $0?.remplacees == 0 }
            let notes = try await h.decode(Notes.self, .get, "/api/inscriptions/sessions/\(Self.session)/notes?epreuve=T011B&centre=\(c.centre)",
                                           as: Self.besancon).items
            let historique = notes.first { $0.numero == c.numeros[0] }?.historique.map { "\($0.demiPoints ?? -1) \($0.motif ?? "")" }
            #expect(historique == ["37 Recours gracieux de la famille"])
            let grades = String(buffer: try await h.call(.get, "/api/inscriptions/sessions/\(Self.session)/notes.csv?epreuve=T011B&centre=\(c.centre)",
                                                         as: Self.besancon).body)
            #expect(grades.contains(";note;15;1;1;note 18,5 (recorrection : Recours gracieux de la famille)\r\n"), "\(grades)")

            // Imag'In got the re-marking and paid nobody again.
            let recorrection = try await Processed.outbox(of: "correction", where: "event_type = 'epreuve.closed' AND body ILIKE '%\(id)%'")
            #expect(recorrection.count == 1)
            try await Processed.inbox(of: "missions", recorrection)
            #expect(try await services() == avant)

            // Everything is in the sheet's audit.
            let audit = try await h.decode(Audit.self, .get, "/api/correction/fiches/\(c.fiches[0])/audit", as: Self.besancon).items
            #expect(audit.contains { $0.action == "recorrection.demandee" && $0.motif == "Recours gracieux de la famille" })
            #expect(audit.contains { $0.action == "fiche.recorrigee" && $0.motif == "Protocole non respecté" })
            #expect(audit.contains { $0.action == "recorrection.faite" && $0.motif == "Recours gracieux de la famille" })
            // And the sheet itself carries the new mark (the event alone would not show a re-marking left unwritten).
            let remarquee = try await h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(c.fiches[0])", as: coordinator)
            #expect(remarquee.noteFinale == 30 && remarquee.statut == "notee")
        }
    }
}
