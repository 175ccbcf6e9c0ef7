import Foundation
import ECEAPI
import ECEAPIClient
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

            let api = client(session)
            let annee = Self.sessionCourante
            let delegations = try await api.listerDelegations(path: .init(annee: annee)).ok.body.json.items ?? []
            let designations = try await api.listerDesignations(path: .init(annee: annee)).ok.body.json.items ?? []
            var academie: String?
            if case .academie(let code) = session.identity.scope { academie = code }
            let etablissements = (try await api.listerEtablissements(query: .init(academie: academie)).ok.body.json.items ?? [])
                .compactMap { e in e.uai.map { (uai: $0, nom: e.nom ?? "", centre: e.centre) } }
            let centres = etablissements.filter { $0.centre != nil }
            let noms = Dictionary(etablissements.map { ($0.uai, $0.nom) }, uniquingKeysWith: { a, _ in a })
            func nom(_ uai: String) -> String { Libelle.etablissement(uai, noms) }

            // Candidates: a school sees its pupils of an exam delegated to it only, so it chooses the exam first.
            var candidats: ECEAPI.Components.Schemas.CandidatPage?
            if gestionnaire || epreuve != nil {
                candidats = try await Self.lectureOuNil {
                    try await api.listerCandidats(path: .init(annee: annee),
                                                  query: .init(uai: origine, epreuve: epreuve?.rawValue, perPage: 200)).ok.body.json
                }
            }
            let suggestions = try await api.suggererAffectations(path: .init(annee: annee), query: .init(epreuve: epreuve?.rawValue))
                .ok.body.json.items ?? []

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
                "centres": centres.map { Choix(code: $0.uai, libelle: "\($0.uai) — \($0.nom) (\($0.centre?.epreuves?.joined(separator: ", ") ?? ""))",
                                              choisie: false) },
                "listeCandidats": candidats != nil,
                "total": candidats?.total ?? 0,
                "candidats": (candidats?.items ?? []).map { c in
                    LigneCandidat(numero: c.numero ?? "", nom: "\(c.nom ?? "") \(c.prenoms ?? "")", categorie: Libelle.categorie(c.categorie?.rawValue ?? ""),
                                  origine: c.uai.map(nom) ?? "—", division: c.division ?? "",
                                  affectations: zip(c.epreuves ?? [], c.centres ?? []).map { "\($0) → \($1.isEmpty ? "non affecté" : nom($1))" }
                                      .joined(separator: " ; "))
                },
                "suggestions": suggestions.prefix(50).map {
                    ["numero": $0.numero ?? "", "epreuve": $0.epreuve ?? "", "centre": $0.centre.map(nom) ?? "aucun centre possible"]
                },
                "nombreSuggestions": suggestions.count,
                "suggestionsApplicables": suggestions.filter { $0.centre != nil }.count,
                "designations": designations.map {
                    LigneDesignation(id: ($0.id ?? "").lowercased(), role: Libelle.role($0.role?.rawValue ?? ""), epreuve: $0.epreuve ?? "",
                                     centre: $0.centre.map(nom) ?? "académie",
                                     personne: "\($0.intervenant?.prenom ?? "") \($0.intervenant?.nom ?? "") (\($0.intervenant?.login ?? ""))")
                },
            ]
            return page("inscriptions", titre: "Inscriptions et affectations", Self.avecMessage(object, request), session: session)
        }
    }

    @Sendable func deleguer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await formulaire(request, context, retour: retourInscriptions, success: "Affectation déléguée à l'établissement.") {
            _ = try await $0.creerDelegation(path: .init(annee: Self.sessionCourante),
                                             body: .json(.init(epreuve: form["epreuve"] ?? "", uai: form["uai"] ?? ""))).created
            return nil
        }
    }

    @Sendable func retirerDelegation(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let epreuve = EpreuvePratique(rawValue: form["epreuve"] ?? "")?.rawValue ?? "-"
        let uai = Self.codeUAI(form["uai"] ?? "") ?? "-"
        return try await formulaire(request, context, retour: retourInscriptions, success: "Délégation retirée.") {
            _ = try await $0.supprimerDelegation(path: .init(annee: Self.sessionCourante, epreuve: epreuve, uai: uai)).noContent
            return nil
        }
    }

    @Sendable func affecter(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let demande = ECEAPI.Components.Schemas.Affectation(numero: form["numero"] ?? "", epreuve: form["epreuve"] ?? "",
                                                     centre: (form["centre"] ?? "").uppercased())
        return try await formulaire(request, context, retour: retourInscriptions,
                                    success: "Candidat \(demande.numero) affecté au centre \(demande.centre).") {
            _ = try await $0.affecterCandidats(path: .init(annee: Self.sessionCourante), body: .json(.init(affectations: [demande]))).ok
            return nil
        }
    }

    /// Assigns every suggestion that has a centre, in one all-or-nothing batch.
    @Sendable func appliquerSuggestions(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let api = client(session)
            let annee = Self.sessionCourante
            let epreuve = EpreuvePratique(rawValue: form["epreuve"] ?? "")
            let demandes = (try await api.suggererAffectations(path: .init(annee: annee), query: .init(epreuve: epreuve?.rawValue))
                .ok.body.json.items ?? []).prefix(5000).compactMap { s in
                    s.centre.map { ECEAPI.Components.Schemas.Affectation(numero: s.numero ?? "", epreuve: s.epreuve ?? "", centre: $0) }
                }
            guard !demandes.isEmpty else {
                throw Redirect(to: retourInscriptions, message: "Aucune suggestion à appliquer.", cookies: session.setCookies)
            }
            let message: String
            do {
                _ = try await api.affecterCandidats(path: .init(annee: annee), body: .json(.init(affectations: Array(demandes)))).ok
                message = "\(demandes.count) candidats affectés selon les suggestions."
            } catch {
                message = "Refusé : \(try Self.raisonDuRefus(error))"
            }
            throw Redirect(to: retourInscriptions, message: message, cookies: session.setCookies)
        }
    }

    @Sendable func publierAffectations(_ request: Request, context: ECERequestContext) async throws -> Response {
        _ = try await request.body.collect(upTo: 10_000)
        return try await formulaire(request, context, retour: retourInscriptions, success: "Affectations publiées vers Santorin.") {
            _ = try await $0.publierAffectations(path: .init(annee: Self.sessionCourante)).ok
            return nil
        }
    }

    @Sendable func designer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        func optionnel(_ key: String) -> String? { form[key].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        let divisions = optionnel("divisions")?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let personne = ECEAPI.Components.Schemas.Personne(login: form["login"] ?? "", nom: form["nom"] ?? "", prenom: form["prenom"] ?? "",
                                                   email: optionnel("email"), uai: optionnel("uai")?.uppercased(), divisions: divisions,
                                                   discipline: optionnel("discipline"))
        return try await formulaire(request, context, retour: retourInscriptions, success: "Désignation enregistrée : elle part vers Imag'In.") {
            let demande = ECEAPI.Components.Schemas.NouvelleDesignation(role: try Self.choix(form["role"] ?? "examinateur", "role"),
                                                                 epreuve: form["epreuve"] ?? "", centre: optionnel("centre")?.uppercased(),
                                                                 intervenant: personne)
            _ = try await $0.creerDesignation(path: .init(annee: Self.sessionCourante), body: .json(demande)).created
            return nil
        }
    }

    @Sendable func retirerDesignation(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let id = form["id"].flatMap(UUID.init(uuidString:))?.uuidString.lowercased() ?? "-"
        return try await formulaire(request, context, retour: retourInscriptions, success: "Désignation retirée.") {
            _ = try await $0.supprimerDesignation(path: .init(annee: Self.sessionCourante, id: id)).noContent
            return nil
        }
    }
}
