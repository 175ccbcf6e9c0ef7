import Foundation
import HTTPTypes
import ECEAPIClient
import Hummingbird
import Shared

/// The examiner's pages: their missions and lots, locking a lot, and the grading editor
/// (`/assets/editeur.js`, which keeps working offline).
extension WebController {
    struct LotVue { var groupeId: String; var nom: String; var session: Int; var epreuve: String; var centre: String; var verrouille: Bool
        var fiches: [FicheVue] }
    struct FicheVue { var id: String; var numero: String; var nom: String; var prenoms: String; var division: String; var statut: String
        var note: String }

    @Sendable func lots(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            // A coordinator grades no lot: their missions, with the ways into them, are on their home.
            if session.identity.role == .coordinateur { throw Redirect(to: "/", cookies: session.setCookies) }
            let api = client(session)
            let lots = try await api.listerMesLots().ok.body.json.items
            let noms = await nomsEtablissements(session)
            let vues = lots.map { lot in
                LotVue(groupeId: lot.groupeId.lowercased(), nom: lot.nom, session: lot.session, epreuve: lot.epreuve,
                       centre: Libelle.etablissement(lot.centre, noms), verrouille: lot.verrouille, fiches: lot.fiches.map {
                    FicheVue(id: ($0.id ?? "").lowercased(), numero: $0.numero ?? "", nom: $0.nom ?? "", prenoms: $0.prenoms ?? "",
                             division: $0.division ?? "", statut: Libelle.statutFiche($0.statut?.rawValue ?? ""),
                             note: $0.noteFinale.map { FrenchFormat.note($0) + " / 20" } ?? "")
                })
            }
            let missions = try await api.listerMesMissions().ok.body.json.items ?? []
            let lignes = missions.compactMap(\.mission).map {
                ["epreuve": "\($0.epreuve ?? "") — \(EpreuvePratique(rawValue: $0.epreuve ?? "")?.libelle ?? "")",
                 "nature": $0.kind == .examinateur ? "examinateur" : "coordination",
                 "centre": $0.centre.map { Libelle.etablissement($0, noms) } ?? "académie (Santorin)"]
            }
            // Second looks: the sheets to read again blind, and the outcome on the examiner's own sheets.
            let secondes = try await api.listerMesSecondesLectures().ok.body.json
            let aLire = secondes.aLire.map {
                ["id": $0.ficheId.lowercased(), "candidat": "\($0.nom) \($0.prenoms)", "numero": $0.numero,
                 "epreuve": $0.epreuve, "centre": Libelle.etablissement($0.centre, noms), "etat": Self.etatsSecondeLecture[$0.statut] ?? $0.statut]
            }
            let issues = secondes.issues.map {
                ["candidat": "\($0.nom) \($0.prenoms)", "numero": $0.numero, "epreuve": $0.epreuve,
                 "issue": $0.noteRetenue == nil ? "en cours" : Self.issueSecondeLecture(premiere: $0.notePremiere, retenue: $0.noteRetenue, motif: $0.motif)]
            }
            let object: [String: Any] = ["lots": vues, "missions": lignes, "aLire": aLire, "aALire": !aLire.isEmpty, "issues": issues,
                                         "aIssues": !issues.isEmpty]
            return page("lots", titre: "Mes missions et mes lots", Self.avecMessage(object, request), session: session)
        }
    }

    @Sendable func verrouiller(_ request: Request, context: ECERequestContext) async throws -> Response {
        let lot = try context.uuid(of: "lot")
        return try await formulaire(request, context, retour: "/examinateur", success: "Lot verrouillé.", refus: "Verrouillage refusé") {
            _ = try await $0.verrouillerLot(path: .init(id: lot.uuidString)).ok
            return nil
        }
    }

    @Sendable func editeur(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let id = try context.uuid(of: "fiche")
            return page("editeur", titre: "Éditeur de correction",
                        ["fiche": id.uuidString.lowercased(), "utilisateur": session.identity.login,
                         "statuts": Self.json(Libelle.statutsFiche), "absences": Self.json(Libelle.absences)],
                        session: session, editeur: true)
        }
    }
}
