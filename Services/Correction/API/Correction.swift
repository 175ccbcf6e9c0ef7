import Foundation
import Shared

/// Santorin's API (`APIProtocol`, generated from openapi.yaml's `correction` operations). Each
/// operation's role is checked before any body is read (`gardes`); its scope here, on Santorin's own
/// data: the commission (exam × centre), the sheet or the lot the path names. The areas are in their
/// own files: the commission, the distribution, the editor and the lots, the closing, the documents,
/// the second looks and the re-marking, the follow-up, the messaging.
struct CorrectionAPI: APIProtocol {
    let commissions: CommissionRepository
    let fiches: FicheRepository
    let suivi: SuiviRepository
    let messagerie: MessagerieRepository
    /// The gateway's public address: the evaluation sheets' QR codes open the editor there.
    let publicURL: String

    /// Who follows a commission's correction: its centre and référent, the académie's gestionnaire
    /// and the exam's coordinators there.
    private static let suiveurs = Garde(.centre, .referent, .gestionnaire, .coordinateur)
    /// Who reads a sheet: its lot's examiners and the commission's followers (`lisible` checks the scope).
    static let lecteurs = Garde(.examinateur, .centre, .referent, .gestionnaire, .coordinateur)
    /// Who asks second looks and settles them (`visible` checks the scope).
    private static let arbitres = Garde(.coordinateur, .referent, .centre)
    /// Who reads follow-up and statistics (`perimetre`, Suivi.swift, gives each their perimeter).
    private static let perimetres = Garde(.dsii, .admin, .gestionnaire, .coordinateur, .centre, .referent)
    /// Who writes in the messaging.
    private static let correspondants = Garde(.examinateur, .referent, .centre, .coordinateur, .gestionnaire)

    /// Who calls each operation and how large its body may be, checked before any body is read.
    static let gardes: [String: Garde] = [
        "lireUtilisateurCorrection": .authentifie,
        // the commission
        "lireCommission": Garde(.centre, .referent, .gestionnaire, .coordinateur, .examinateur),
        "listerExaminateurs": suiveurs, "listerFiches": suiveurs, "listerSujetsOfferts": suiveurs, "lireAuditCommission": suiveurs,
        "creerGroupe": Garde(.centre), "creerGroupesParExaminateur": Garde(.centre), "modifierGroupe": Garde(.centre), "dissoudreGroupe": Garde(.centre),
        "creerCreneau": Garde(.centre), "placerCandidats": Garde(.centre), "retirerCandidats": Garde(.centre),
        "distribuer": Garde(.centre), "distribuerAutomatiquement": Garde(.centre, limite: 10_000, corpsFacultatif: true),
        // the closing and the re-marking
        "cloturer": Garde(.centre), "rouvrir": Garde(.gestionnaire),
        "demanderRecorrection": Garde(.gestionnaire), "listerRecorrections": Garde(.gestionnaire, .coordinateur),
        "recorriger": Garde(.coordinateur),
        // the editor and the lots
        // (reading, drawing and saving a sheet are hand-written: Editeur.swift)
        "lireOffre": lecteurs, "lireAuditFiche": lecteurs, "enregistrerSujetTire": Garde(.examinateur),
        "listerMesLots": Garde(.examinateur),
        "verrouillerLot": Garde(.examinateur, .centre, .referent, .coordinateur, .gestionnaire),
        "deverrouillerLot": Garde(.centre, .referent, .coordinateur, .gestionnaire),
        // second looks
        "listerSecondesLectures": Garde(.coordinateur, .referent, .centre, .gestionnaire),
        "demanderSecondesLectures": arbitres, "demanderEchantillon": arbitres, "arbitrer": arbitres,
        "lireSecondeLecture": Garde(.examinateur), "enregistrerSecondeLecture": Garde(.examinateur),
        "listerMesSecondesLectures": Garde(.examinateur),
        // documents
        "imprimerFiches": suiveurs, "imprimerFiche": lecteurs, "archiverFiches": Garde(.centre, .gestionnaire),
        "imprimerEmargement": suiveurs, "imprimerConvocationsCreneau": Garde(.centre, .gestionnaire),
        "recenserAbsences": Garde(.centre),
        "imprimerConvocationCandidat": Garde(.centre, .etablissement, .gestionnaire),
        "listerConvocationsEtablissement": Garde(.etablissement, .gestionnaire),
        "imprimerConvocationsEtablissement": Garde(.etablissement, .gestionnaire),
        // follow-up and statistics
        "lireSuivi": perimetres, "lireStatistiques": perimetres, "lireStatistiquesExaminateurs": perimetres,
        "exporterCandidats": perimetres, "lireMesStatistiques": Garde(.examinateur),
        // messaging: a thread's readers are checked on the thread
        "listerFils": correspondants, "ouvrirFil": correspondants,
        "lireMessages": .authentifie, "posterMessage": .authentifie,
    ]

    func lireUtilisateurCorrection(_ input: Operations.LireUtilisateurCorrection.Input) async throws
        -> Operations.LireUtilisateurCorrection.Output {
        .ok(.init(body: .json(try Pont.vue(ServiceRuntime.WhoAmI(try RequeteGeneree.moi())))))
    }

    // MARK: scope

    /// The commission named by the path, if the caller's scope covers it: its centre (centre,
    /// référent), its académie (gestionnaire, coordinator), a convocation on it (examiner). The
    /// role was checked by the operation's guard.
    func visible(_ annee: Int, _ epreuve: String, _ centre: String) async throws -> (Commission, Identity) {
        let caller = try RequeteGeneree.moi()
        let key = CommissionKey(session: try RequeteGeneree.session(annee), epreuve: epreuve, centre: centre)
        guard let commission = try await commissions.commission(key) else { throw Problem.notFound("commission") }
        guard try await covers(caller, commission) else {
            throw Problem.forbidden("commission hors de votre périmètre / outside your scope")
        }
        return (commission, caller)
    }

    /// Scope: its centre (centre, référent), its académie (gestionnaire), a coordinator convocation
    /// for the exam in the académie (coordinator), an examiner convocation on it (examiner).
    func covers(_ caller: Identity, _ commission: Commission) async throws -> Bool {
        switch caller.role {
        case .examinateur: try await commissions.examinateur(caller, on: commission.key) != nil
        case .coordinateur:
            try await commissions.isCoordinateur(caller, epreuve: commission.epreuve, session: commission.session,
                                                 academie: commission.academie)
        default: caller.covers(academie: commission.academie, uai: commission.centre)
        }
    }

    /// The sheet of the path: its lot's examiners, the centre and its référent, the académie's
    /// gestionnaire and coordinator; 404 alike for any other and for none.
    func lisible(_ id: String) async throws -> (Fiche, Identity) {
        let caller = try RequeteGeneree.moi()
        guard let fiche = try await fiches.fiche(try Correspondance.id(id, "fiche")),
            let commission = try await commissions.commission(fiche.key)
        else { throw Problem.notFound("fiche") }
        let allowed = caller.role == .examinateur ? try await examinateur(caller, key: fiche.key, groupe: fiche.groupeId) != nil
            : try await covers(caller, commission)
        guard allowed else { throw Problem.notFound("fiche") }
        return (fiche, caller)
    }

    /// The caller as an examiner of the lot `groupe` on the commission, if they are one.
    private func examinateur(_ caller: Identity, key: CommissionKey, groupe: UUID?) async throws -> UUID? {
        guard let groupe, let examinateur = try await commissions.examinateur(caller, on: key),
            try await fiches.isMember(examinateur, of: groupe)
        else { return nil }
        return examinateur
    }

    /// The lot named by the path, if the caller is one of its examiners or the scope of its
    /// commission covers them (its centre, its académie, a coordination of its exam); 404 otherwise.
    func lot(_ id: String, _ caller: Identity) async throws -> Lot {
        guard let lot = try await fiches.groupe(try Correspondance.id(id, "groupe")) else { throw Problem.notFound("groupe") }
        let allowed = if caller.role == .examinateur {
            try await commissions.examinateur(caller, on: lot.key).map { lot.membres.contains($0) } ?? false
        } else if let commission = try await commissions.commission(lot.key) {
            try await covers(caller, commission)
        } else { false }
        guard allowed else { throw Problem.notFound("groupe") }
        return lot
    }

    /// A reason given by a person: 1 to 1,000 characters once trimmed.
    static func motif(_ text: String) throws -> String {
        let motif = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...1000).contains(motif.count) else {
            throw Problem.validation([.init(field: "motif", reason: "motif obligatoire, 1 000 caractères au plus / reason required")])
        }
        return motif
    }

    /// The sheets a bulk operation names: 1 to 5,000.
    static func nombre(_ fiches: [UUID]) throws -> [UUID] {
        guard (1...5000).contains(fiches.count) else {
            throw Problem.validation([.init(field: "fiches", reason: "1 à 5 000 fiches / 1 to 5,000 sheets")])
        }
        return fiches
    }
}
