import Foundation
import Shared

/// The grading editor on a candidate's sheet (read, draw or choose the subject, save), its offer
/// and audit, the examiner's lots, and their locking.
extension CorrectionAPI {
    func lireFiche(_ input: Operations.LireFiche.Input) async throws -> Operations.LireFiche.Output {
        .ok(.init(body: .json(try Pont.vue(try await lisible(input.path.id).0))))
    }

    /// One save: the version read, the grid (draft or final), an absence, an override with its reason.
    /// A stale version gets 409 with the sheet as it stands. Only an examiner of the sheet's lot,
    /// convoked on its exam × centre, writes on it: the repository checks it under lock (404 otherwise).
    func enregistrerFiche(_ input: Operations.EnregistrerFiche.Input) async throws -> Operations.EnregistrerFiche.Output {
        let caller = try RequeteGeneree.moi()
        let id = try Correspondance.id(input.path.id, "fiche")
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        return .ok(.init(body: .json(try Pont.vue(try await fiches.enregistrer(id, try Pont.lu(body), by: caller)))))
    }

    func tirerSujet(_ input: Operations.TirerSujet.Input) async throws -> Operations.TirerSujet.Output {
        let caller = try RequeteGeneree.moi()
        let id = try Correspondance.id(input.path.id, "fiche")
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        return .ok(.init(body: .json(try Pont.vue(try await fiches.tirer(id, version: body.version, by: caller)))))
    }

    /// The subject chosen where the slot lets the candidate choose.
    func enregistrerSujetTire(_ input: Operations.EnregistrerSujetTire.Input) async throws -> Operations.EnregistrerSujetTire.Output {
        let caller = try RequeteGeneree.moi()
        let id = try Correspondance.id(input.path.id, "fiche")
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let sujet = try Correspondance.uuid(body.sujetId, "sujetId")
        return .ok(.init(body: .json(try Pont.vue(try await fiches.choisir(id, sujet: sujet, version: body.version, by: caller)))))
    }

    /// The subjects the sheet's slot offers, for the editor: who reads the sheet reads its offer.
    func lireOffre(_ input: Operations.LireOffre.Input) async throws -> Operations.LireOffre.Output {
        .ok(.init(body: .json(try Pont.vue(try await fiches.offre(try await lisible(input.path.id).0)))))
    }

    func lireAuditFiche(_ input: Operations.LireAuditFiche.Input) async throws -> Operations.LireAuditFiche.Output {
        let (fiche, caller) = try await lisible(input.path.id)
        var items = try await fiches.audit(fiche: fiche.id)
        // An examiner of the lot learns a second look's outcome once settled, never before who
        // reads it nor what they gave (the security review's F1).
        if caller.role == .examinateur { items.removeAll { ["seconde_lecture.demandee", "seconde_lecture.lue"].contains($0.action) } }
        return .ok(.init(body: .json(.init(items: try Pont.vue(items)))))
    }

    // MARK: lots

    func listerMesLots(_ input: Operations.ListerMesLots.Input) async throws -> Operations.ListerMesLots.Output {
        .ok(.init(body: .json(.init(items: try Pont.vue(try await fiches.mesLots(login: try RequeteGeneree.moi().login))))))
    }

    /// The lot's examiner locks it; so may, on their behalf, whoever follows the correction of its
    /// exam × centre (the centre, its référent, a coordinator convoked for the exam, the académie's
    /// gestionnaire). The audit names who did.
    func verrouillerLot(_ input: Operations.VerrouillerLot.Input) async throws -> Operations.VerrouillerLot.Output {
        let caller = try RequeteGeneree.moi()
        let lot = try await lot(input.path.id, caller)
        let candidats = try await fiches.verrouiller(lot, by: caller, correlationId: try RequeteGeneree.courant().correlationId)
        return .ok(.init(body: .json(.init(candidats: candidats))))
    }

    /// The same four, never the examiner, unlock with a reason.
    func deverrouillerLot(_ input: Operations.DeverrouillerLot.Input) async throws -> Operations.DeverrouillerLot.Output {
        let caller = try RequeteGeneree.moi()
        let lot = try await lot(input.path.id, caller)
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        try await fiches.deverrouiller(lot, motif: try Self.motif(body.motif), by: caller,
                                       correlationId: try RequeteGeneree.courant().correlationId)
        return .noContent(.init())
    }
}
