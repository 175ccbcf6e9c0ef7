import Foundation
import ECEAPI
import ECEAPIClient
import Hummingbird
import Shared

/// The directory's pages (Cyclades' reference data): an académie's gestionnaire keeps its schools
/// and centres d'épreuve, the national administrator the académies and every school. The directory
/// file goes as is to the API (`/assets/gestion.js`), as the candidates file does.
extension WebController {
    func addAnnuaireRoutes(to router: Router<ECERequestContext>) {
        router.get("/etablissements", use: annuaire)
        router.post("/etablissements", use: creerEtablissement)
        router.get("/etablissements/:uai", use: ficheEtablissement)
        router.post("/etablissements/:uai", use: modifierEtablissement)
        router.post("/etablissements/:uai/centre", use: definirCentre)
        router.post("/etablissements/:uai/centre/retrait", use: retirerCentre)
        router.post("/academies", use: enregistrerAcademie)
    }

    struct AcademieRef { var code: String; var nom: String; var nature: String }

    /// The académies and regroupements, from Cyclades.
    func academies(_ session: Session) async throws -> [AcademieRef] {
        (try await client(session).listerAcademies().ok.body.json.items ?? []).map {
            AcademieRef(code: $0.code ?? "", nom: $0.nom ?? "", nature: $0.nature?.rawValue ?? "")
        }
    }

    /// Only those who keep the directory open its pages.
    private func gardien(_ request: Request, _ context: ECERequestContext) async throws -> Session {
        let session = try await required(request, context)
        guard session.identity.role == .gestionnaire || session.identity.role == .admin else {
            throw Problem.forbidden("page du gestionnaire d'académie et de l'administrateur / gestionnaire and administrator only")
        }
        return session
    }

    @Sendable func annuaire(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await gardien(request, context)
            let admin = session.identity.role == .admin
            let q = request.uri.queryParameters
            var academie = q["academie"].map(String.init).flatMap { $0.isEmpty ? nil : $0.uppercased() }
            if case .academie(let code) = session.identity.scope { academie = code }
            let recherche = Self.recherche(request)
            let centres = q["centres"] == "oui"
            let numero = Self.numeroDePage(request)
            let liste = try await client(session).listerEtablissements(query: .init(
                academie: academie, q: recherche.isEmpty ? nil : recherche, centres: centres ? true : nil, page: numero, perPage: 50)).ok.body.json
            let academies = try await academies(session)
            func lien(_ page: Int) -> String {
                var c = URLComponents()
                c.queryItems = [URLQueryItem(name: "page", value: "\(page)"), URLQueryItem(name: "q", value: recherche)]
                    + (centres ? [URLQueryItem(name: "centres", value: "oui")] : []) + (admin ? [URLQueryItem(name: "academie", value: academie ?? "")] : [])
                return "/etablissements?" + (c.percentEncodedQuery ?? "")
            }
            var object: [String: Any] = [
                "admin": admin, "academie": academie ?? "", "recherche": recherche, "centres": centres,
                "titre": academie.map { code in "académie \(academies.first { $0.code == code }?.nom ?? code)" } ?? "toutes les académies",
                "academies": academies.map { ["code": $0.code, "nom": $0.nom, "nature": $0.nature == "regroupement" ? "regroupement de centres étrangers" : "académie",
                                              "choisie": $0.code == academie] },
                "total": liste.total ?? 0,
                "etablissements": (liste.items ?? []).map { e in
                    ["uai": e.uai ?? "", "nom": e.nom ?? "", "commune": e.commune ?? "", "academie": e.academie ?? "",
                     "autonome": e.autonome == true ? "oui" : "non",
                     "centre": e.centre.map { "\($0.capaciteDemiJournee ?? 0) places par demi-journée — \(($0.epreuves ?? []).joined(separator: ", "))" } ?? "—"]
                },
            ]
            object.merge(Self.pagination(numero, total: liste.total ?? 0, parPage: 50, lien: lien)) { a, _ in a }
            return page("etablissements", titre: "Établissements et centres d'épreuve", Self.avecMessage(object, request), session: session)
        }
    }

    @Sendable func ficheEtablissement(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await gardien(request, context)
            guard let uai = Self.codeUAI(context.parameters.get("uai") ?? "") else { throw Problem.notFound("établissement") }
            let fiche = try await client(session).lireEtablissement(path: .init(uai: uai)).ok.body.json
            let e = fiche.etablissement ?? .init()
            if case .academie(let code) = session.identity.scope, code != e.academie {
                throw Problem.forbidden("établissement d'une autre académie / another académie's school")
            }
            let object: [String: Any] = [
                "uai": e.uai ?? "", "nom": e.nom ?? "", "commune": e.commune ?? "", "academie": e.academie ?? "", "autonome": e.autonome ?? false,
                "latitude": e.latitude.map { "\($0)" } ?? "", "longitude": e.longitude.map { "\($0)" } ?? "",
                "admin": session.identity.role == .admin, "estCentre": fiche.centre != nil,
                "capacite": fiche.centre.map { "\($0.capaciteDemiJournee)" } ?? "", "demiJournees": fiche.centre.map { "\($0.demiJournees)" } ?? "10",
                "salles": fiche.centre?.salles.joined(separator: "\n") ?? "",
                "epreuves": EpreuvePratique.allCases.map { let code = $0.rawValue; return ["code": $0.rawValue, "libelle": "\($0.rawValue) — \($0.libelle)",
                                                            "accueillie": fiche.centre?.epreuves.contains { $0.rawValue == code } ?? false] },
            ]
            return page("etablissement", titre: "\(e.nom ?? "") (\(e.uai ?? ""))", Self.avecMessage(object, request), session: session)
        }
    }

    /// The school's form: the coordinates are optional; a wrong number is refused by Cyclades as any
    /// wrong field (sent as an impossible coordinate rather than dropped).
    private func description(_ form: [String: String]) -> ECEAPI.Components.Schemas.EtablissementSaisi {
        func degres(_ text: String?) -> Double? {
            guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return Double(text.replacingOccurrences(of: ",", with: ".")) ?? 999
        }
        return .init(nom: form["nom"] ?? "", commune: form["commune"] ?? "", academie: (form["academie"] ?? "").uppercased(),
                                        autonome: form["autonome"] == "oui", latitude: degres(form["latitude"]), longitude: degres(form["longitude"]))
    }

    @Sendable func creerEtablissement(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        guard let uai = Self.codeUAI(form["uai"] ?? "") else {
            return try await handle(request, context) {
                throw Redirect(to: "/etablissements", message: "Création refusée : un UAI a 7 chiffres et une lettre.", cookies: [])
            }
        }
        return try await enregistrer(request, context, uai, description(form), refus: "Création refusée")
    }

    @Sendable func modifierEtablissement(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let uai = Self.codeUAI(context.parameters.get("uai") ?? "") ?? "-"
        return try await enregistrer(request, context, uai, description(form), refus: "Modification refusée")
    }

    /// A school created or changed (201 or 200).
    private func enregistrer(_ request: Request, _ context: ECERequestContext, _ uai: String, _ saisi: ECEAPI.Components.Schemas.EtablissementSaisi,
                             refus: String) async throws -> Response {
        try await formulaire(request, context, retour: "/etablissements/\(uai)", success: "Établissement enregistré.", refus: refus) {
            _ = try await $0.enregistrerEtablissement(path: .init(uai: uai), body: .json(saisi))
            return nil
        }
    }

    @Sendable func definirCentre(_ request: Request, context: ECERequestContext) async throws -> Response {
        // Its exams are ticked boxes (`epreuve[]`): every field is read as a list.
        let form = Self.formValues(try await request.body.collect(upTo: 20_000))
        let uai = Self.codeUAI(context.parameters.get("uai") ?? "") ?? "-"
        func champ(_ nom: String) -> String { form[nom]?.last ?? "" }
        return try await formulaire(request, context, retour: "/etablissements/\(uai)", success: "Centre d'épreuve enregistré.",
                                    refus: "Centre refusé") {
            let centre = ECEAPI.Components.Schemas.CentreDEpreuve(
                capaciteDemiJournee: Int(champ("capacite")) ?? 0, demiJournees: Int(champ("demiJournees")) ?? 0,
                epreuves: try (form["epreuve"] ?? []).map { try Self.choix($0, "epreuves") },
                salles: champ("salles").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            _ = try await $0.enregistrerCentreDEpreuve(path: .init(uai: uai), body: .json(centre)).ok
            return nil
        }
    }

    @Sendable func retirerCentre(_ request: Request, context: ECERequestContext) async throws -> Response {
        let uai = Self.codeUAI(context.parameters.get("uai") ?? "") ?? "-"
        return try await formulaire(request, context, retour: "/etablissements/\(uai)", success: "L'établissement n'est plus centre d'épreuve.",
                                    refus: "Retrait refusé") {
            _ = try await $0.supprimerCentreDEpreuve(path: .init(uai: uai)).noContent
            return nil
        }
    }

    @Sendable func enregistrerAcademie(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let code = (form["code"] ?? "").uppercased()
        let chemin = code.count <= 3 && code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) && !code.isEmpty ? code : "-"
        return try await formulaire(request, context, retour: "/etablissements", success: "Académie enregistrée.", refus: "Académie refusée") {
            // 201 or 200.
            _ = try await $0.enregistrerAcademie(path: .init(code: chemin),
                                                 body: .json(.init(nom: form["nom"] ?? "", nature: try Self.choix(form["nature"] ?? "academie", "nature"))))
            return nil
        }
    }
}
