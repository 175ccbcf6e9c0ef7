import Foundation
import OpenAPIRuntime
import Shared

/// Between the generated types (`Components.Schemas`, from openapi.yaml) and Cyclades' own. Responses
/// map field by field, or through `Pont.vue` (the same JSON) for the store's wide rows; requests the
/// domain refuses to decode are the caller's 400 (`Pont.lu`).
enum Correspondance {
    // MARK: paths

    /// A path's UAI, upper-cased, or 404 as for a school that does not exist.
    static func uai(_ texte: String) throws -> String {
        let uai = texte.uppercased()
        guard UAI.isValid(uai) else { throw Problem.notFound("établissement") }
        return uai
    }

    // MARK: requests

    static func lu(_ affectation: Components.Schemas.Affectation) -> DemandeAffectation {
        DemandeAffectation(numero: affectation.numero, epreuve: affectation.epreuve, centre: affectation.centre)
    }

    static func lu(_ designation: Components.Schemas.NouvelleDesignation) throws -> DemandeDesignation { try Pont.lu(designation) }

    // MARK: responses

    static func vue(_ academie: Academie) -> Components.Schemas.Academie {
        .init(code: academie.code, nom: academie.nom, nature: .init(rawValue: academie.nature))
    }

    static func fiche(_ etablissement: Etablissement, _ centre: CentreDEpreuve?) throws -> Components.Schemas.FicheEtablissement {
        .init(etablissement: .init(uai: etablissement.uai, nom: etablissement.nom, commune: etablissement.commune,
                                   academie: etablissement.academie, autonome: etablissement.autonome,
                                   latitude: etablissement.latitude, longitude: etablissement.longitude),
              centre: try centre.map { try Pont.vue($0) })
    }

    static func vue(_ erreur: ImportError) -> Components.Schemas.ErreurLigne {
        .init(line: erreur.line, column: erreur.column, reason: erreur.reason)
    }

    static func vue(_ delegation: Delegation) -> Components.Schemas.Delegation {
        .init(epreuve: delegation.epreuve, uai: delegation.uai)
    }

    static func vue(_ suggestion: Suggestion) -> Components.Schemas.Suggestion {
        .init(numero: suggestion.numero, epreuve: suggestion.epreuve, centre: suggestion.centre)
    }
}
