import Foundation
import HTTPTypes
import Hummingbird
import Shared

/// Every actor's way in: sign-in, account activation with the convocation's code, sign-out, and the
/// home page with the links the role opens (a coordinator's missions first).
extension WebController {
    @Sendable func connexionPage(_ request: Request, context: ECERequestContext) async throws -> Response {
        page("connexion", titre: "Connexion", Self.avecMessage(["retour": request.uri.queryParameters["retour"].map(String.init) ?? "/"], request),
             session: nil)
    }

    @Sendable func connexion(_ request: Request, context: ECERequestContext) async throws -> Response {
        try refuserAutreOrigine(request)
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let login = form["login"] ?? ""
        do {
            let tokens = try await auth.authenticate(.init(login: login, password: form["password"] ?? ""),
                                                     client: auth.clientAddress.of(request, context), logger: context.logger)
            // Only a path of this site: never an open redirect.
            let retour = form["retour"].flatMap(Self.cheminLocal) ?? "/"
            var response = Response(status: .seeOther, headers: [.location: retour])
            WebSession.append(WebSession.setCookies(tokens, secure: secureCookies), to: &response.headers)
            return response
        } catch let problem as Problem {
            return page("connexion", titre: "Connexion", ["erreur": "Identifiant ou mot de passe incorrect, ou compte verrouillé.",
                                                          "login": login, "retour": form["retour"] ?? "/"],
                        session: nil, status: problem.status == .unauthorized ? .unauthorized : problem.status)
        }
    }

    @Sendable func activationPage(_ request: Request, context: ECERequestContext) async throws -> Response {
        page("activation", titre: "Activer mon compte", [String: String](), session: nil)
    }

    @Sendable func activation(_ request: Request, context: ECERequestContext) async throws -> Response {
        try refuserAutreOrigine(request)
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        do {
            try await auth.activate(.init(login: form["login"] ?? "", activationCode: form["code"] ?? "", password: form["password"] ?? ""),
                                    client: auth.clientAddress.of(request, context), logger: context.logger)
            return page("activation", titre: "Activer mon compte", ["succes": true], session: nil)
        } catch let problem as Problem {
            let message = problem.errors?.first?.reason
                ?? (problem.status == .tooManyRequests ? "Trop de tentatives : réessayez dans quelques minutes."
                                                       : "Identifiant ou code invalide, ou compte déjà activé.")
            return page("activation", titre: "Activer mon compte", ["erreur": message, "login": form["login"] ?? ""], session: nil,
                        status: problem.status)
        }
    }

    @Sendable func deconnexion(_ request: Request, context: ECERequestContext) async throws -> Response {
        try refuserAutreOrigine(request)
        if let refresh = request.cookies[WebSession.refresh]?.value { try? await auth.end(refresh) }
        // A shared tablet keeps nothing of the session: the editor's cached pages and sheets go too.
        var response = Response(status: .seeOther, headers: [.location: "/connexion", Self.clearSiteData: #""cache", "storage""#])
        WebSession.append(WebSession.clearCookies(secure: secureCookies), to: &response.headers)
        return response
    }

    static let clearSiteData = HTTPField.Name("Clear-Site-Data")!

    // MARK: home

    struct Lien { var href: String; var libelle: String }

    @Sendable func accueil(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let role = session.identity.role
            var liens: [Lien] = []
            let statistiques = Lien(href: "/statistiques", libelle: "Les statistiques de correction")
            let messages = Lien(href: "/messages", libelle: "La messagerie de la commission")
            var object: [String: Any] = [:]
            switch role {
            case .examinateur: liens = [Lien(href: "/examinateur", libelle: "Mes missions, mes lots et l'éditeur de correction"),
                                        Lien(href: "/statistiques", libelle: "Mes statistiques de correction"), messages]
            case .centre, .referent:
                liens = [Lien(href: "/centre", libelle: "La correction au centre : groupes, suivi, impression, clôture"), statistiques, messages]
            case .coordinateur:
                liens = [Lien(href: "/centre", libelle: "Le suivi de la correction des épreuves que vous coordonnez"), statistiques,
                         Lien(href: "/messages", libelle: "La messagerie des commissions"),
                         Lien(href: "/recorrections", libelle: "Les recorrections demandées après clôture")]
                object["coordination"] = true
                object["missions"] = try await coordinations(session)
            case .gestionnaire:
                liens = [Lien(href: "/etablissements", libelle: "Les établissements et les centres d'épreuve de l'académie (Cyclades)"),
                         Lien(href: "/inscriptions", libelle: "Les candidats, délégations, affectations et désignations (Cyclades)"),
                         Lien(href: "/missions", libelle: "Les missions, convocations et services faits (Imag'In)"),
                         Lien(href: "/centre", libelle: "Le suivi de la correction de l'académie"), statistiques, messages,
                         Lien(href: "/remontee", libelle: "La remontée des notes"),
                         Lien(href: "/recorrections", libelle: "Les recorrections demandées après clôture"),
                         Lien(href: "/comptes", libelle: "Les comptes de l'académie : gestionnaires, établissements, centres, référents")]
            case .dsii: liens = [Lien(href: "/sujets", libelle: "La banque de sujets et les barèmes (Référentiel Sujet)"), statistiques]
            case .admin: liens = [Lien(href: "/etablissements", libelle: "Les académies, les établissements et les centres d'épreuve (Cyclades)"),
                                  Lien(href: "/comptes", libelle: "Les comptes de la plateforme"), statistiques]
            case .etablissement: liens = [Lien(href: "/inscriptions", libelle: "Les affectations déléguées et les désignations de vos enseignants"),
                                          Lien(href: "/missions", libelle: "Les convocations de vos enseignants (Imag'In)"),
                                          Lien(href: "/convocations", libelle: "Les convocations de vos élèves aux épreuves (PDF)"),
                                          Lien(href: "/remontee/notes", libelle: "Les notes de vos élèves"),
                                          Lien(href: "/comptes", libelle: "Les comptes de vos référents de correction")]
            }
            liens.append(Lien(href: "/openapi.yaml", libelle: "L'API de la plateforme (OpenAPI)"))
            object.merge(["nom": session.identity.login, "role": Libelle.role(role), "portee": session.identity.scope.description,
                          "liens": liens]) { a, _ in a }
            return page("accueil", titre: "Accueil", object, session: session)
        }
    }

    /// A coordinator's missions and, for each exam they coordinate, the way into its follow-up,
    /// statistics and messaging.
    struct Coordination { var epreuve: String; var code: String; var suivi: String; var statistiques: String }

    func coordinations(_ session: Session) async throws -> [Coordination] {
        let missions = try await client(session).listerMesMissions().ok.body.json.items ?? []
        let epreuves = Set(missions.compactMap(\.mission).filter { $0.kind == .coordinateur }.compactMap(\.epreuve))
        return EpreuvePratique.allCases.filter { epreuves.contains($0.rawValue) }.map {
            Coordination(epreuve: "\($0.rawValue) — \($0.libelle)", code: $0.rawValue, suivi: "/centre?epreuve=\($0.rawValue)",
                         statistiques: "/statistiques?epreuve=\($0.rawValue)")
        }
    }
}
