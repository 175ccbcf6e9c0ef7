import Foundation
import HTTPTypes
import ECEAPI
import ECEAPIClient
import Hummingbird
import Shared

/// The missions (the gestionnaire and the établissement, Imag'In): the regulation, the session's
/// parameters and opening, convocations and their cancellation.
extension WebController {
    /// One person of a mission, with what the user may do (as Missions says: never a button it would refuse).
    struct LigneMission { var epreuve: String; var nature: String; var centre: String; var personne: String; var active: Bool
        var mission: String; var intervenant: String; var convoque: Bool; var impression: String?; var convocation: String?
        var convocable: Bool; var annulable: Bool }

    /// The gestionnaire's Imag'In page (regulation, dates, opening, convocations, services faits) and
    /// the établissement's (the convocations of its own teachers): each section only for whoever may
    /// read it.
    @Sendable func missions(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let gestionnaire = session.identity.role == .gestionnaire
            let annee = Self.sessionCourante
            let api = client(session)
            let detail = try await api.listerMissions(path: .init(annee: annee)).ok.body.json.items ?? []
            let noms = await nomsEtablissements(session)
            let lignes = detail.flatMap { d in
                let mission = d.mission ?? .init()
                return (d.intervenants ?? []).map { p in
                    let convocation = p.convocationId?.lowercased()
                    return LigneMission(
                        epreuve: mission.epreuve ?? "", nature: Libelle.mission(mission.kind?.rawValue ?? ""),
                        centre: mission.centre.map { Libelle.etablissement($0, noms) } ?? "Santorin",
                        personne: "\(p.prenom ?? "") \(p.nom ?? "") (\(p.login ?? ""))",
                        active: mission.active ?? false, mission: (mission.id ?? "").lowercased(), intervenant: (p.id ?? "").lowercased(),
                        convoque: convocation != nil,
                        impression: p.lisible == true ? convocation.map { "/api/missions/convocations/\($0)/impression" } : nil,
                        convocation: convocation, convocable: p.convocable == true, annulable: p.annulable == true)
                }
            }
            var object: [String: Any] = ["session": annee, "lignes": lignes, "gestionnaire": gestionnaire]
            let enBloc = detail.flatMap { $0.intervenants ?? [] }.filter { $0.convocableEnBloc == true }.count
            if enBloc > 0 { object["enBloc"] = enBloc == 1 ? "Une personne que vous avez désignée n'est pas encore convoquée."
                                                           : "\(enBloc) personnes que vous avez désignées ne sont pas encore convoquées." }
            if gestionnaire { object.merge(try await missionsGestionnaire(api, annee: annee, noms: noms)) { a, _ in a } }
            return page("missions", titre: gestionnaire ? "Missions et convocations" : "Convocations de vos enseignants",
                        Self.avecMessage(object, request), session: session)
        }
    }

    /// The gestionnaire's sections of the missions page: the regulation, the dates and the services faits.
    private func missionsGestionnaire(_ api: Client, annee: Int, noms: [String: String]) async throws -> [String: Any] {
        // None loaded yet, or none set: the page says so (a refusal, 404, is no outage).
        let version = try await Self.lectureOuNil(.notFound) { try await api.lireReglementation(path: .init(annee: annee)).ok.body.json }
        let parametres = try await Self.lectureOuNil(.notFound) { try await api.lireParametres(path: .init(annee: annee)).ok.body.json }
        let services = try await api.listerServicesFaits(path: .init(annee: annee)).ok.body.json
        func euros(_ centimes: Int) -> String { "\(centimes / 100),\(centimes % 100 < 10 ? "0" : "")\(centimes % 100) €" }
        struct LigneService { var epreuve: String; var centres: String; var personne: String; var travail: String; var candidats: Int
            var remuneration: String; var montant: String }
        // The regulation names its kinds of pay; the services faits carry their codes.
        let remunerations = Dictionary((version?.reglementation?.typesRemuneration ?? []).map { ($0.code, $0.libelle) },
                                       uniquingKeysWith: { a, _ in a })
        return [
            "services": (services.items ?? []).map {
                LigneService(epreuve: $0.epreuve ?? "", centres: ($0.centres ?? []).map { Libelle.etablissement($0, noms) }.joined(separator: ", "),
                             personne: "\($0.prenom ?? "") \($0.nom ?? "") (\($0.login ?? "?"))", travail: Libelle.travail($0.role?.rawValue ?? ""),
                             candidats: $0.candidatsEvalues ?? 0,
                             remuneration: remunerations[$0.typeRemuneration ?? ""] ?? $0.typeRemuneration ?? "", montant: euros($0.montantCentimes ?? 0))
            },
            "totalServices": euros(services.totalCentimes ?? 0), "csv": "/api/missions/sessions/\(annee)/services-faits.csv",
            "reglementation": version.map { "Version \($0.version ?? 0) chargée." } ?? "Aucune réglementation chargée pour la session.",
            "dateDebut": parametres?.dateDebut ?? "", "dateFin": parametres?.dateFin ?? "", "observations": parametres?.observations ?? "",
        ]
    }

    @Sendable func rafraichirReglementation(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await formulaire(request, context, retour: "/missions", success: "Réglementation rafraîchie.") {
            _ = try await $0.actualiserReglementation(path: .init(annee: Self.sessionCourante)).ok
            return nil
        }
    }

    @Sendable func parametres(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 100_000))
        let saisis = ECEAPI.Components.Schemas.ParametresSaisis(dateDebut: form["dateDebut"] ?? "", dateFin: form["dateFin"] ?? "",
                                                         observations: form["observations"] ?? "")
        return try await formulaire(request, context, retour: "/missions", success: "Dates et observations enregistrées.") {
            _ = try await $0.enregistrerParametres(path: .init(annee: Self.sessionCourante), body: .json(saisis)).ok
            return nil
        }
    }

    @Sendable func ouvrirSession(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await formulaire(request, context, retour: "/missions", success: "Session ouverte : missions importées.") {
            _ = try await $0.ouvrirMissions(path: .init(annee: Self.sessionCourante)).ok
            return nil
        }
    }

    @Sendable func convoquer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        guard let mission = form["mission"].flatMap(UUID.init(uuidString:)), let intervenant = form["intervenant"].flatMap(UUID.init(uuidString:))
        else {
            return try await handle(request, context) {
                throw Problem.badRequest("mission et intervenant requis / mission and intervenant required")
            }
        }
        return try await formulaire(request, context, retour: "/missions", success: "Convocation émise.", refus: "Convocation refusée") {
            // 201, or 200 when the person was already convoked; its `avis` says whether it went by mail.
            let sortie = try await $0.convoquer(path: .init(id: mission.uuidString), body: .json(.init(intervenantId: intervenant.uuidString)))
            if case .created(let cree) = sortie { return try cree.body.json.avis }
            return try sortie.ok.body.json.avis
        }
    }

    /// « Convoquer tout le monde »: Missions convokes everyone the caller's authority designated
    /// (the page's count); the message says how many went by mail and names whose printed copy is
    /// to be handed over.
    @Sendable func convoquerTout(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await formulaire(request, context, retour: "/missions", success: "Convoquer tout le monde :", refus: "Convocations refusées") {
            Self.avis(try await $0.convoquerTout(path: .init(annee: Self.sessionCourante)).ok.body.json)
        }
    }

    /// What the issuer of a whole list is told: how many, how many mailed, and (the first few by
    /// name, the message is short) who gets the printed copy with its code from the table.
    static func avis(_ r: ECEAPI.Components.Schemas.RapportConvocations) -> String {
        guard r.convoquees > 0 else { return "personne n'était à convoquer." }
        var avis = "\(r.convoquees) \(r.convoquees == 1 ? "personne convoquée" : "personnes convoquées"), \(r.parCourriel) par courriel."
        if !r.aRemettre.isEmpty {
            let noms = r.aRemettre.prefix(8).map { "\($0.prenom) \($0.nom) (\($0.login))" }.joined(separator: ", ")
            let autres = r.aRemettre.count > 8 ? " et \(r.aRemettre.count - 8) autres" : ""
            avis += " Sans adresse électronique, à qui remettre la convocation imprimée (lien « imprimer » du tableau) : \(noms)\(autres)."
        }
        return avis
    }

    /// Cancels a convocation with its reason; Missions decides who may (the issuing school, the
    /// académie's gestionnaire) and the page shows its refusal.
    @Sendable func annulerConvocation(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        guard let convocation = form["convocation"].flatMap(UUID.init(uuidString:)) else {
            return try await handle(request, context) { throw Problem.badRequest("convocation requise / convocation required") }
        }
        return try await formulaire(request, context, retour: "/missions", success: "Convocation annulée.", refus: "Annulation refusée") {
            _ = try await $0.annulerConvocation(path: .init(id: convocation.uuidString), body: .json(.init(motif: form["motif"] ?? ""))).noContent
            return nil
        }
    }
}
