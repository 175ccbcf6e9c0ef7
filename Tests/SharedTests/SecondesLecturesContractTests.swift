import Foundation
import Shared
import Testing

/// Issue 22 item 4: the second readers' services faits travel in `epreuve.closed`'s additive optional
/// `secondesLectures`, never in `servicesFaits`, whose decoder in a Missions that predates them knows
/// no `second_lecteur` role (docs/events.md).
@Suite struct SecondesLecturesContractTests {
    static func cloture(services: [ServiceFait], secondes: [ServiceFait]?, recorrection: Recorrection? = nil) -> EpreuveClosed {
        EpreuveClosed(closureId: UUID(), session: 2027, academie: "03", epreuve: "T011B", centreUAI: "0251080N", chunk: 1, chunks: 1,
                      notes: [NoteCandidat(candidatId: UUID(), numero: "N1", resultat: .note(demiPoints: 30))], servicesFaits: services,
                      closureVersion: 1, recorrection: recorrection, secondesLectures: secondes)
    }

    @Test func secondReadersTravelOutsideTheServicesFaitsAnOlderDecoderReads() throws {
        let examinateur = ServiceFait(intervenantId: UUID(), missionId: UUID(), candidatsEvalues: 4, role: .examinateur)
        let lecteur = ServiceFait(intervenantId: UUID(), missionId: UUID(), candidatsEvalues: 2, role: .secondLecteur)
        #expect(Self.cloture(services: [examinateur], secondes: [lecteur]).invalidity == nil)
        #expect(Self.cloture(services: [examinateur, lecteur], secondes: nil).invalidity == "second_lecteur outside secondesLectures")
        var autre = lecteur
        autre.role = .examinateur
        #expect(Self.cloture(services: [examinateur], secondes: [autre]).invalidity != nil, "only second readers there")
        autre = lecteur
        autre.candidatsEvalues = 0
        #expect(Self.cloture(services: [examinateur], secondes: [autre]).invalidity != nil, "a reader read a sheet at least")
        #expect(Self.cloture(services: [], secondes: [lecteur], recorrection: Recorrection(recorrectionId: UUID(), version: 1, motif: "Recours"))
            .invalidity != nil, "a re-marking pays nobody")

        // On the wire: the old field holds only the roles every Missions knows; an event without the new field decodes as before.
        let json = try JSONEncoder().encode(Self.cloture(services: [examinateur], secondes: [lecteur]))
        let objet = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect((objet["servicesFaits"] as? [[String: Any]])?.compactMap { $0["role"] as? String } == ["examinateur"])
        #expect((objet["secondesLectures"] as? [[String: Any]])?.compactMap { $0["role"] as? String } == ["second_lecteur"])
        var ancien = objet
        ancien.removeValue(forKey: "secondesLectures")
        let relu = try JSONDecoder().decode(EpreuveClosed.self, from: try JSONSerialization.data(withJSONObject: ancien))
        #expect(relu.secondesLectures == nil && relu.servicesFaits == [examinateur])
    }
}
