import Foundation
import OpenAPIRuntime
import Shared

/// Road map, "Affecter les candidats": the académie assigns, or delegates an exam's assignment to a
/// school; then it publishes the assignments to Correction (`affectations.published`).
extension InscriptionsAPI {
    func listerDelegations(_ input: Operations.ListerDelegations.Input) async throws -> Operations.ListerDelegations.Output {
        let session = try RequeteGeneree.session(input.path.annee)
        switch try RequeteGeneree.moi().scope {
        case .academie(let academie):
            return .ok(.init(body: .json(try await delegations(session: session, academie: academie))))
        case .etablissement(let uai):
            return .ok(.init(body: .json(.init(items: try await affectations.delegations(session: session, academie: nil, uai: uai)
                .map(Correspondance.vue)))))
        case .national:
            throw Problem.forbidden("portée nationale / national scope")
        }
    }

    private func delegations(session: Int, academie: String) async throws -> Components.Schemas.Delegations {
        .init(items: try await affectations.delegations(session: session, academie: academie, uai: nil).map(Correspondance.vue))
    }

    func creerDelegation(_ input: Operations.CreerDelegation.Input) async throws -> Operations.CreerDelegation.Output {
        let academie = try gestionnaireAcademie()
        let session = try RequeteGeneree.session(input.path.annee)
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        guard EpreuvePratique(rawValue: body.epreuve) != nil else {
            throw Problem.validation([.init(field: "epreuve", reason: EpreuvePratique.allCases.map(\.rawValue).joined(separator: ", "))])
        }
        guard try await affectations.delegate(session: session, epreuve: body.epreuve, uai: body.uai.uppercased(),
                                              academie: academie, by: try RequeteGeneree.moi().userId)
        else {
            throw Problem.validation([.init(field: "uai", reason: "établissement inconnu dans l'académie / unknown school of the académie")])
        }
        return .created(.init(body: .json(try await delegations(session: session, academie: academie))))
    }

    func supprimerDelegation(_ input: Operations.SupprimerDelegation.Input) async throws -> Operations.SupprimerDelegation.Output {
        let academie = try gestionnaireAcademie()
        guard try await affectations.revoke(session: try RequeteGeneree.session(input.path.annee), epreuve: input.path.epreuve,
                                            uai: input.path.uai.uppercased(), academie: academie)
        else { throw Problem.notFound("délégation") }
        return .noContent(.init())
    }

    /// All or nothing: one refused line refuses the batch, and every refusal says why.
    func affecterCandidats(_ input: Operations.AffecterCandidats.Input) async throws -> Operations.AffecterCandidats.Output {
        let caller = try RequeteGeneree.moi()
        let session = try RequeteGeneree.session(input.path.annee)
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        guard (1...5000).contains(body.affectations.count) else {
            throw Problem.validation([.init(field: "affectations", reason: "1 à 5 000 affectations / 1 to 5,000")])
        }
        let refusals = try await affectations.assign(session: session, body.affectations.map(Correspondance.lu),
                                                     acteur: try await acteur(caller, session: session), role: caller.role, by: caller.userId)
        guard refusals.isEmpty else {
            throw Problem(.unprocessableContent, type: "assignment-refused",
                          title: "Affectations refusées, aucune enregistrée / Assignments refused, none stored",
                          detail: "\(refusals.count) refus", errors: refusals)
        }
        return .ok(.init(body: .json(.init(affectees: body.affectations.count))))
    }

    func suggererAffectations(_ input: Operations.SuggererAffectations.Input) async throws -> Operations.SuggererAffectations.Output {
        let session = try RequeteGeneree.session(input.path.annee)
        let items = try await affectations.suggestions(session: session, acteur: try await acteur(try RequeteGeneree.moi(), session: session),
                                                       epreuve: input.query.epreuve)
        return .ok(.init(body: .json(.init(items: items.map(Correspondance.vue)))))
    }

    func supprimerAffectation(_ input: Operations.SupprimerAffectation.Input) async throws -> Operations.SupprimerAffectation.Output {
        let academie = try gestionnaireAcademie()
        guard try await affectations.unassign(session: try RequeteGeneree.session(input.path.annee), numero: input.path.numero,
                                              epreuve: input.path.epreuve, academie: academie)
        else { throw Problem.notFound("affectation (ou résultat déjà reçu) / assignment") }
        return .noContent(.init())
    }

    /// Sends the académie's assignments to Correction (`affectations.published`, per centre × exam).
    func publierAffectations(_ input: Operations.PublierAffectations.Input) async throws -> Operations.PublierAffectations.Output {
        let academie = try gestionnaireAcademie()
        let (groups, events) = try await affectations.publish(
            session: try RequeteGeneree.session(input.path.annee), academie: academie, epreuve: input.query.epreuve,
            correlationId: try RequeteGeneree.courant().correlationId)
        return .ok(.init(body: .json(.init(centresEpreuves: groups, evenements: events))))
    }
}
