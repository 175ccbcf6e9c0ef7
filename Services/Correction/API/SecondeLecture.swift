import Foundation
import Shared

/// Harmonisation before closing: the coordination of the exam in the académie, or the centre and
/// its référent in their own centre, ask second looks (by hand or a sample per examiner) and settle
/// them; the designated second reader grades blind in the editor; the first examiner reads the outcome.
extension CorrectionAPI {
    var secondes: SecondeLectureRepository { SecondeLectureRepository(fiches: fiches) }

    func listerSecondesLectures(_ input: Operations.ListerSecondesLectures.Input) async throws -> Operations.ListerSecondesLectures.Output {
        let (commission, _) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        return .ok(.init(body: .json(.init(items: try Pont.vue(try await secondes.liste(commission.key))))))
    }

    /// Sheets picked by hand (1 to 100), with the reader named or left to the platform.
    func demanderSecondesLectures(_ input: Operations.DemanderSecondesLectures.Input) async throws
        -> Operations.DemanderSecondesLectures.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let demandees = try Correspondance.uuids(body.fiches, "fiches")
        guard (1...100).contains(demandees.count) else {
            throw Problem.validation([.init(field: "fiches", reason: "1 à 100 fiches / 1 to 100 sheets")])
        }
        let lecteur = try body.lecteurId.map { try Correspondance.uuid($0, "lecteurId") }
        let items = try await secondes.demander(commission.key, fiches: demandees, lecteur: lecteur, by: caller)
        return .created(.init(body: .json(.init(items: try Pont.vue(items)))))
    }

    /// A random sample of 1 to 20 graded sheets per examiner.
    func demanderEchantillon(_ input: Operations.DemanderEchantillon.Input) async throws -> Operations.DemanderEchantillon.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        guard (1...20).contains(body.parExaminateur) else {
            throw Problem.validation([.init(field: "parExaminateur", reason: "1 à 20 fiches par examinateur / 1 to 20 per examiner")])
        }
        let items = try await secondes.echantillon(commission.key, parExaminateur: body.parExaminateur, by: caller)
        return .created(.init(body: .json(.init(items: try Pont.vue(items)))))
    }

    func arbitrer(_ input: Operations.Arbitrer.Input) async throws -> Operations.Arbitrer.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        let lecture = try Correspondance.id(input.path.lecture, "seconde lecture")
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        return .ok(.init(body: .json(try Pont.vue(try await secondes.trancher(commission.key, lecture: lecture, try Pont.lu(body),
                                                                              by: caller)))))
    }

    /// The sheet for its designated second reader, still convoked on its commission: blind.
    func lireSecondeLecture(_ input: Operations.LireSecondeLecture.Input) async throws -> Operations.LireSecondeLecture.Output {
        let caller = try RequeteGeneree.moi()
        let fiche = try await secondes.aveugle(try Correspondance.id(input.path.id, "fiche"), by: caller)
        guard try await commissions.examinateur(caller, on: fiche.key) != nil else { throw Problem.notFound("fiche") }
        return .ok(.init(body: .json(try Pont.vue(fiche))))
    }

    func enregistrerSecondeLecture(_ input: Operations.EnregistrerSecondeLecture.Input) async throws
        -> Operations.EnregistrerSecondeLecture.Output {
        let caller = try RequeteGeneree.moi()
        let id = try Correspondance.id(input.path.id, "fiche")
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        guard let fiche = try await fiches.fiche(id), try await commissions.examinateur(caller, on: fiche.key) != nil else {
            throw Problem.notFound("fiche")
        }
        return .ok(.init(body: .json(try Pont.vue(try await secondes.enregistrer(id, try Pont.lu(body), by: caller)))))
    }

    func listerMesSecondesLectures(_ input: Operations.ListerMesSecondesLectures.Input) async throws
        -> Operations.ListerMesSecondesLectures.Output {
        .ok(.init(body: .json(try Pont.vue(try await secondes.mes(login: try RequeteGeneree.moi().login)))))
    }
}
