import Foundation
import Hummingbird
import Logging
import Shared

/// The accounts' pages: the administrator, an académie's gestionnaire and a school keep the accounts
/// of their perimeter (`GestionDesComptes`, through `AdministrationDesComptes` as the API does); anyone
/// asks for a password link or a new activation code, and chooses a password with the link.
extension WebController {
    func addComptesRoutes(to router: Router<ECERequestContext>) {
        router.get("/comptes", use: comptesPage)
        router.post("/comptes", use: creerCompte)
        router.get("/comptes/:id", use: comptePage)
        router.post("/comptes/:id", use: modifierCompte)
        router.post("/comptes/:id/etat", use: changerEtatCompte)
        router.get("/mot-de-passe-oublie", use: motDePasseOubliePage)
        router.post("/mot-de-passe-oublie", use: motDePasseOublie)
        router.get("/mot-de-passe", use: motDePassePage)
        router.post("/mot-de-passe", use: motDePasse)
        router.get("/code-activation", use: codeActivationPage)
        router.post("/code-activation", use: codeActivation)
    }

    // MARK: keeping the accounts

    static let rolesGeres: [Role] = [.gestionnaire, .etablissement, .centre, .referent, .examinateur, .coordinateur, .dsii, .admin]

    static func etat(_ code: String) -> String {
        ["actif": "actif", "en_attente": "mot de passe à choisir", "desactive": "désactivé"][code] ?? code
    }

    static func portee(_ compte: AdministrationDesComptes.CompteVue) -> String {
        switch compte.scope {
        case .national: "national"
        case .academie(let code): "académie \(code)"
        case .etablissement(let uai): "\(uai)" + (compte.academie.map { " (académie \($0))" } ?? "")
        }
    }

    @Sendable func comptesPage(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let q = request.uri.queryParameters
            let role = q["role"].flatMap { Role(rawValue: String($0)) }
            let recherche = Self.recherche(request)
            let numero = Self.numeroDePage(request)
            let liste = try await comptes.liste(session.identity, role: role, recherche: recherche, page: numero, perPage: 50)
            let admin = session.identity.role == .admin
            let academies = admin ? try await academies(session) : []
            func lien(_ page: Int) -> String {
                var c = URLComponents()
                c.queryItems = [URLQueryItem(name: "page", value: "\(page)"), URLQueryItem(name: "q", value: recherche),
                                URLQueryItem(name: "role", value: role?.rawValue ?? "")]
                return "/comptes?" + (c.percentEncodedQuery ?? "")
            }
            // A school's or centre's accounts are created from its directory entry (`?uai=`).
            let uaiDemande = q["uai"].map(String.init).flatMap(Self.codeUAI)
            let uaiFixe: String? = if case .etablissement(let own) = session.identity.scope { own } else { nil }
            let roleDemande = q["nouveau"].flatMap { Role(rawValue: String($0)) }
            let perimetre = switch session.identity.scope {
            case .national: "toutes les académies"
            case .academie(let code): "académie \(code)"
            case .etablissement(let uai): "référents de correction de \(uai)"
            }
            var object: [String: Any] = [
                "perimetre": perimetre,
                "recherche": recherche, "total": liste.total,
                "roles": Self.rolesGeres.map { ["code": $0.rawValue, "libelle": Libelle.role($0), "choisi": $0 == role] },
                "comptes": liste.items.map { c in
                    ["id": c.id.uuidString.lowercased(), "login": c.login, "nom": c.nom, "role": Libelle.role(c.role),
                     "portee": Self.portee(c), "etat": Self.etat(c.etat),
                     "connexion": c.derniereConnexion.map(FrenchFormat.moment) ?? "jamais"]
                },
                "peutCreer": !liste.creables.isEmpty,
                "creables": liste.creables.map { ["code": $0.rawValue, "libelle": Libelle.role($0), "choisi": $0 == roleDemande] },
                "academies": academies.map { ["code": $0.code, "nom": $0.nom] }, "avecAcademies": !academies.isEmpty,
                "nUai": uaiDemande ?? "",
            ]
            if let uaiFixe { object["uaiFixe"] = uaiFixe }
            if let uai = uaiDemande, let roleDemande {
                // The platform's usual logins: etab.<UAI> for the school, centre.<UAI> for its centre.
                object["nLogin"] = roleDemande == .centre ? "centre.\(uai)" : roleDemande == .etablissement ? "etab.\(uai)" : ""
            }
            object.merge(Self.pagination(numero, total: liste.total, parPage: 50, lien: lien)) { a, _ in a }
            return page("comptes", titre: "Comptes", Self.avecMessage(object, request), session: session)
        }
    }

    @Sendable func creerCompte(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let form = Self.form(try await request.body.collect(upTo: 10_000))
            let role = Role(rawValue: form["role"] ?? "")
            // The page asks for what the role needs: an académie, a UAI, or nothing (national).
            let scope: String = switch role {
            case .gestionnaire?:
                if case .academie(let code) = session.identity.scope { "academie:\(code)" } else { "academie:\(form["academie"] ?? "")" }
            case .etablissement?, .centre?, .referent?: "uai:\(form["uai"] ?? "")"
            default: "national"
            }
            let body = AdministrationDesComptes.NouveauCompte(login: form["login"] ?? "", nom: form["nom"] ?? "", role: form["role"] ?? "",
                                                      scope: scope, email: form["email"] ?? "")
            let message: String
            do {
                let compte = try await comptes.creer(body, caller: session.identity, token: session.token, logger: context.logger)
                message = "Compte \(compte.login) créé. \(compte.avis ?? "")"
            } catch let problem as Problem where problem.status != .serviceUnavailable {
                message = "Refusé : " + Self.raison(problem)
            }
            throw Redirect(to: "/comptes", message: message, cookies: session.setCookies)
        }
    }

    private func compteDemande(_ context: ECERequestContext, _ session: Session) async throws -> Account {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw Problem.notFound("compte") }
        return try await comptes.compte(id, caller: session.identity)
    }

    @Sendable func comptePage(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let account = try await compteDemande(context, session)
            let vue = AdministrationDesComptes.CompteVue(account)
            let changement = GestionDesComptes.changement(par: session.identity, de: account)
            let object: [String: Any] = [
                "id": account.id.uuidString.lowercased(), "login": account.login, "nom": account.displayName,
                "role": Libelle.role(account.role), "portee": Self.portee(vue), "scope": account.scope.description,
                "etat": Self.etat(vue.etat), "desactive": account.disabled, "email": account.email ?? "",
                "connexion": account.lastSignInAt.map(FrenchFormat.moment) ?? "jamais",
                "modifiable": changement == .tout, "etatModifiable": changement != .rien,
                "perimetreModifiable": changement == .tout && account.role != .admin && account.role != .dsii,
            ]
            return page("compte", titre: "\(account.displayName) (\(account.login))", Self.avecMessage(object, request), session: session)
        }
    }

    private func modifierCompte(_ request: Request, _ context: ECERequestContext,
                                _ modification: ([String: String]) -> AdministrationDesComptes.Modification?) async throws -> Response {
        try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let account = try await compteDemande(context, session)
            let form = Self.form(try await request.body.collect(upTo: 10_000))
            let message: String
            do {
                guard let modification = modification(form) else {
                    throw Problem.validation([.init(field: "actif", reason: "oui ou non")])
                }
                let compte = try await comptes.modifier(account.id, modification, caller: session.identity, token: session.token,
                                                        logger: context.logger)
                message = "Compte \(compte.login) enregistré : \(Self.etat(compte.etat))."
            } catch let problem as Problem where problem.status != .serviceUnavailable && problem.status != .notFound {
                message = "Refusé : " + Self.raison(problem)
            }
            throw Redirect(to: "/comptes/\(account.id.uuidString.lowercased())", message: message, cookies: session.setCookies)
        }
    }

    @Sendable func modifierCompte(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await modifierCompte(request, context) { form in
            .init(nom: form["nom"] ?? "", email: form["email"].flatMap { $0.isEmpty ? nil : $0 }, scope: form["scope"], actif: nil)
        }
    }

    @Sendable func changerEtatCompte(_ request: Request, context: ECERequestContext) async throws -> Response {
        // Nothing but « oui » or « non » changes the state: a stray value disables no one.
        try await modifierCompte(request, context) { form in
            ["oui": true, "non": false][form["actif"] ?? ""].map { .init(nom: nil, email: nil, scope: nil, actif: $0) }
        }
    }

    // MARK: a password link, a new code, a new password

    @Sendable func motDePasseOubliePage(_ request: Request, context: ECERequestContext) async throws -> Response {
        page("mot-de-passe-oublie", titre: "Mot de passe oublié", [String: String](), session: nil)
    }

    @Sendable func motDePasseOublie(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await demandeParCourriel(request, context, "mot-de-passe-oublie", titre: "Mot de passe oublié",
                                     avis: Authentification.avisLien.avis, auth.requestPasswordLink)
    }

    /// A form that has something mailed (a link, a code): the same notice whoever was asked for.
    private func demandeParCourriel(_ request: Request, _ context: ECERequestContext, _ template: String, titre: String, avis: String,
                                    _ demande: (String, String, Logger) async throws -> Void) async throws -> Response {
        try refuserAutreOrigine(request)
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        do {
            try await demande(form["login"] ?? "", auth.clientAddress.of(request, context), context.logger)
            return page(template, titre: titre, ["avis": avis], session: nil)
        } catch let problem as Problem {
            return page(template, titre: titre, ["erreur": Self.enMots(problem)], session: nil, status: problem.status)
        }
    }

    /// A refusal of the sign-in forms in words.
    static func enMots(_ problem: Problem) -> String {
        problem.status == .tooManyRequests ? "Trop de demandes : réessayez dans quelques minutes."
            : problem.errors?.first?.reason ?? problem.detail ?? problem.title
    }

    @Sendable func motDePassePage(_ request: Request, context: ECERequestContext) async throws -> Response {
        // The token stays out of the Referer of anything the page loads (the layout's policy: same origin only).
        let jeton = request.uri.queryParameters["jeton"].map(String.init).flatMap { $0.count <= 128 ? $0 : nil } ?? ""
        return page("mot-de-passe", titre: "Choisir mon mot de passe", ["jeton": jeton, "formulaire": !jeton.isEmpty], session: nil)
    }

    @Sendable func motDePasse(_ request: Request, context: ECERequestContext) async throws -> Response {
        try refuserAutreOrigine(request)
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let jeton = form["jeton"] ?? ""
        guard form["password"] == form["confirmation"] else {
            return page("mot-de-passe", titre: "Choisir mon mot de passe",
                        ["jeton": jeton, "formulaire": true, "erreur": "Les deux mots de passe diffèrent."], session: nil, status: .badRequest)
        }
        let account: Account
        do {
            account = try await auth.setPassword(.init(token: jeton, password: form["password"] ?? ""),
                                                 client: auth.clientAddress.of(request, context), logger: context.logger)
        } catch let problem as Problem {
            // A refused link shows no form again: a new link is the way on.
            let garde = problem.type != Authentification.invalidLink.type
            return page("mot-de-passe", titre: "Choisir mon mot de passe", ["jeton": jeton, "formulaire": garde, "erreur": Self.enMots(problem)],
                        session: nil, status: problem.status)
        }
        let suite = Redirect(to: "/connexion", message: "Mot de passe enregistré pour \(account.login) : vous pouvez vous connecter.",
                             cookies: [])
        var response = Response(status: .seeOther, headers: [.location: suite.to])
        WebSession.append(messageCookies(suite), to: &response.headers)
        return response
    }

    @Sendable func codeActivationPage(_ request: Request, context: ECERequestContext) async throws -> Response {
        page("code-activation", titre: "Nouveau code d'activation", [String: String](), session: nil)
    }

    @Sendable func codeActivation(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await demandeParCourriel(request, context, "code-activation", titre: "Nouveau code d'activation",
                                     avis: Authentification.avisCode.avis, auth.requestActivationCode)
    }
}
