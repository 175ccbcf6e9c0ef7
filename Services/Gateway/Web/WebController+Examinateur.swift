import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// The examiner's pages: their missions and lots, locking a lot, and the grading editor
/// (`/assets/editeur.js`, which keeps working offline).
extension WebController {
    struct Lot: Decodable { var groupeId: UUID; var nom: String; var session: Int; var epreuve: String; var centre: String; var verrouille: Bool
        var fiches: [Fiche] }
    struct Fiche: Decodable { var id: UUID; var numero: String; var nom: String; var prenoms: String; var division: String?; var statut: String
        var noteFinale: Int? }
    struct LotVue { var groupeId: String; var nom: String; var session: Int; var epreuve: String; var centre: String; var verrouille: Bool
        var fiches: [FicheVue] }
    struct FicheVue { var id: String; var numero: String; var nom: String; var prenoms: String; var division: String; var statut: String
        var note: String }

    @Sendable func lots(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            // A coordinator grades no lot: their missions, with the ways into them, are on their home.
            if session.identity.role == .coordinateur { throw Redirect(to: "/", cookies: session.setCookies) }
            struct Items: Decodable { var items: [Lot] }
            let lots = try decode(Items.self, try await api(.get, "correction", "/api/correction/mes-lots", session: session)).items
            let noms = await nomsEtablissements(session)
            let vues = lots.map { lot in
                LotVue(groupeId: lot.groupeId.uuidString.lowercased(), nom: lot.nom, session: lot.session, epreuve: lot.epreuve,
                       centre: Libelle.etablissement(lot.centre, noms), verrouille: lot.verrouille, fiches: lot.fiches.map {
                    FicheVue(id: $0.id.uuidString.lowercased(), numero: $0.numero, nom: $0.nom, prenoms: $0.prenoms,
                             division: $0.division ?? "", statut: Libelle.statutFiche($0.statut),
                             note: $0.noteFinale.map { FrenchFormat.note($0) + " / 20" } ?? "")
                })
            }
            struct Mission: Decodable { var epreuve: String; var kind: String; var centre: String? }
            struct MaMission: Decodable { var mission: Mission }
            struct Missions: Decodable { var items: [MaMission] }
            let missions = try decode(Missions.self, try await api(.get, "missions", "/api/missions/mes-missions", session: session)).items
            let lignes = missions.map {
                ["epreuve": "\($0.mission.epreuve) — \(EpreuvePratique(rawValue: $0.mission.epreuve)?.libelle ?? "")",
                 "nature": $0.mission.kind == "examinateur" ? "examinateur" : "coordination",
                 "centre": $0.mission.centre.map { Libelle.etablissement($0, noms) } ?? "académie (Santorin)"]
            }
            // Second looks: the sheets to read again blind, and the outcome on the examiner's own sheets.
            struct ALire: Decodable { var ficheId: UUID; var numero: String; var nom: String; var prenoms: String; var epreuve: String
                var centre: String; var statut: String }
            struct Issue: Decodable { var ficheId: UUID; var numero: String; var nom: String; var prenoms: String; var epreuve: String
                var statut: String; var notePremiere: Int; var noteRetenue: Int?; var motif: String? }
            struct Secondes: Decodable { var aLire: [ALire]; var issues: [Issue] }
            let secondes = try decode(Secondes.self, try await api(.get, "correction", "/api/correction/mes-secondes-lectures", session: session))
            let aLire = secondes.aLire.map {
                ["id": $0.ficheId.uuidString.lowercased(), "candidat": "\($0.nom) \($0.prenoms)", "numero": $0.numero,
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
        try await formulaire(request, context, service: "correction", "/api/correction/groupes/\(try context.uuid(of: "lot"))/verrouillage",
                             json: nil, retour: "/examinateur", success: "Lot verrouillé.", refus: "Verrouillage refusé")
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
