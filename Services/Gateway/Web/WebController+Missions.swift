import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// The missions (the gestionnaire and the établissement, Imag'In): the regulation, the session's
/// parameters and opening, convocations and their cancellation.
extension WebController {
    struct MissionDetail: Decodable {
        var mission: Mission; var intervenants: [Personne]
        struct Mission: Decodable { var id: UUID; var epreuve: String; var kind: String; var centre: String?; var active: Bool }
        struct Personne: Decodable { var id: UUID; var login: String; var nom: String; var prenom: String; var convocationId: UUID?
            var convocable: Bool?; var lisible: Bool?; var annulable: Bool? }
    }
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
            let base = "/api/missions/sessions/\(annee)"
            struct Items: Decodable { var items: [MissionDetail] }
            let detail = try decode(Items.self, try await api(.get, "missions", base + "/missions", session: session)).items
            let noms = await nomsEtablissements(session)
            let lignes = detail.flatMap { d in
                d.intervenants.map { p in
                    let convocation = p.convocationId?.uuidString.lowercased()
                    return LigneMission(
                        epreuve: d.mission.epreuve, nature: Libelle.mission(d.mission.kind),
                        centre: d.mission.centre.map { Libelle.etablissement($0, noms) } ?? "Santorin", personne: "\(p.prenom) \(p.nom) (\(p.login))",
                        active: d.mission.active, mission: d.mission.id.uuidString.lowercased(), intervenant: p.id.uuidString.lowercased(),
                        convoque: convocation != nil,
                        impression: p.lisible == true ? convocation.map { "/api/missions/convocations/\($0)/impression" } : nil,
                        convocation: convocation, convocable: p.convocable == true, annulable: p.annulable == true)
                }
            }
            var object: [String: Any] = ["session": annee, "lignes": lignes, "gestionnaire": gestionnaire]
            if gestionnaire { object.merge(try await missionsGestionnaire(session, base: base, noms: noms)) { a, _ in a } }
            return page("missions", titre: gestionnaire ? "Missions et convocations" : "Convocations de vos enseignants",
                        Self.avecMessage(object, request), session: session)
        }
    }

    /// The gestionnaire's sections of the missions page: the regulation, the dates and the services faits.
    private func missionsGestionnaire(_ session: Session, base: String, noms: [String: String]) async throws -> [String: Any] {
        struct TypeRemuneration: Decodable { var code: String; var libelle: String }
        struct Reglementation: Decodable { var typesRemuneration: [TypeRemuneration] }
        struct Version: Decodable { var version: Int; var chargeeLe: Date; var reglementation: Reglementation }
        struct Parametres: Decodable { var dateDebut: String; var dateFin: String; var observations: String }
        let version = try? decode(Version.self, try await api(.get, "missions", base + "/reglementation", session: session))
        let parametres = try? decode(Parametres.self, try await api(.get, "missions", base + "/parametres", session: session))
        struct ServiceFait: Decodable { var epreuve: String; var kind: String; var role: String; var centres: [String]; var login: String?
            var nom: String?; var prenom: String?; var candidatsEvalues: Int; var typeRemuneration: String; var montantCentimes: Int }
        struct ServicesFaits: Decodable { var items: [ServiceFait]; var totalCentimes: Int }
        let services = try decode(ServicesFaits.self, try await api(.get, "missions", base + "/services-faits", session: session))
        func euros(_ centimes: Int) -> String { "\(centimes / 100),\(centimes % 100 < 10 ? "0" : "")\(centimes % 100) €" }
        struct LigneService { var epreuve: String; var centres: String; var personne: String; var travail: String; var candidats: Int
            var remuneration: String; var montant: String }
        // The regulation names its kinds of pay; the services faits carry their codes.
        let remunerations = Dictionary((version?.reglementation.typesRemuneration ?? []).map { ($0.code, $0.libelle) },
                                       uniquingKeysWith: { a, _ in a })
        return [
            "services": services.items.map {
                LigneService(epreuve: $0.epreuve, centres: $0.centres.map { Libelle.etablissement($0, noms) }.joined(separator: ", "),
                             personne: "\($0.prenom ?? "") \($0.nom ?? "") (\($0.login ?? "?"))", travail: Libelle.travail($0.role),
                             candidats: $0.candidatsEvalues,
                             remuneration: remunerations[$0.typeRemuneration] ?? $0.typeRemuneration, montant: euros($0.montantCentimes))
            },
            "totalServices": euros(services.totalCentimes), "csv": base + "/services-faits.csv",
            "reglementation": version.map { "Version \($0.version) chargée." } ?? "Aucune réglementation chargée pour la session.",
            "dateDebut": parametres?.dateDebut ?? "", "dateFin": parametres?.dateFin ?? "", "observations": parametres?.observations ?? "",
        ]
    }

    private func missionsAction(_ request: Request, _ context: ECERequestContext, method: HTTPRequest.Method = .post, _ path: String,
                                json: (([String: String]) -> String)?, success: String, expected: Set<HTTPResponse.Status> = [.ok]) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 100_000))
        return try await formulaire(request, context, method, service: "missions", path, json: json?(form), retour: "/missions",
                                    success: success, expected: expected)
    }

    @Sendable func rafraichirReglementation(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await missionsAction(request, context, "/api/missions/sessions/\(Self.sessionCourante)/reglementation", json: nil,
                                 success: "Réglementation rafraîchie.")
    }

    @Sendable func parametres(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await missionsAction(request, context, method: .put, "/api/missions/sessions/\(Self.sessionCourante)/parametres", json: { form in
            Self.json(["dateDebut": form["dateDebut"] ?? "", "dateFin": form["dateFin"] ?? "", "observations": form["observations"] ?? ""])
        }, success: "Dates et observations enregistrées.")
    }

    @Sendable func ouvrirSession(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await missionsAction(request, context, "/api/missions/sessions/\(Self.sessionCourante)/ouverture", json: nil,
                                 success: "Session ouverte : missions importées.")
    }

    @Sendable func convoquer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        guard let mission = form["mission"].flatMap(UUID.init(uuidString:)), let intervenant = form["intervenant"].flatMap(UUID.init(uuidString:))
        else {
            return try await handle(request, context) {
                throw Problem.badRequest("mission et intervenant requis / mission and intervenant required")
            }
        }
        return try await formulaire(request, context, service: "missions", "/api/missions/missions/\(mission)/convocations",
                                    json: Self.json(["intervenantId": intervenant.uuidString]), retour: "/missions",
                                    success: "Convocation émise.", expected: [.created, .ok], refus: "Convocation refusée")
    }

    /// Cancels a convocation with its reason; Missions decides who may (the issuing school, the
    /// académie's gestionnaire) and the page shows its refusal.
    @Sendable func annulerConvocation(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        guard let convocation = form["convocation"].flatMap(UUID.init(uuidString:)) else {
            return try await handle(request, context) { throw Problem.badRequest("convocation requise / convocation required") }
        }
        return try await formulaire(request, context, service: "missions", "/api/missions/convocations/\(convocation)/annulation",
                                    json: Self.json(["motif": form["motif"] ?? ""]), retour: "/missions",
                                    success: "Convocation annulée.", expected: [.noContent], refus: "Annulation refusée")
    }
}
