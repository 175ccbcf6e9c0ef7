import Foundation
import Shared

/// Cyclades' API (`APIProtocol`, generated from openapi.yaml's `inscriptions` operations). Each
/// operation's role is checked before any body is read (`gardes`); its perimeter (an académie, a
/// school, a centre) here, on the resource the operation touches. The areas are in their own files:
/// the directory (Annuaire), the candidates (Candidats), the assignment (Affectations), the export of
/// examiners and coordinators (Designations) and the grades that come back (Notes).
struct InscriptionsAPI: APIProtocol {
    let repository: InscriptionsRepository
    let affectations: AffectationRepository
    let designations: DesignationRepository
    let annuaire: AnnuaireRepository

    /// A streamed file (the candidates', the school directory): read line by line, never held whole.
    static let limiteFichier = 100 << 20

    /// Who calls each operation and how large its body may be, checked before any body is read.
    static let gardes: [String: Garde] = [
        "lireUtilisateurInscriptions": .authentifie,
        // Annuaire
        "listerAcademies": .authentifie, "enregistrerAcademie": Garde(.admin),
        "listerEtablissements": .authentifie, "lireEtablissement": .authentifie,
        "importerAnnuaire": Garde(.gestionnaire, .admin, limite: limiteFichier),
        "enregistrerEtablissement": Garde(.gestionnaire, .admin),
        "enregistrerCentreDEpreuve": Garde(.gestionnaire, .admin), "supprimerCentreDEpreuve": Garde(.gestionnaire, .admin),
        // Candidats
        "listerSessions": .authentifie, "ouvrirSession": Garde(.dsii, .admin),
        "importerCandidats": Garde(.gestionnaire, limite: limiteFichier),
        "listerCandidats": Garde(.gestionnaire, .etablissement, .dsii, .admin), "lireCandidat": Garde(.gestionnaire, .dsii, .admin),
        "modifierCandidat": Garde(.gestionnaire), "enregistrerInscription": Garde(.gestionnaire), "supprimerInscription": Garde(.gestionnaire),
        // Affectations
        "listerDelegations": Garde(.gestionnaire, .etablissement),
        "creerDelegation": Garde(.gestionnaire), "supprimerDelegation": Garde(.gestionnaire),
        "affecterCandidats": Garde(.gestionnaire, .etablissement), "suggererAffectations": Garde(.gestionnaire, .etablissement),
        "supprimerAffectation": Garde(.gestionnaire), "publierAffectations": Garde(.gestionnaire),
        // Designations
        "listerDesignations": Garde(.gestionnaire, .etablissement), "creerDesignation": Garde(.gestionnaire, .etablissement),
        "importerDesignations": Garde(.gestionnaire, .etablissement, limite: limiteFichier),
        "supprimerDesignation": Garde(.gestionnaire, .etablissement),
        // Notes
        "lireRemontee": Garde(.gestionnaire, .centre, .etablissement, .dsii, .admin),
        "listerNotes": Garde(.gestionnaire, .admin, .etablissement), "exporterNotes": Garde(.gestionnaire, .admin, .etablissement),
    ]

    func lireUtilisateurInscriptions(_ input: Operations.LireUtilisateurInscriptions.Input) async throws
        -> Operations.LireUtilisateurInscriptions.Output {
        .ok(.init(body: .json(try Pont.vue(ServiceRuntime.WhoAmI(try RequeteGeneree.moi())))))
    }

    // MARK: perimeters

    /// The gestionnaire's académie (the role is the guard's).
    func gestionnaireAcademie() throws -> String {
        guard case .academie(let academie) = try RequeteGeneree.moi().scope else { throw Problem.forbidden("académie requise") }
        return academie
    }

    /// Who assigns: the académie's gestionnaire, or a school for the exams delegated to it.
    func acteur(_ caller: Identity, session: Int) async throws -> Affectation.Acteur {
        switch caller.scope {
        case .academie(let academie): return .gestionnaire(academie: academie)
        case .etablissement(let uai):
            return .etablissement(uai: uai, delegations: try await affectations.delegatedExams(session: session, uai: uai))
        case .national: throw Problem.forbidden("portée nationale / national scope")
        }
    }
}
