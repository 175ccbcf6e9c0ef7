import Foundation
import Shared

/// A commission (exam × centre): what it is, its examiners, candidates and subjects, the groups of
/// examiners and the half-day slots the centre sets up, and its own audit.
extension CorrectionAPI {
    func lireCommission(_ input: Operations.LireCommission.Input) async throws -> Operations.LireCommission.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        let effectifs = try await commissions.effectifs(commission.key)
        let membre = caller.role == .examinateur ? try await commissions.examinateur(caller, on: commission.key) : nil
        return .ok(.init(body: .json(.init(
            commission: try Pont.vue(commission), groupes: try Pont.vue(try await commissions.groupes(commission.key, membre: membre)),
            creneaux: try Pont.vue(try await commissions.creneaux(commission.key)),
            candidats: effectifs.candidats, nonDistribues: effectifs.nonDistribues))))
    }

    func listerExaminateurs(_ input: Operations.ListerExaminateurs.Input) async throws -> Operations.ListerExaminateurs.Output {
        let (commission, _) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        return .ok(.init(body: .json(.init(items: try Pont.vue(try await commissions.examinateurs(commission.key))))))
    }

    /// The candidates, with the manual distribution's filters.
    func listerFiches(_ input: Operations.ListerFiches.Input) async throws -> Operations.ListerFiches.Output {
        let (commission, _) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        let q = input.query
        var filtre = FiltreFiches(division: q.division, uaiOrigine: q.origine, nomDe: q.nomDe, nomA: q.nomA)
        filtre.creneau = try Correspondance.critere(q.creneau, "creneau")
        filtre.groupe = try Correspondance.critere(q.groupe, "groupe")
        filtre.nonDistribues = q.nonDistribues ?? false
        filtre.sansCreneau = q.sansCreneau ?? false
        return .ok(.init(body: .json(.init(items: try await commissions.fiches(commission.key, filtre).map(Correspondance.vue)))))
    }

    /// The published subjects a slot may offer (titles only once visible).
    func listerSujetsOfferts(_ input: Operations.ListerSujetsOfferts.Input) async throws -> Operations.ListerSujetsOfferts.Output {
        let (commission, _) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        return .ok(.init(body: .json(.init(items: try Pont.vue(try await commissions.sujets(commission.key))))))
    }

    /// The commission's own audit (its lots, distribution, closing and reopening), newest first.
    func lireAuditCommission(_ input: Operations.LireAuditCommission.Input) async throws -> Operations.LireAuditCommission.Output {
        let (commission, _) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        return .ok(.init(body: .json(.init(items: try Pont.vue(try await fiches.audit(commission: commission.key))))))
    }

    // MARK: groups

    /// A group of examiners, all convoked on this exam × centre.
    func creerGroupe(_ input: Operations.CreerGroupe.Input) async throws -> Operations.CreerGroupe.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let nom = body.nom.trimmingCharacters(in: .whitespacesAndNewlines)
        let membres = try Correspondance.uuids(body.membres, "membres")
        try await verifierGroupe(commission.key, nom: nom, membres: membres)
        let id = try await commissions.createGroupe(commission.key, nom: nom, membres: membres, by: caller)
        return .created(.init(body: .json(Correspondance.cree(id))))
    }

    /// « Un groupe par examinateur »: each examiner convoked here and in no group gets their own.
    func creerGroupesParExaminateur(_ input: Operations.CreerGroupesParExaminateur.Input) async throws
        -> Operations.CreerGroupesParExaminateur.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        let crees = try await commissions.createGroupesParExaminateur(commission.key, by: caller)
        return .ok(.init(body: .json(.init(items: crees.map { .init(id: $0.id.uuidString, nom: $0.nom, membre: $0.membre.uuidString) }))))
    }

    /// Renames a group or changes its examiners (one added; an ill one replaced: the lot stays the
    /// group's, so its sheets go to the replacement). The repository rechecks the rules.
    func modifierGroupe(_ input: Operations.ModifierGroupe.Input) async throws -> Operations.ModifierGroupe.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        let groupe = try Correspondance.id(input.path.groupe, "groupe")
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let nom = body.nom?.trimmingCharacters(in: .whitespacesAndNewlines)
        let membres = try body.membres.map { try Correspondance.uuids($0, "membres") }
        guard nom != nil || membres != nil else {
            throw Problem.validation([.init(field: "nom", reason: "nom ou membres à changer / name or members to change")])
        }
        try await verifierGroupe(commission.key, nom: nom, membres: membres)
        try await commissions.modifierGroupe(commission.key, groupe: groupe, nom: nom, membres: membres, by: caller)
        return .noContent(.init())
    }

    /// Dissolves a group whose lot is empty.
    func dissoudreGroupe(_ input: Operations.DissoudreGroupe.Input) async throws -> Operations.DissoudreGroupe.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        try await commissions.dissoudreGroupe(commission.key, groupe: try Correspondance.id(input.path.groupe, "groupe"), by: caller)
        return .noContent(.init())
    }

    /// A group's name (1 to 100 characters) and examiners (1 to 20, distinct, convoked here): 422 otherwise.
    private func verifierGroupe(_ key: CommissionKey, nom: String?, membres: [UUID]?) async throws {
        var errors: [Problem.FieldError] = []
        if let nom, !(1...100).contains(nom.count) { errors.append(.init(field: "nom", reason: "1 à 100 caractères / 1 to 100 characters")) }
        if let membres {
            if membres.isEmpty || membres.count > 20 || Set(membres).count != membres.count {
                errors.append(.init(field: "membres", reason: "1 à 20 examinateurs distincts / 1 to 20 distinct examiners"))
            }
            let convoked = Set(try await commissions.examinateurs(key).map(\.intervenantId))
            for (i, membre) in membres.enumerated() where !convoked.contains(membre) {
                errors.append(.init(field: "membres[\(i)]", reason: "non convoqué(e) sur cette épreuve et ce centre / not convoked here"))
            }
        }
        guard errors.isEmpty else { throw Problem.validation(errors) }
    }

    // MARK: slots

    /// A half-day slot and its subjects (the physique-chimie draw rule is checked here); `heure`,
    /// when the candidates are convoked (optional: the convocation then says the half-day only);
    /// `candidats`, who to place there at once (the repository fills the slot's room).
    func creerCreneau(_ input: Operations.CreerCreneau.Input) async throws -> Operations.CreerCreneau.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let sujets = try Correspondance.uuids(body.sujets, "sujets")
        var errors: [Problem.FieldError] = []
        let jourValide = body.jour.count == 10 && (try? Date(body.jour + "T12:00:00Z", strategy: .iso8601)) != nil
        if !jourValide { errors.append(.init(field: "jour", reason: "date AAAA-MM-JJ / YYYY-MM-DD date")) }
        if let heure = body.heure, FrenchFormat.heure(heure) == nil {
            errors.append(.init(field: "heure", reason: "heure HH:MM / HH:MM time"))
        }
        let autres = try await commissions.creneaux(commission.key).map { Set($0.sujets) }
        errors += Creneau.violations(epreuve: commission.epreuve, session: commission.session, demandes: sujets,
                                     connus: try await commissions.sujetsOfferts(commission.key, ids: sujets),
                                     autresCreneaux: autres)
        if let c = body.candidats {
            if let max = c.max, !(1...10_000).contains(max) {
                errors.append(.init(field: "candidats.max", reason: "de 1 à 10 000 / 1 to 10,000"))
            }
            for (champ, valeur) in [("division", c.division), ("origine", c.origine), ("nomDe", c.nomDe), ("nomA", c.nomA)]
            where (valeur?.count ?? 0) > 100 {
                errors.append(.init(field: "candidats.\(champ)", reason: "100 caractères au plus / 100 characters at most"))
            }
        }
        guard errors.isEmpty else { throw Problem.validation(errors) }
        let candidats = body.candidats.map {
            (filtre: FiltreFiches(division: $0.division, uaiOrigine: $0.origine, nomDe: $0.nomDe, nomA: $0.nomA), max: $0.max)
        }
        let cree = try await commissions.createCreneau(commission.key, jour: body.jour, demiJournee: body.demiJournee.rawValue,
                                                       heure: body.heure, sujets: sujets, choix: body.choix ?? false,
                                                       candidats: candidats, by: caller)
        return .created(.init(body: .json(.init(id: cree.id.uuidString, candidats: cree.candidats))))
    }

    func placerCandidats(_ input: Operations.PlacerCandidats.Input) async throws -> Operations.PlacerCandidats.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        let creneau = try Correspondance.id(input.path.creneau, "créneau")
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let fiches = try Self.nombre(try Correspondance.uuids(body.fiches, "fiches"))
        return .ok(.init(body: .json(.init(candidats: try await commissions.placer(commission.key, creneau: creneau, fiches: fiches,
                                                                                    by: caller)))))
    }

    /// Candidates back out of their slot (not yet graded, out of any lot).
    func retirerCandidats(_ input: Operations.RetirerCandidats.Input) async throws -> Operations.RetirerCandidats.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let fiches = try Self.nombre(try Correspondance.uuids(body.fiches, "fiches"))
        return .ok(.init(body: .json(.init(candidats: try await commissions.placer(commission.key, creneau: nil, fiches: fiches,
                                                                                    by: caller)))))
    }

    // MARK: distribution

    /// Manual distribution (the filters choose the sheets; this moves them); `groupeId` null takes them out.
    func distribuer(_ input: Operations.Distribuer.Input) async throws -> Operations.Distribuer.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        guard case .json(let body) = input.body else { throw Correspondance.jsonAttendu }
        let fiches = try Self.nombre(try Correspondance.uuids(body.fiches, "fiches"))
        let groupe = try body.groupeId.map { try Correspondance.uuid($0, "groupeId") }
        return .ok(.init(body: .json(.init(candidats: try await commissions.distribuer(commission.key, fiches: fiches, vers: groupe,
                                                                                        by: caller)))))
    }

    /// The automatic distribution, keeping each division in one lot unless told otherwise.
    func distribuerAutomatiquement(_ input: Operations.DistribuerAutomatiquement.Input) async throws
        -> Operations.DistribuerAutomatiquement.Output {
        let (commission, caller) = try await visible(input.path.annee, input.path.epreuve, input.path.centre)
        var garderDivisions: Bool?
        if case .json(let body)? = input.body { garderDivisions = body.garderDivisions }
        let repartition = try await commissions.distribuerAutomatiquement(commission.key, garderDivisions: garderDivisions ?? true,
                                                                          by: caller)
        return .ok(.init(body: .json(try Pont.vue(repartition))))
    }
}
