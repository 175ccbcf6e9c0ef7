import Foundation
import OpenAPIRuntime
import Shared

/// The directory of académies, schools and centres d'épreuve. The national administrator keeps all
/// of it; an académie's gestionnaire keeps their académie's schools and centres.
extension InscriptionsAPI {
    /// The académie a caller keeps; nil for the national administrator.
    private func perimetre() throws -> String? {
        let caller = try RequeteGeneree.moi()
        switch caller.scope {
        case .national where caller.role == .admin: return nil
        case .academie(let code) where caller.role == .gestionnaire: return code
        default: throw Problem.forbidden("administrateur ou gestionnaire d'académie / admin or académie's gestionnaire")
        }
    }

    private var journal: String { (try? RequeteGeneree.moi().login) ?? "?" }

    func listerAcademies(_ input: Operations.ListerAcademies.Input) async throws -> Operations.ListerAcademies.Output {
        .ok(.init(body: .json(.init(items: try await annuaire.academies().map(Correspondance.vue)))))
    }

    /// An académie, or a regroupement of centres abroad: national reference data.
    func enregistrerAcademie(_ input: Operations.EnregistrerAcademie.Input) async throws -> Operations.EnregistrerAcademie.Output {
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        let code = input.path.code.uppercased()
        let nom = body.nom.trimmingCharacters(in: .whitespaces), nature = body.nature?.rawValue ?? "academie"
        var errors: [Problem.FieldError] = []
        if !(2...3).contains(code.count) || !code.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) {
            errors.append(.init(field: "code", reason: "2 ou 3 chiffres ou lettres / 2 or 3 digits or letters"))
        }
        if !AnnuaireCSV.isText(nom, 1...100) { errors.append(.init(field: "nom", reason: "1 à 100 caractères / 1 to 100 characters")) }
        guard errors.isEmpty else { throw Problem.validation(errors) }
        let academie = Academie(code: code, nom: nom, nature: nature)
        let created = try await annuaire.enregistrer(academie)
        try RequeteGeneree.courant().logger.notice("académie recorded", metadata: ["code": "\(code)", "by": "\(journal)"])
        let vue = Correspondance.vue(academie)
        return created ? .created(.init(body: .json(vue))) : .ok(.init(body: .json(vue)))
    }

    /// The directory's schools, searched by UAI or name (`q`), centres only (`centres=true`), by page.
    func listerEtablissements(_ input: Operations.ListerEtablissements.Input) async throws -> Operations.ListerEtablissements.Output {
        let q = input.query
        let recherche = q.q.map { String($0.prefix(100)) }.flatMap { $0.isEmpty ? nil : $0 }
        let page = q.page.map { min(max($0, 1), 100_000) } ?? 1
        let perPage = q.perPage.map { min(max($0, 1), 10_000) } ?? 10_000
        let (items, total) = try await repository.etablissements(academie: q.academie, recherche: recherche,
                                                                 centres: q.centres == true, page: page, perPage: perPage)
        return .ok(.init(body: .json(.init(items: try items.map { try Pont.vue($0) }, page: page, perPage: perPage, total: total))))
    }

    func lireEtablissement(_ input: Operations.LireEtablissement.Input) async throws -> Operations.LireEtablissement.Output {
        guard let (etablissement, centre) = try await annuaire.etablissement(try Correspondance.uai(input.path.uai)) else {
            throw Problem.notFound("établissement")
        }
        return .ok(.init(body: .json(try Correspondance.fiche(etablissement, centre))))
    }

    /// One school, checked exactly as a line of the directory file is.
    func enregistrerEtablissement(_ input: Operations.EnregistrerEtablissement.Input) async throws
        -> Operations.EnregistrerEtablissement.Output {
        let perimetre = try perimetre()
        let uai = try Correspondance.uai(input.path.uai)
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        if let perimetre, let existant = try await annuaire.etablissement(uai)?.0, existant.academie != perimetre {
            throw Problem.forbidden("établissement d'une autre académie / another académie's school")
        }
        var csv = AnnuaireCSV(academies: Set(try await annuaire.academies().map(\.code)), academie: perimetre)
        func quoted(_ value: String) -> String { "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
        let line = [uai, body.nom, body.commune ?? "", body.academie, body.autonome ? "oui" : "non",
                    body.latitude.map { "\($0)" } ?? "", body.longitude.map { "\($0)" } ?? ""].map(quoted).joined(separator: ";")
        csv.feed(Array((AnnuaireCSV.columns.joined(separator: ";") + ";latitude;longitude\n" + line + "\n").utf8))
        csv.finish()
        // One line exactly: a field with a line break in it is an error, never a second school.
        guard csv.errorCount == 0, csv.lineNumber == 2, csv.etablissements.count == 1, let etablissement = csv.etablissements.first else {
            throw Problem.validation(csv.errors.map { .init(field: $0.column, reason: $0.reason) })
        }
        guard case .fait(let bilan) = try await annuaire.enregistrer([etablissement], perimetre: perimetre) else {
            throw Problem.conflict(.regle, "établissement avec des candidats dans son académie : il n'en change pas / has candidates in its académie")
        }
        let fiche = try Correspondance.fiche(etablissement, try await annuaire.etablissement(uai)?.1)
        return bilan.crees == 1 ? .created(.init(body: .json(fiche))) : .ok(.init(body: .json(fiche)))
    }

    /// The school directory, streamed and checked line by line; all or nothing unless `?partiel=true`
    /// (then the valid lines are recorded and the others reported). Importing it again changes nothing.
    func importerAnnuaire(_ input: Operations.ImporterAnnuaire.Input) async throws -> Operations.ImporterAnnuaire.Output {
        let perimetre = try perimetre()
        guard case .csv(let fichier) = input.body else { throw Problem.badRequest("CSV attendu / CSV expected") }
        let partiel = input.query.partiel == true
        var csv = AnnuaireCSV(academies: Set(try await annuaire.academies().map(\.code)), academie: perimetre)
        for try await chunk in fichier { csv.feed(chunk) }
        csv.finish()
        var etablissements = csv.etablissements
        var bilan = BilanAnnuaire()
        if csv.errorCount == 0 || partiel {
            switch try await annuaire.enregistrer(etablissements, perimetre: perimetre) {
            case .fait(let fait): bilan = fait
            case .refuse(let refus):
                for (uai, raison) in refus { csv.error(csv.line(of: uai), "academie", raison) }
                if partiel {
                    let refuses = Set(refus.map(\.uai))
                    etablissements.removeAll { refuses.contains($0.uai) }
                    // Nothing else can be refused: the refused schools were the only ones that moved.
                    if case .fait(let fait) = try await annuaire.enregistrer(etablissements, perimetre: perimetre) { bilan = fait }
                }
            }
        }
        if csv.errorCount > 0 && !partiel {
            throw Problem.fichierRefuse(csv.errors, total: csv.errorCount)
        }
        try RequeteGeneree.courant().logger.notice("school directory imported", metadata: [
            "lines": "\(etablissements.count)", "created": "\(bilan.crees)", "updated": "\(bilan.modifies)", "by": "\(journal)",
        ])
        return .ok(.init(body: .json(.init(
            lignes: max(csv.lineNumber - 1, 0), crees: bilan.crees, modifies: bilan.modifies, inchanges: bilan.inchanges,
            encodage: .init(rawValue: csv.encoding), separateur: String(csv.separator ?? ";"),
            nombreErreurs: csv.errorCount, erreurs: csv.errors.map(Correspondance.vue)))))
    }

    /// What a school hosts as a centre d'épreuve; refused (409) when it would leave assigned candidates
    /// without their centre or over its capacity.
    func enregistrerCentreDEpreuve(_ input: Operations.EnregistrerCentreDEpreuve.Input) async throws
        -> Operations.EnregistrerCentreDEpreuve.Output {
        let uai = try await modifiable(input.path.uai)
        guard case .json(let body) = input.body else { throw Problem.badRequest("JSON attendu / JSON expected") }
        let centre = try Pont.lu(body, comme: CentreDEpreuve.self)
        let errors = centre.erreurs
        guard errors.isEmpty else { throw Problem.validation(errors) }
        return .ok(.init(body: .json(try await changer(uai, centre))))
    }

    func supprimerCentreDEpreuve(_ input: Operations.SupprimerCentreDEpreuve.Input) async throws
        -> Operations.SupprimerCentreDEpreuve.Output {
        _ = try await changer(try await modifiable(input.path.uai), nil)
        return .noContent(.init())
    }

    /// The school named by the path, when the caller keeps it.
    private func modifiable(_ texte: String) async throws -> String {
        let perimetre = try perimetre()
        let uai = try Correspondance.uai(texte)
        guard let existant = try await annuaire.etablissement(uai)?.0 else { throw Problem.notFound("établissement") }
        if let perimetre, existant.academie != perimetre {
            throw Problem.forbidden("établissement d'une autre académie / another académie's school")
        }
        return uai
    }

    private func changer(_ uai: String, _ centre: CentreDEpreuve?) async throws -> Components.Schemas.FicheEtablissement {
        switch try await annuaire.definirCentre(uai, centre) {
        case .inconnu: throw Problem.notFound("établissement")
        case .refuse(let refus): throw Problem.conflict(.regle, refus.joined(separator: " ; "))
        case .fait:
            try RequeteGeneree.courant().logger.notice("centre d'épreuve changed", metadata: ["uai": "\(uai)", "by": "\(journal)"])
            guard let (etablissement, centre) = try await annuaire.etablissement(uai) else { throw Problem.notFound("établissement") }
            return try Correspondance.fiche(etablissement, centre)
        }
    }
}
