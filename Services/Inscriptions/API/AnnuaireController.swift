import Foundation
import Hummingbird
import Shared

/// `/api/inscriptions/academies…` and `/etablissements/…`: the directory of académies, schools and
/// centres d'épreuve. The national administrator keeps all of it; an académie's gestionnaire keeps
/// their académie's schools and centres.
struct AnnuaireController: Sendable {
    let annuaire: AnnuaireRepository

    func addRoutes(to group: RouterGroup<ECERequestContext>) {
        group.get("academies", use: academies)
        group.put("academies/:code", use: enregistrerAcademie)
        group.post("etablissements/import", use: importer)
        group.get("etablissements/:uai", use: etablissement)
        group.put("etablissements/:uai", use: enregistrerEtablissement)
        group.put("etablissements/:uai/centre", use: definirCentre)
        group.delete("etablissements/:uai/centre", use: retirerCentre)
    }

    /// The académie a caller keeps; nil for the national administrator.
    private func perimetre(_ context: ECERequestContext) throws -> String? {
        let caller = try context.require(.gestionnaire, .admin)
        switch caller.scope {
        case .national where caller.role == .admin: return nil
        case .academie(let code) where caller.role == .gestionnaire: return code
        default: throw Problem.forbidden("administrateur ou gestionnaire d'académie / admin or académie's gestionnaire")
        }
    }

    struct Academies: ResponseEncodable { var items: [AnnuaireRepository.Academie] }

    @Sendable func academies(_ request: Request, context: ECERequestContext) async throws -> Academies {
        _ = try context.authenticated()
        return Academies(items: try await annuaire.academies())
    }

    struct NouvelleAcademie: Decodable { var nom: String; var nature: String? }

    /// An académie, or a regroupement of centres abroad: national reference data.
    @Sendable func enregistrerAcademie(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<AnnuaireRepository.Academie> {
        _ = try context.require(.admin)
        let code = (context.parameters.get("code") ?? "").uppercased()
        let body = try await request.decode(as: NouvelleAcademie.self, context: context)
        let nom = body.nom.trimmingCharacters(in: .whitespaces), nature = body.nature ?? "academie"
        var errors: [Problem.FieldError] = []
        if !(2...3).contains(code.count) || !code.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) {
            errors.append(.init(field: "code", reason: "2 ou 3 chiffres ou lettres / 2 or 3 digits or letters"))
        }
        if !AnnuaireCSV.isText(nom, 1...100) { errors.append(.init(field: "nom", reason: "1 à 100 caractères / 1 to 100 characters")) }
        if nature != "academie" && nature != "regroupement" { errors.append(.init(field: "nature", reason: "academie ou regroupement")) }
        guard errors.isEmpty else { throw Problem.validation(errors) }
        let academie = AnnuaireRepository.Academie(code: code, nom: nom, nature: nature)
        let created = try await annuaire.enregistrer(academie)
        context.logger.notice("académie recorded", metadata: ["code": "\(code)", "by": "\((try? context.authenticated().login) ?? "?")"])
        return EditedResponse(status: created ? .created : .ok, response: academie)
    }

    struct Fiche: ResponseEncodable {
        var etablissement: Etablissement
        var centre: CentreDEpreuve?
    }

    @Sendable func etablissement(_ request: Request, context: ECERequestContext) async throws -> Fiche {
        _ = try context.authenticated()
        guard let (etablissement, centre) = try await annuaire.etablissement(try uai(context)) else { throw Problem.notFound("établissement") }
        return Fiche(etablissement: etablissement, centre: centre)
    }

    private func uai(_ context: ECERequestContext) throws -> String {
        let uai = (context.parameters.get("uai") ?? "").uppercased()
        guard UAI.isValid(uai) else { throw Problem.notFound("établissement") }
        return uai
    }

    struct Description: Decodable {
        var nom: String
        var commune: String?
        var academie: String
        var autonome: Bool
        var latitude: Double?
        var longitude: Double?
    }

    /// One school, checked exactly as a line of the directory file is.
    @Sendable func enregistrerEtablissement(_ request: Request, context: ECERequestContext) async throws -> EditedResponse<Fiche> {
        let perimetre = try perimetre(context)
        let uai = try uai(context)
        let body = try await request.decode(as: Description.self, context: context)
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
        let centre = try await annuaire.etablissement(uai)?.1
        return EditedResponse(status: bilan.crees == 1 ? .created : .ok, response: Fiche(etablissement: etablissement, centre: centre))
    }

    struct Rapport: ResponseEncodable {
        var lignes: Int
        var crees: Int
        var modifies: Int
        var inchanges: Int
        var encodage: String
        var separateur: String
        var erreurs: [ImportError]
        var nombreErreurs: Int
    }

    /// The school directory, streamed and checked line by line; all or nothing unless `?partiel=true`
    /// (then the valid lines are recorded and the others reported). Importing it again changes nothing.
    @Sendable func importer(_ request: Request, context: ECERequestContext) async throws -> Rapport {
        let perimetre = try perimetre(context)
        let partiel = request.uri.queryParameters["partiel"] == "true"
        var csv = AnnuaireCSV(academies: Set(try await annuaire.academies().map(\.code)), academie: perimetre)
        for try await buffer in request.body { csv.feed(buffer.readableBytesView) }
        csv.finish()
        var etablissements = csv.etablissements
        var bilan = AnnuaireRepository.Bilan()
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
        context.logger.notice("school directory imported", metadata: [
            "lines": "\(etablissements.count)", "created": "\(bilan.crees)", "updated": "\(bilan.modifies)",
            "by": "\((try? context.authenticated().login) ?? "?")",
        ])
        return Rapport(lignes: max(csv.lineNumber - 1, 0), crees: bilan.crees, modifies: bilan.modifies, inchanges: bilan.inchanges,
                       encodage: csv.encoding, separateur: String(csv.separator ?? ";"), erreurs: csv.errors,
                       nombreErreurs: csv.errorCount)
    }

    /// What a school hosts as a centre d'épreuve; refused (409) when it would leave assigned candidates
    /// without their centre or over its capacity.
    @Sendable func definirCentre(_ request: Request, context: ECERequestContext) async throws -> Fiche {
        let uai = try await modifiable(context)
        let centre = try await request.decode(as: CentreDEpreuve.self, context: context)
        let errors = centre.erreurs
        guard errors.isEmpty else { throw Problem.validation(errors) }
        return try await changer(uai, centre, context: context)
    }

    @Sendable func retirerCentre(_ request: Request, context: ECERequestContext) async throws -> Response {
        let uai = try await modifiable(context)
        _ = try await changer(uai, nil, context: context)
        return Response(status: .noContent)
    }

    /// The school named by the path, when the caller keeps it.
    private func modifiable(_ context: ECERequestContext) async throws -> String {
        let perimetre = try perimetre(context)
        let uai = try uai(context)
        guard let existant = try await annuaire.etablissement(uai)?.0 else { throw Problem.notFound("établissement") }
        if let perimetre, existant.academie != perimetre {
            throw Problem.forbidden("établissement d'une autre académie / another académie's school")
        }
        return uai
    }

    private func changer(_ uai: String, _ centre: CentreDEpreuve?, context: ECERequestContext) async throws -> Fiche {
        switch try await annuaire.definirCentre(uai, centre) {
        case .inconnu: throw Problem.notFound("établissement")
        case .refuse(let refus): throw Problem.conflict(.regle, refus.joined(separator: " ; "))
        case .fait:
            context.logger.notice("centre d'épreuve changed", metadata: ["uai": "\(uai)", "by": "\((try? context.authenticated().login) ?? "?")"])
            guard let (etablissement, centre) = try await annuaire.etablissement(uai) else { throw Problem.notFound("établissement") }
            return Fiche(etablissement: etablissement, centre: centre)
        }
    }
}

extension AnnuaireRepository.Academie: ResponseEncodable {}
