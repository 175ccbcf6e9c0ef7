import Foundation
import Shared

/// The closing of a commission (every lot locked: the grades and services faits leave through the
/// outbox), its reopening by the académie, and the re-marking of a candidate after closing: the
/// gestionnaire asks, the exam's coordinator in the académie re-marks.
extension CorrectionAPI {
    func cloturer(_ input: Operations.Cloturer.Input) async throws -> Operations.Cloturer.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        let cloture = try await fiches.cloturer(commission.key, by: caller, correlationId: try RequeteGeneree.courant().correlationId)
        return .ok(.init(body: .json(Correspondance.vue(cloture))))
    }

    func rouvrir(_ input: Operations.Rouvrir.Input) async throws -> Operations.Rouvrir.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        try await fiches.rouvrir(commission.key, motif: try Self.motif(body.motif), by: caller)
        return .noContent(.init())
    }

    // MARK: re-marking

    /// The académie's gestionnaire only (another académie's: 403 on the commission).
    func demanderRecorrection(_ input: Operations.DemanderRecorrection.Input) async throws -> Operations.DemanderRecorrection.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let candidat = try Correspondance.uuid(body.candidatId, "candidatId")
        let id = try await fiches.demanderRecorrection(commission.key, candidat: candidat, motif: try Self.motif(body.motif), by: caller)
        return .created(.init(body: .json(Correspondance.cree(id))))
    }

    /// The gestionnaire reads the académie's requests; a coordinator those of the exams they coordinate there.
    func listerRecorrections(_ input: Operations.ListerRecorrections.Input) async throws -> Operations.ListerRecorrections.Output {
        let caller = try RequeteGeneree.moi()
        guard case .academie(let academie) = caller.scope else { throw Problem.forbidden("portée académique requise / académie scope") }
        let session = try RequeteGeneree.session(input.path.annee)
        let epreuves = caller.role == .coordinateur
            ? try await commissions.coordinations(login: caller.login, session: session, academie: academie) : nil
        let items = try await fiches.recorrections(session: session, academie: academie, epreuves: epreuves)
        return .ok(.init(body: .json(.init(items: try Pont.vue(items)))))
    }

    /// The coordinator only; the repository checks, under lock, that they coordinate the sheet's exam.
    func recorriger(_ input: Operations.Recorriger.Input) async throws -> Operations.Recorriger.Output {
        let caller = try RequeteGeneree.moi()
        let id = try Correspondance.id(input.path.id, "recorrection")
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let note = try await fiches.recorriger(id, try Pont.lu(body), by: caller, correlationId: try RequeteGeneree.courant().correlationId)
        return .ok(.init(body: .json(.init(noteFinale: note))))
    }
}
