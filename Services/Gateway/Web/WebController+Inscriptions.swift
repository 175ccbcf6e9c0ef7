import Foundation
import Hummingbird
import Shared

/// The académie's and the schools' pages on Cyclades: the candidates file and its error report
/// (`/assets/gestion.js` sends the file as is), delegations, assignments with their special cases,
/// the publication to Santorin, and the designation of examiners and coordinators.
extension WebController {
    func addInscriptionsRoutes(to router: Router<ECERequestContext>) {
        router.get("/inscriptions", use: inscriptions)
        router.post("/inscriptions/delegations", use: deleguer)
        router.post("/inscriptions/delegations/retrait", use: retirerDelegation)
        router.post("/inscriptions/affectations", use: affecter)
        router.post("/inscriptions/affectations/suggestions", use: appliquerSuggestions)
        router.post("/inscriptions/affectations/publication", use: publierAffectations)
        router.post("/inscriptions/designations", use: designer)
        router.post("/inscriptions/designations/retrait", use: retirerDesignation)
    }

    /// A UAI's shape (eight letters and digits) before it goes into a path; Cyclades checks the rest.
    static func codeUAI(_ text: String) -> String? {
        let code = text.trimmingCharacters(in: .whitespaces).uppercased()
        return code.count == 8 && code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) ? code : nil
    }

    private var retourInscriptions: String { "/inscriptions" }
    private func inscriptionsAPI(_ suffix: String) -> String { "/api/inscriptions/sessions/\(Self.sessionCourante)\(suffix)" }

    struct CandidatRef: Decodable {
        var numero: String; var nom: String; var prenoms: String; var categorie: String; var uai: String?; var division: String?
        var epreuves: [String]; var centres: [String]
    }
    struct DesignationRef: Decodable {
        var id: UUID; var role: String; var epreuve: String; var centre: String?; var intervenant: Intervenant
    }
    struct Suggestion: Codable { var numero: String; var epreuve: String; var centre: String? }
    struct EtablissementRef: Decodable {
        var uai: String; var nom: String; var academie: String; var centre: Centre?
        struct Centre: Decodable { var epreuves: [String] }
    }

    @Sendable func inscriptions(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let gestionnaire = session.identity.role == .gestionnaire
            guard gestionnaire || session.identity.role == .etablissement else {
                throw Problem.forbidden("page du gestionnaire et des établissements / gestionnaire and schools only")
            }
            let q = request.uri.queryParameters
            let epreuve = q["epreuve"].map(String.init).flatMap { EpreuvePratique(rawValue: $0) }
            let origine = q["origine"].flatMap { Self.codeUAI(String($0)) }

            struct Items<T: Decodable>: Decodable { var items: [T] }
            struct Page: Decodable { var items: [CandidatRef]; var total: Int }
            let delegations = try decode(Items<AffectationDelegation>.self, try await api(.get, "inscriptions", inscriptionsAPI("/delegations"),
                                                                                          session: session)).items
            let designations = try decode(Items<DesignationRef>.self, try await api(.get, "inscriptions", inscriptionsAPI("/designations"),
                                                                                    session: session)).items
            var academie: String?
            if case .academie(let code) = session.identity.scope { academie = code }
            let etablissements = try decode(Items<EtablissementRef>.self, try await api(
                .get, "inscriptions", "/api/inscriptions/etablissements" + (academie.map { "?academie=\($0)" } ?? ""), session: session)).items
            let centres = etablissements.filter { $0.centre != nil }
            let noms = Dictionary(etablissements.map { ($0.uai, $0.nom) }, uniquingKeysWith: { a, _ in a })
            func nom(_ uai: String) -> String { Libelle.etablissement(uai, noms) }

            // Candidates: a school sees its pupils of an exam delegated to it only, so it chooses the exam first.
            var candidats: Page?
            if gestionnaire || epreuve != nil {
                var path = inscriptionsAPI("/candidats?perPage=200")
                if let epreuve { path += "&epreuve=\(epreuve.rawValue)" }
                if let origine { path += "&uai=\(origine)" }
                let reply = try await api(.get, "inscriptions", path, session: session)
                candidats = reply.status == .ok ? try decode(Page.self, reply) : nil
            }
            let suggestions = try decode(Items<Suggestion>.self, try await api(
                .get, "inscriptions", inscriptionsAPI("/affectations/suggestions" + (epreuve.map { "?epreuve=\($0.rawValue)" } ?? "")),
                session: session)).items

            struct Choix { var code: String; var libelle: String; var choisie: Bool }
            struct LigneCandidat { var numero: String; var nom: String; var categorie: String; var origine: String; var division: String
                var affectations: String }
            struct LigneDesignation { var id: String; var role: String; var epreuve: String; var centre: String; var personne: String }
            let object: [String: Any] = [
                "session": Self.sessionCourante, "gestionnaire": gestionnaire,
                "epreuves": EpreuvePratique.allCases.map { Choix(code: $0.rawValue, libelle: "\($0.rawValue) — \($0.libelle)",
                                                                choisie: $0 == epreuve) },
                "origine": origine ?? "",
                "delegations": delegations.map { ["epreuve": $0.epreuve, "uai": $0.uai, "etablissement": nom($0.uai)] },
                "etablissements": etablissements.map { Choix(code: $0.uai, libelle: "\($0.uai) — \($0.nom)", choisie: $0.uai == origine) },
                "centres": centres.map { Choix(code: $0.uai, libelle: "\($0.uai) — \($0.nom) (\($0.centre?.epreuves.joined(separator: ", ") ?? ""))",
                                              choisie: false) },
                "listeCandidats": candidats != nil,
                "total": candidats?.total ?? 0,
                "candidats": (candidats?.items ?? []).map { c in
                    LigneCandidat(numero: c.numero, nom: "\(c.nom) \(c.prenoms)", categorie: Libelle.categorie(c.categorie), origine: c.uai.map(nom) ?? "—",
                                  division: c.division ?? "",
                                  affectations: zip(c.epreuves, c.centres).map { "\($0) → \($1.isEmpty ? "non affecté" : nom($1))" }
                                      .joined(separator: " ; "))
                },
                "suggestions": suggestions.prefix(50).map { ["numero": $0.numero, "epreuve": $0.epreuve, "centre": $0.centre.map(nom) ?? "aucun centre possible"] },
                "nombreSuggestions": suggestions.count,
                "suggestionsApplicables": suggestions.filter { $0.centre != nil }.count,
                "designations": designations.map {
                    LigneDesignation(id: $0.id.uuidString.lowercased(), role: Libelle.role($0.role), epreuve: $0.epreuve, centre: $0.centre.map(nom) ?? "académie",
                                     personne: "\($0.intervenant.prenom) \($0.intervenant.nom) (\($0.intervenant.login))")
                },
            ]
            return page("inscriptions", titre: "Inscriptions et affectations", Self.avecMessage(object, request), session: session)
        }
    }

    struct AffectationDelegation: Codable { var epreuve: String; var uai: String }

    @Sendable func deleguer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await formulaire(request, context, service: "inscriptions", inscriptionsAPI("/delegations"),
                                    json: Self.json(AffectationDelegation(epreuve: form["epreuve"] ?? "", uai: form["uai"] ?? "")),
                                    retour: retourInscriptions, success: "Affectation déléguée à l'établissement.", expected: [.created])
    }

    @Sendable func retirerDelegation(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let epreuve = EpreuvePratique(rawValue: form["epreuve"] ?? "")?.rawValue ?? "-"
        let uai = Self.codeUAI(form["uai"] ?? "") ?? "-"
        return try await formulaire(request, context, .delete, service: "inscriptions",
                                    inscriptionsAPI("/delegations/\(epreuve)/\(uai)"), json: nil,
                                    retour: retourInscriptions, success: "Délégation retirée.", expected: [.noContent])
    }

    @Sendable func affecter(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let demande = ["numero": form["numero"] ?? "", "epreuve": form["epreuve"] ?? "", "centre": (form["centre"] ?? "").uppercased()]
        return try await formulaire(request, context, service: "inscriptions", inscriptionsAPI("/affectations"),
                                    json: Self.json(["affectations": [demande]]), retour: retourInscriptions,
                                    success: "Candidat \(demande["numero"] ?? "") affecté au centre \(demande["centre"] ?? "").")
    }

    /// Assigns every suggestion that has a centre, in one all-or-nothing batch.
    @Sendable func appliquerSuggestions(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let epreuve = EpreuvePratique(rawValue: form["epreuve"] ?? "")
            struct Items: Decodable { var items: [Suggestion] }
            let suggestions = try decode(Items.self, try await api(
                .get, "inscriptions", inscriptionsAPI("/affectations/suggestions" + (epreuve.map { "?epreuve=\($0.rawValue)" } ?? "")),
                session: session)).items.filter { $0.centre != nil }
            guard !suggestions.isEmpty else {
                throw Redirect(to: retourInscriptions, message: "Aucune suggestion à appliquer.", cookies: session.setCookies)
            }
            let demandes = suggestions.prefix(5000).map { ["numero": $0.numero, "epreuve": $0.epreuve, "centre": $0.centre ?? ""] }
            let reply = try await api(.post, "inscriptions", inscriptionsAPI("/affectations"), session: session,
                                      json: Self.json(["affectations": demandes]))
            let message = reply.status == .ok ? "\(demandes.count) candidats affectés selon les suggestions." : "Refusé : \(Self.detail(reply))"
            throw Redirect(to: retourInscriptions, message: message, cookies: session.setCookies)
        }
    }

    @Sendable func publierAffectations(_ request: Request, context: ECERequestContext) async throws -> Response {
        _ = try await request.body.collect(upTo: 10_000)
        return try await formulaire(request, context, service: "inscriptions", inscriptionsAPI("/affectations/publish"), json: nil,
                                    retour: retourInscriptions, success: "Affectations publiées vers Santorin.")
    }

    @Sendable func designer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        struct Personne: Encodable { var login: String; var nom: String; var prenom: String; var email: String?; var uai: String?
            var discipline: String?; var divisions: [String]? }
        struct Demande: Encodable { var role: String; var epreuve: String; var centre: String?; var intervenant: Personne }
        func optionnel(_ key: String) -> String? { form[key].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        let divisions = optionnel("divisions")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let demande = Demande(role: form["role"] ?? "examinateur", epreuve: form["epreuve"] ?? "", centre: optionnel("centre")?.uppercased(),
                              intervenant: Personne(login: form["login"] ?? "", nom: form["nom"] ?? "", prenom: form["prenom"] ?? "",
                                                    email: optionnel("email"), uai: optionnel("uai")?.uppercased(),
                                                    discipline: optionnel("discipline"), divisions: divisions))
        return try await formulaire(request, context, service: "inscriptions", inscriptionsAPI("/designations"), json: Self.json(demande),
                                    retour: retourInscriptions, success: "Désignation enregistrée : elle part vers Imag'In.",
                                    expected: [.created])
    }

    @Sendable func retirerDesignation(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let id = form["id"].flatMap(UUID.init(uuidString:))?.uuidString.lowercased() ?? "-"
        return try await formulaire(request, context, .delete, service: "inscriptions", inscriptionsAPI("/designations/\(id)"), json: nil,
                                    retour: retourInscriptions, success: "Désignation retirée.", expected: [.noContent])
    }
}
