import Foundation
import OpenAPIRuntime
import Shared

/// Between the generated types (`Components.Schemas`, from openapi.yaml) and Référentiel's own.
/// Responses map field by field and cannot fail (a write is never followed by a mapping that can);
/// requests the domain refuses to decode are the caller's 400 (`Pont.lu`).
enum Correspondance {
    // MARK: requests

    static func lu(_ input: Components.Schemas.SujetInput) -> SujetInput {
        SujetInput(epreuve: input.epreuve, session: input.session, code: input.code, titre: input.titre,
                   dominante: input.dominante, materiel: input.materiel)
    }

    /// A barème's free-form scale values (`valeurs`) decode as the domain's fractions, or 400.
    static func lu(_ bareme: Components.Schemas.Bareme) throws -> Bareme { try Pont.lu(bareme) }

    /// A path's subject id: 404 when it is none, as for a subject that does not exist.
    static func sujet(_ id: String) throws -> UUID {
        guard let uuid = UUID(uuidString: id) else { throw Problem.notFound("sujet") }
        return uuid
    }

    static func nature(_ nature: Operations.DeposerDocument.Input.Path.NaturePayload) -> NatureDocument {
        nature == .sujet ? .sujet : .examinateur
    }

    static func nature(_ nature: Operations.TelechargerDocument.Input.Path.NaturePayload) -> NatureDocument {
        nature == .sujet ? .sujet : .examinateur
    }

    // MARK: responses

    static func vue(_ sujet: SujetView) -> Components.Schemas.Sujet {
        .init(id: sujet.id.uuidString, epreuve: sujet.epreuve, session: sujet.session, code: sujet.code,
              titre: sujet.titre, dominante: sujet.dominante, materiel: sujet.materiel,
              statut: .init(rawValue: sujet.statut.rawValue), visibleFrom: sujet.visibleFrom,
              documents: sujet.documents.map(vue), baremes: sujet.baremes?.map(vue))
    }

    static func vue(_ document: DocumentView) -> Components.Schemas.DocumentSujet {
        .init(nature: .init(rawValue: document.nature.rawValue), nom: document.nom, taille: document.taille, sha256: document.sha256)
    }

    static func vue(_ version: BaremeVersion) -> Components.Schemas.BaremeVersion {
        .init(version: version.version, valide: version.valide, validatedAt: version.validatedAt, bareme: vue(version.bareme))
    }

    static func vue(_ bareme: Bareme) -> Components.Schemas.Bareme {
        .init(criteres: bareme.criteres.map { critere in
                  .init(code: critere.code, libelle: critere.libelle, partie: critere.partie, poids: critere.poids, echelle: vue(critere.echelle))
              },
              appels: bareme.appels.map { .init(code: $0.code, libelle: $0.libelle) },
              plafonds: .init(mineure: .init(rawValue: bareme.plafonds.mineure.rawValue), majeure: .init(rawValue: bareme.plafonds.majeure.rawValue),
                              solution: .init(rawValue: bareme.plafonds.solution.rawValue)))
    }

    static func vue(_ echelle: Echelle) -> Components.Schemas.Echelle {
        switch echelle {
        case .points: return .init(_type: .points)
        case .niveaux(let v):
            // Strings only, which the container always takes: the empty fallback is never used.
            let valeurs = try? OpenAPIObjectContainer(unvalidatedValue: ["A": v.a.description, "B": v.b.description,
                                                                         "C": v.c.description, "D": v.d.description])
            return .init(_type: .niveaux, valeurs: valeurs ?? OpenAPIObjectContainer())
        }
    }

    static func vue(_ epreuve: Epreuve) -> Components.Schemas.Epreuve {
        .init(code: epreuve.code, libelle: epreuve.libelle, filiere: .init(rawValue: epreuve.filiere),
              dureeMinutes: epreuve.dureeMinutes, dominantes: epreuve.dominantes)
    }

    static func vue(_ violation: BaremeViolation) -> Components.Schemas.Violation {
        .init(field: violation.field, reason: violation.reason)
    }

    /// Read only: the role's mapping cannot fail (one enum in the document and in `Role`), but it is not proven here.
    static func vue(_ identity: Identity) throws -> Components.Schemas.WhoAmI { try Pont.vue(ServiceRuntime.WhoAmI(identity)) }
}
