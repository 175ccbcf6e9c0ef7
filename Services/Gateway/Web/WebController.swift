import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Shared

/// The web pages, served by the gateway in French: sign-in and account activation, the examiner's
/// lots and the grading editor (which keeps working offline), the centre's commissions with
/// distribution, printing and closing, and the académie's remontée des notes. Pages read the data
/// through the same public API as every client, with the user's own token.
struct WebController: Sendable {
    let auth: AuthController
    let verifier: TokenVerifier
    let client: HTTPClient
    let upstreams: [String: String]
    /// Cookies marked Secure except on a plain-HTTP local address.
    let secureCookies: Bool

    struct Session: Sendable {
        var identity: Identity
        var token: String
        /// Renewed tokens to send back.
        var setCookies: [String] = []
    }

    func addRoutes(to router: Router<ECERequestContext>) {
        router.get("/", use: accueil)
        router.get("/connexion", use: connexionPage)
        router.post("/connexion", use: connexion)
        router.get("/activation", use: activationPage)
        router.post("/activation", use: activation)
        router.post("/deconnexion", use: deconnexion)
        router.get("/examinateur", use: lots)
        router.post("/examinateur/lots/:id/verrouillage", use: verrouiller)
        router.get("/correction/fiches/:id", use: editeur)
        router.get("/centre", use: commissions)
        router.get("/centre/:annee/:epreuve/:centre", use: commission)
        router.post("/centre/:annee/:epreuve/:centre/distribution", use: distribuer)
        router.post("/centre/:annee/:epreuve/:centre/repartition", use: repartir)
        router.post("/centre/:annee/:epreuve/:centre/placement", use: placer)
        router.post("/centre/:annee/:epreuve/:centre/cloture", use: cloturer)
        router.post("/centre/:annee/:epreuve/:centre/groupes", use: creerGroupe)
        router.post("/centre/:annee/:epreuve/:centre/groupes/:id", use: modifierGroupe)
        router.post("/centre/:annee/:epreuve/:centre/groupes/:id/dissolution", use: dissoudreGroupe)
        router.post("/centre/:annee/:epreuve/:centre/creneaux", use: creerCreneau)
        router.post("/centre/:annee/:epreuve/:centre/lots/:id/verrouillage", use: verrouillerLot)
        router.post("/centre/:annee/:epreuve/:centre/lots/:id/deverrouillage", use: deverrouillerLot)
        router.post("/centre/:annee/:epreuve/:centre/lots/:id/reaffectation", use: reaffecter)
        router.post("/centre/:annee/:epreuve/:centre/reouverture", use: rouvrir)
        router.get("/statistiques", use: statistiques)
        router.get("/messages", use: messagerie)
        router.post("/messages", use: ouvrirFil)
        router.get("/messages/:id", use: fil)
        router.post("/messages/:id", use: repondre)
        router.get("/missions", use: missions)
        router.post("/missions/reglementation", use: rafraichirReglementation)
        router.post("/missions/parametres", use: parametres)
        router.post("/missions/ouverture", use: ouvrirSession)
        router.post("/missions/convocations", use: convoquer)
        router.post("/missions/annulations", use: annulerConvocation)
        router.get("/remontee", use: remontee)
        addSujetsRoutes(to: router)
        addInscriptionsRoutes(to: router)
        router.get("/assets/ece.css") { _, _ in Self.asset(Assets.css, "text/css; charset=utf-8") }
        router.get("/assets/editeur.js") { _, _ in Self.asset(Assets.editeur, "text/javascript; charset=utf-8") }
        router.get("/assets/bareme.js") { _, _ in Self.asset(Assets.bareme, "text/javascript; charset=utf-8") }
        router.get("/assets/gestion.js") { _, _ in Self.asset(Assets.gestion, "text/javascript; charset=utf-8") }
        router.get("/sw.js") { _, _ in Self.asset(Assets.serviceWorker, "text/javascript; charset=utf-8") }
    }

    /// The session year pages open on: from September on, next June's.
    static var sessionCourante: Int {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Europe/Paris") ?? .gmt, from: Date())
        return (c.year ?? 2027) + ((c.month ?? 1) >= 9 ? 1 : 0)
    }

    // MARK: session

    /// The signed-in user: the access cookie, or a renewal with the refresh cookie.
    func session(_ request: Request, _ logger: Logger) async -> Session? {
        let cookies = WebSession.cookies(request)
        if let token = cookies[WebSession.access], let identity = await verifier.identity(from: token) {
            return Session(identity: identity, token: token)
        }
        guard let refresh = cookies[WebSession.refresh], let tokens = try? await auth.renew(refresh, logger: logger),
            let identity = await verifier.identity(from: tokens.accessToken)
        else { return nil }
        return Session(identity: identity, token: tokens.accessToken, setCookies: WebSession.setCookies(tokens, secure: secureCookies))
    }

    func required(_ request: Request, _ context: ECERequestContext) async throws -> Session {
        guard let session = await session(request, context.logger) else {
            throw Redirect(to: "/connexion?retour=" + (request.uri.path.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
        }
        return session
    }

    /// Whether a browser request comes from this site: browsers say so (`Sec-Fetch-Site`, `Origin`);
    /// a write authenticated by the cookie from anywhere else is refused (CSRF). Requests without
    /// either header do not come from a browser, which is what CSRF needs.
    static func memeOrigine(_ request: Request) -> Bool {
        if let site = request.headers[HTTPField.Name("Sec-Fetch-Site")!] { return site == "same-origin" || site == "none" }
        guard let origin = request.headers[.origin] else { return true }
        guard let host = request.head.authority, let url = URL(string: origin), let originHost = url.host
        else { return false }
        return originHost + (url.port.map { ":\($0)" } ?? "") == host
    }

    /// The bearer token a proxied API call carries for a signed-in browser (renewed if need be),
    /// only for reads or for writes from this site.
    func bearer(_ request: Request, _ logger: Logger) async -> Session? {
        guard request.method == .get || request.method == .head || Self.memeOrigine(request) else { return nil }
        return await session(request, logger)
    }

    func refuserAutreOrigine(_ request: Request) throws {
        guard Self.memeOrigine(request) else {
            throw Problem.forbidden("requête venue d'un autre site / cross-site request")
        }
    }

    /// Thrown to send the browser elsewhere (303, so a form post becomes a GET).
    struct Redirect: Error {
        var to: String
        var cookies: [String] = []

        /// Back to a page with a message for it to show.
        init(to path: String, message: String, cookies: [String]) {
            to = path + "?message=" + (message.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            self.cookies = cookies
        }

        init(to: String, cookies: [String] = []) {
            self.to = to
            self.cookies = cookies
        }
    }

    // MARK: rendering

    struct Utilisateur { var nom: String; var role: String }

    func page(_ name: String, titre: String, _ object: Any, session: Session?, editeur: Bool = false,
                      status: HTTPResponse.Status = .ok, cookies: [String] = []) -> Response {
        let contenu = Templates.library.render(object, withTemplate: name) ?? ""
        var layout: [String: Any] = ["titre": titre, "contenu": contenu, "editeur": editeur]
        if let session { layout["utilisateur"] = Utilisateur(nom: session.identity.login, role: Libelle.role(session.identity.role)) }
        let html = Templates.library.render(layout, withTemplate: "layout") ?? ""
        var response = HTML.response(html)
        response.status = status
        WebSession.append(cookies + (session?.setCookies ?? []), to: &response.headers)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    private static func asset(_ text: String, _ type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type, .cacheControl: "no-cache"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Runs a page, turning a redirect or an API refusal into what a browser expects.
    func handle(_ request: Request, _ context: ECERequestContext, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let redirect as Redirect {
            var response = Response(status: .seeOther, headers: [.location: redirect.to])
            WebSession.append(redirect.cookies, to: &response.headers)
            return response
        } catch let problem as Problem {
            // Without the session: renewing it again here would spend its refresh token twice.
            return page("erreur", titre: problem.title, ["titre": problem.title, "detail": problem.detail ?? ""], session: nil,
                        status: problem.status)
        }
    }

    // MARK: the API, with the user's token

    struct Reply { var status: HTTPResponse.Status; var body: ByteBuffer }

    func api(_ method: HTTPRequest.Method, _ service: String, _ path: String, session: Session, json: String? = nil) async throws -> Reply {
        guard let base = upstreams[service] else { throw Problem.notFound() }
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method.rawValue)
        request.headers.add(name: "Authorization", value: "Bearer \(session.token)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        do {
            let response = try await client.execute(request, timeout: .seconds(60))
            return Reply(status: .init(code: Int(response.status.code)), body: try await response.body.collect(upTo: 20_000_000))
        } catch {
            throw Problem.serviceUnavailable("le service \(service) ne répond pas / service \(service) unavailable")
        }
    }

    func decode<T: Decodable>(_ type: T.Type, _ reply: Reply) throws -> T {
        guard reply.status == .ok else {
            let problem = try? JSONDecoder().decode(Problem.self, from: reply.body)
            throw problem ?? Problem(reply.status, type: "upstream", title: "Erreur / Error")
        }
        return try JSONDecoder.iso.decode(T.self, from: reply.body)
    }

    /// The schools' and centres' names by UAI, from Inscriptions (which owns them), to show beside the
    /// UAIs a page lists. Empty when Inscriptions does not answer: the page still shows the UAIs.
    func nomsEtablissements(_ session: Session) async -> [String: String] {
        struct Etablissement: Decodable { var uai: String; var nom: String }
        struct Items: Decodable { var items: [Etablissement] }
        var path = "/api/inscriptions/etablissements"
        if case .academie(let code) = session.identity.scope { path += "?academie=\(code)" }
        guard let reply = try? await api(.get, "inscriptions", path, session: session),
            let items = try? decode(Items.self, reply).items
        else { return [:] }
        return Dictionary(items.map { ($0.uai, $0.nom) }, uniquingKeysWith: { a, _ in a })
    }

    /// The detail of a refusal, for the page's message.
    static func detail(_ reply: Reply) -> String {
        let problem = try? JSONDecoder().decode(Problem.self, from: reply.body)
        return [problem?.detail, problem?.errors?.map { "\($0.field) : \($0.reason)" }.joined(separator: " ; ")]
            .compactMap { $0 }.joined(separator: " — ")
    }

    /// A path of this site and nothing else (no scheme, no "//", no backslash or control character).
    static func cheminLocal(_ text: String) -> String? {
        guard text.hasPrefix("/"), !text.hasPrefix("//"), text.count <= 200,
            text.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "/_.-".unicodeScalars.contains($0)) })
        else { return nil }
        return text
    }

    static func form(_ bytes: ByteBuffer) -> [String: String] {
        formValues(bytes).mapValues { $0.last ?? "" }
    }

    /// Every value of each field (checkboxes repeat their name). Total on any bytes: a pair without
    /// `=` is a name with an empty value, `=x` a value with an empty name, invalid UTF-8 or percent
    /// escapes decode to "" (a page then refuses the empty field like any other wrong value).
    static func formValues(_ bytes: ByteBuffer) -> [String: [String]] {
        func decoded(_ text: Substring) -> String {
            String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? ""
        }
        var result: [String: [String]] = [:]
        for pair in String(buffer: bytes).split(separator: "&") {
            let name = pair.firstIndex(of: "=").map { pair[..<$0] } ?? pair
            let value = pair.firstIndex(of: "=").map { pair[pair.index(after: $0)...] } ?? ""
            result[decoded(name), default: []].append(decoded(value))
        }
        return result
    }

    /// A JSON document from plain values (the pages' forms become API calls).
    static func json(_ value: some Encodable) -> String {
        String(decoding: (try? JSONEncoder.iso.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// A page's form becomes one API call with the user's token; the browser goes back to `retour`
    /// with a message saying how it went (the service's `avis` after it, if it gives one; the
    /// refusal's details when refused).
    func formulaire(_ request: Request, _ context: ECERequestContext, _ method: HTTPRequest.Method = .post, service: String,
                    _ path: String, json: String?, retour: String, success: String,
                    expected: Set<HTTPResponse.Status> = [.ok], refus: String = "Refusé") async throws -> Response {
        try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let reply = try await api(method, service, path, session: session, json: json)
            struct Avis: Decodable { var avis: String? }
            let avis = (try? JSONDecoder().decode(Avis.self, from: reply.body))?.avis.map { " \($0)" } ?? ""
            let message = expected.contains(reply.status) ? success + avis : "\(refus) : \(Self.detail(reply))"
            throw Redirect(to: retour, message: message, cookies: session.setCookies)
        }
    }

    /// The page's object with the message a redirect brought (`?message=`).
    static func avecMessage(_ object: [String: Any], _ request: Request) -> [String: Any] {
        var object = object
        if let message = request.uri.queryParameters["message"] { object["message"] = String(message) }
        return object
    }

    // MARK: sign-in

    @Sendable func connexionPage(_ request: Request, context: ECERequestContext) async throws -> Response {
        page("connexion", titre: "Connexion", ["retour": request.uri.queryParameters["retour"].map(String.init) ?? "/"], session: nil)
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
        if let refresh = WebSession.cookies(request)[WebSession.refresh] { try? await auth.end(refresh) }
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
                         Lien(href: "/messages", libelle: "La messagerie des commissions")]
                object["coordination"] = true
                object["missions"] = try await coordinations(session)
            case .gestionnaire:
                liens = [Lien(href: "/inscriptions", libelle: "Les candidats, délégations, affectations et désignations (Cyclades)"),
                         Lien(href: "/missions", libelle: "Les missions, convocations et services faits (Imag'In)"),
                         Lien(href: "/centre", libelle: "Le suivi de la correction de l'académie"), statistiques, messages,
                         Lien(href: "/remontee", libelle: "La remontée des notes")]
            case .dsii: liens = [Lien(href: "/sujets", libelle: "La banque de sujets et les barèmes (Référentiel Sujet)"), statistiques]
            case .admin: liens = [statistiques]
            case .etablissement: liens = [Lien(href: "/inscriptions", libelle: "Les affectations déléguées et les désignations de vos enseignants"),
                                          Lien(href: "/missions", libelle: "Les convocations de vos enseignants (Imag'In)")]
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
        struct Mission: Decodable { var epreuve: String; var kind: String }
        struct MaMission: Decodable { var mission: Mission }
        struct Missions: Decodable { var items: [MaMission] }
        let missions = try decode(Missions.self, try await api(.get, "missions", "/api/missions/mes-missions", session: session)).items
        let epreuves = Set(missions.filter { $0.mission.kind == "coordinateur" }.map(\.mission.epreuve))
        return EpreuvePratique.allCases.filter { epreuves.contains($0.rawValue) }.map {
            Coordination(epreuve: "\($0.rawValue) — \($0.libelle)", code: $0.rawValue, suivi: "/centre?epreuve=\($0.rawValue)",
                         statistiques: "/statistiques?epreuve=\($0.rawValue)")
        }
    }

    // MARK: the examiner

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
            return page("lots", titre: "Mes missions et mes lots", Self.avecMessage(["lots": vues, "missions": lignes], request), session: session)
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

    // MARK: the centre, the académie

    struct Avancement: Decodable { var academie: String; var centre: String; var epreuve: String; var etat: String; var candidats: Int
        var aNoter: Int; var notees: Int; var absents: Int; var lots: Int; var lotsVerrouilles: Int }
    struct LigneVue { var epreuve: String; var centre: String; var candidats: Int; var aNoter: Int; var notees: Int; var absents: Int
        var lots: Int; var lotsVerrouilles: Int; var etat: String; var lien: String? }

    @Sendable func commissions(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let annee = Self.sessionCourante
            struct Items: Decodable { var items: [Avancement] }
            // One exam when asked (a coordinator's mission links here).
            let epreuve = request.uri.queryParameters["epreuve"].flatMap { EpreuvePratique(rawValue: String($0)) }
            let items = try decode(Items.self, try await api(.get, "correction", "/api/correction/sessions/\(annee)/suivi"
                                                             + (epreuve.map { "?epreuve=\($0.rawValue)" } ?? ""), session: session)).items
            let noms = await nomsEtablissements(session)
            let lignes = items.map { a in
                LigneVue(epreuve: a.epreuve, centre: Libelle.etablissement(a.centre, noms), candidats: a.candidats, aNoter: a.aNoter,
                         notees: a.notees, absents: a.absents, lots: a.lots, lotsVerrouilles: a.lotsVerrouilles, etat: Libelle.etatCommission(a.etat),
                         lien: a.centre.isEmpty ? nil : "/centre/\(annee)/\(a.epreuve)/\(a.centre)")
            }
            let object: [String: Any] = ["titre": "session \(annee)" + (epreuve.map { ", \($0.rawValue) — \($0.libelle)" } ?? ""),
                                         "lignes": lignes]
            return page("commissions", titre: "Suivi de la correction", Self.avecMessage(object, request), session: session)
        }
    }

    struct CommissionVue: Decodable {
        var commission: Entete; var groupes: [Groupe]; var creneaux: [Creneau]; var candidats: Int; var nonDistribues: Int
        struct Entete: Decodable { var session: Int; var epreuve: String; var centre: String; var etat: String }
        struct Groupe: Decodable { var id: UUID; var nom: String; var membres: [UUID]; var candidats: Int; var notes: Int; var absents: Int; var brouillons: Int; var verrouille: Bool }
        struct Creneau: Decodable { var id: UUID; var jour: String; var demiJournee: String; var sujets: [UUID]; var candidats: Int; var capacite: Int
            var choix: Bool? }
    }

    /// The candidate filters of the commission page (division, school, name range; not yet in a lot
    /// or a slot), as query pairs for Correction's list of sheets.
    static func filtresFiches(_ valeur: (String) -> String?) -> [(String, String)] {
        ["division", "origine", "nomDe", "nomA", "groupe"].compactMap { key in
            valeur(key).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty || $0.count > 40 ? nil : (key, $0) }
        } + ["nonDistribues", "sansCreneau"].filter { valeur($0) == "true" }.map { ($0, "true") }
    }

    static func requete(_ filtres: [(String, String)]) -> String {
        filtres.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
    }

    func commissionPath(_ context: ECERequestContext) throws -> (api: String, page: String) {
        guard let epreuve = context.parameters.get("epreuve"), let centre = context.parameters.get("centre"),
            [epreuve, centre].allSatisfy({ !$0.isEmpty && $0.count <= 20 && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } })
        else { throw Problem.notFound("commission") }
        let annee = try context.session()
        return ("/api/correction/sessions/\(annee)/epreuves/\(epreuve)/centres/\(centre)", "/centre/\(annee)/\(epreuve)/\(centre)")
    }

    @Sendable func commission(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let (base, pagePath) = try commissionPath(context)
            let vue = try decode(CommissionVue.self, try await api(.get, "correction", base, session: session))
            struct Examinateur: Decodable { var intervenantId: UUID; var login: String; var nom: String; var prenom: String }
            struct Sujet: Decodable { var id: UUID; var code: String; var dominante: String?; var titre: String?; var visibleFrom: Date }
            struct Items<T: Decodable>: Decodable { var items: [T] }
            let organise = session.identity.role == .centre && vue.commission.etat == "ouverte"
            let examinateurs = organise ? try decode(Items<Examinateur>.self, try await api(.get, "correction", base + "/examinateurs", session: session)).items : []
            // The exam's subjects, for all who follow the commission (titles only once visible): the slots
            // name them, the slot form offers them, and the centre and the coordinator read each one's
            // material list, and its documents once visible (Référentiel decides, `LectureSujet`).
            let preparation = [.centre, .coordinateur].contains(session.identity.role)
            let sujets = session.identity.role == .examinateur ? []
                : try decode(Items<Sujet>.self, try await api(.get, "correction", base + "/sujets", session: session)).items
            let libellesSujets = Dictionary(sujets.map { ($0.id, $0.code + ($0.titre.map { " — \($0)" } ?? " (sous embargo)")) },
                                            uniquingKeysWith: { a, _ in a })
            struct SujetVue { var id: String; var code: String; var dominante: String?; var titre: String?; var visibleLe: String
                var visible: Bool }
            let maintenant = Date()
            struct CreneauVue { var id: String; var jour: String; var demiJournee: String; var sujets: [String]; var candidats: Int
                var capacite: String; var complet: Bool; var choix: Bool }
            // Slots and manual distribution: the filters choose the sheets shown, the centre ticks them and
            // places them in a slot or moves them to a lot.
            let q = request.uri.queryParameters
            let filtres = Self.filtresFiches { q[Substring($0)].map(String.init) }
            struct FicheRef: Decodable { var id: UUID; var numero: String; var nom: String; var prenoms: String; var division: String?
                var uaiOrigine: String?; var groupeId: UUID?; var creneauId: UUID? }
            let nomsGroupes = Dictionary(vue.groupes.map { ($0.id, $0.nom) }, uniquingKeysWith: { a, _ in a })
            let nomsCreneaux = Dictionary(vue.creneaux.map { ($0.id, "\(FrenchFormat.jour($0.jour)), \(Libelle.demiJournee($0.demiJournee))") },
                                          uniquingKeysWith: { a, _ in a })
            let fiches = organise
                ? try decode(Items<FicheRef>.self, try await api(.get, "correction", base + "/fiches?" + Self.requete(filtres), session: session)).items
                : []
            struct FicheVue { var id: String; var numero: String; var nom: String; var division: String; var origine: String; var groupe: String
                var creneau: String }
            struct GroupeChoix { var id: String; var nom: String }
            let filtre = Dictionary(filtres, uniquingKeysWith: { a, _ in a })
            let noms = await nomsEtablissements(session)
            // Following the correction: the lots to lock for their examiner, unlock, reassign (the
            // centre, which alone distributes), a closed exam to reopen (the gestionnaire), and the audit.
            let role = session.identity.role
            let suivi = [.centre, .referent, .coordinateur, .gestionnaire].contains(role) && vue.commission.etat == "ouverte"
            struct LotVue { var id: String; var nom: String; var candidats: Int; var notes: Int; var absents: Int; var brouillons: Int
                var verrouille: Bool; var verrouillable: Bool; var cibles: [GroupeChoix]; var reaffectable: Bool }
            let lots = vue.groupes.map { g in
                let cibles = organise && !g.verrouille && g.candidats > 0
                    ? vue.groupes.filter { $0.id != g.id && !$0.verrouille }.map { GroupeChoix(id: $0.id.uuidString.lowercased(), nom: $0.nom) }
                    : []
                return LotVue(id: g.id.uuidString.lowercased(), nom: g.nom, candidats: g.candidats, notes: g.notes, absents: g.absents,
                              brouillons: g.brouillons, verrouille: g.verrouille,
                              verrouillable: suivi && !g.verrouille && g.candidats > 0 && g.notes + g.absents == g.candidats,
                              cibles: cibles, reaffectable: !cibles.isEmpty)
            }
            struct MembreChoix { var intervenantId: String; var nom: String; var prenom: String; var login: String; var membre: Bool }
            struct GroupeModifiable { var id: String; var nom: String; var vide: Bool; var choix: [MembreChoix] }
            struct Entree: Decodable { var le: Date; var acteur: String; var action: String; var motif: String?; var lot: String? }
            struct EntreeVue { var le: String; var acteur: String; var action: String; var lot: String; var motif: String }
            let journal = role == .examinateur ? [] : try decode(Items<Entree>.self, try await api(.get, "correction", base + "/audit", session: session)).items
            let object: [String: Any] = [
                "filtre": filtre, "nonDistribuesSeuls": filtre["nonDistribues"] != nil,
                "fiches": fiches.map { FicheVue(id: $0.id.uuidString.lowercased(), numero: $0.numero, nom: "\($0.nom) \($0.prenoms)",
                                                division: $0.division ?? "", origine: $0.uaiOrigine.map { Libelle.etablissement($0, noms) } ?? "",
                                                groupe: $0.groupeId.flatMap { nomsGroupes[$0] } ?? "—",
                                                creneau: $0.creneauId.flatMap { nomsCreneaux[$0] } ?? "—") },
                "choixGroupes": vue.groupes.map { GroupeChoix(id: $0.id.uuidString.lowercased(), nom: $0.nom) },
                "choixCreneaux": vue.creneaux.map { GroupeChoix(id: $0.id.uuidString.lowercased(), nom: nomsCreneaux[$0.id] ?? "") },
                "sansCreneauSeuls": filtre["sansCreneau"] != nil,
                "session": vue.commission.session, "epreuve": vue.commission.epreuve, "centre": Libelle.etablissement(vue.commission.centre, noms),
                "etat": Libelle.etatCommission(vue.commission.etat), "zip": vue.commission.etat == "close" && [.centre, .gestionnaire].contains(session.identity.role), "candidats": vue.candidats,
                "nonDistribues": vue.nonDistribues, "groupes": lots, "base": base, "page": pagePath, "ouverte": organise,
                "suivi": suivi, "aJournal": !journal.isEmpty, "rouvrir": role == .gestionnaire && vue.commission.etat == "close",
                "journal": journal.map { EntreeVue(le: FrenchFormat.moment($0.le), acteur: $0.acteur, action: Libelle.actionAudit($0.action),
                                                   lot: $0.lot ?? "", motif: $0.motif ?? "") },
                "examinateurs": examinateurs, "preparation": preparation && !sujets.isEmpty,
                "sujets": sujets.map { SujetVue(id: $0.id.uuidString.lowercased(), code: $0.code, dominante: $0.dominante, titre: $0.titre,
                                                visibleLe: FrenchFormat.moment($0.visibleFrom), visible: $0.visibleFrom <= maintenant) },
                // Changing a group: its name, its examiners (an ill one unticked, the replacement ticked), dissolving it when empty.
                "aModifiables": vue.groupes.contains { !$0.verrouille },
                "modifiables": vue.groupes.filter { !$0.verrouille }.map { g in
                    GroupeModifiable(id: g.id.uuidString.lowercased(), nom: g.nom, vide: g.candidats == 0,
                                     choix: examinateurs.map { MembreChoix(intervenantId: $0.intervenantId.uuidString.lowercased(), nom: $0.nom,
                                                                           prenom: $0.prenom, login: $0.login, membre: g.membres.contains($0.intervenantId)) })
                },
                "creneaux": vue.creneaux.map { CreneauVue(id: $0.id.uuidString.lowercased(), jour: FrenchFormat.jour($0.jour),
                                                          demiJournee: Libelle.demiJournee($0.demiJournee),
                                                          sujets: $0.sujets.map { libellesSujets[$0] ?? "sujet non publié" },
                                                          candidats: $0.candidats, capacite: $0.capacite == 0 ? "aucun groupe formé" : "\($0.capacite)",
                                                          complet: $0.capacite > 0 && $0.candidats >= $0.capacite, choix: $0.choix == true) },
            ]
            return page("commission", titre: "\(vue.commission.epreuve) — \(vue.commission.centre)", Self.avecMessage(object, request), session: session)
        }
    }

    /// A commission page's form: one call on the commission's API, then back to its page.
    private func action(_ request: Request, _ context: ECERequestContext, _ suffix: String, json: String?, success: String,
                        expected: HTTPResponse.Status = .ok) async throws -> Response {
        let (base, pagePath) = try commissionPath(context)
        return try await formulaire(request, context, service: "correction", base + suffix, json: json, retour: pagePath,
                                    success: success, expected: [expected])
    }

    /// The ticked sheets go to the chosen group's lot ("" takes them out of any lot).
    @Sendable func repartir(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 1_000_000))
        struct Deplacement: Encodable { var fiches: [String]; var groupeId: String? }
        let groupe = form["groupe"]?.last.flatMap { $0.isEmpty ? nil : $0 }
        return try await action(request, context, "/distribution", json: Self.json(Deplacement(fiches: form["fiche"] ?? [], groupeId: groupe)),
                                success: groupe == nil ? "Candidats retirés de leur lot." : "Candidats placés dans le lot du groupe.")
    }

    /// The ticked candidates, or every candidate in no slot that the filter retains (`tous`), into the
    /// chosen slot; no slot takes the ticked ones out of theirs. Correction checks the slot's room.
    @Sendable func placer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 1_000_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let (base, pagePath) = try commissionPath(context)
            let choisi = form["creneau"]?.last ?? ""
            guard choisi.isEmpty || UUID(uuidString: choisi) != nil else {
                throw Redirect(to: pagePath, message: "Placement refusé : choisissez un créneau.", cookies: session.setCookies)
            }
            var fiches = form["fiche"] ?? []
            if form["tous"] != nil {
                guard !choisi.isEmpty else {
                    throw Redirect(to: pagePath, message: "Placement refusé : choisissez un créneau.", cookies: session.setCookies)
                }
                struct Ref: Decodable { var id: UUID }
                struct Items: Decodable { var items: [Ref] }
                let filtres = Self.filtresFiches { form[$0]?.last }.filter { $0.0 != "sansCreneau" } + [("sansCreneau", "true")]
                fiches = try decode(Items.self, try await api(.get, "correction", base + "/fiches?" + Self.requete(filtres), session: session))
                    .items.map(\.id.uuidString)
            }
            guard !fiches.isEmpty else {
                throw Redirect(to: pagePath, message: "Placement refusé : aucun candidat choisi.", cookies: session.setCookies)
            }
            let chemin = choisi.isEmpty ? base + "/creneaux/retrait" : base + "/creneaux/\(choisi)/candidats"
            let reply = try await api(.post, "correction", chemin, session: session, json: Self.json(["fiches": fiches]))
            let message = reply.status != .ok ? "Placement refusé : \(Self.detail(reply))"
                : choisi.isEmpty ? "\(fiches.count) candidat(s) retiré(s) de leur créneau."
                : "\(fiches.count) candidat(s) placé(s) dans le créneau."
            throw Redirect(to: pagePath, message: message, cookies: session.setCookies)
        }
    }

    /// The automatic distribution with the criteria of the page's form, then its report: who went to
    /// which group, who could not be placed and why.
    @Sendable func distribuer(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let (base, pagePath) = try commissionPath(context)
            let reply = try await api(.post, "correction", base + "/distribution/automatique", session: session,
                                      json: Self.json(["garderDivisions": form["garderDivisions"] == "true"]))
            guard reply.status == .ok else {
                throw Redirect(to: pagePath, message: "Distribution refusée : \(Self.detail(reply))", cookies: session.setCookies)
            }
            struct Rapport: Decodable {
                var distribues: Int; var placements: [Placement]; var nonPlaces: [NonPlace]
                struct Placement: Decodable { var numero: String; var nom: String; var groupe: String; var examinateurs: [String] }
                struct NonPlace: Decodable { var numero: String; var nom: String; var motif: String }
            }
            let rapport = try decode(Rapport.self, reply)
            struct PlacementVue { var numero: String; var nom: String; var groupe: String; var examinateurs: String }
            struct NonPlaceVue { var numero: String; var nom: String; var motif: String }
            let bilan = rapport.distribues == 0 ? "Aucun candidat distribué." : "\(rapport.distribues) candidat(s) distribué(s)."
            let object: [String: Any] = [
                "page": pagePath, "bilan": bilan, "garderDivisions": form["garderDivisions"] == "true",
                "placements": rapport.placements.map { PlacementVue(numero: $0.numero, nom: $0.nom, groupe: $0.groupe,
                                                                    examinateurs: $0.examinateurs.joined(separator: ", ")) },
                "aPlacements": !rapport.placements.isEmpty, "aNonPlaces": !rapport.nonPlaces.isEmpty,
                "nonPlaces": rapport.nonPlaces.map { NonPlaceVue(numero: $0.numero, nom: $0.nom, motif: Libelle.refusDistribution($0.motif)) },
            ]
            return page("repartition", titre: "Rapport de la distribution automatique", object, session: session)
        }
    }

    @Sendable func cloturer(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await action(request, context, "/cloture", json: nil, success: "Épreuve clôturée : les notes partent vers Cyclades.")
    }

    @Sendable func creerGroupe(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 100_000))
        struct Groupe: Encodable { var nom: String; var membres: [String] }
        return try await action(request, context, "/groupes",
                                json: Self.json(Groupe(nom: form["nom"]?.last ?? "", membres: form["membre"] ?? [])),
                                success: "Groupe créé.", expected: .created)
    }

    @Sendable func creerCreneau(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 100_000))
        struct Creneau: Encodable { var jour: String; var demiJournee: String; var sujets: [String]; var choix: Bool }
        return try await action(request, context, "/creneaux",
                                json: Self.json(Creneau(jour: form["jour"]?.last ?? "", demiJournee: form["demiJournee"]?.last ?? "",
                                                        sujets: form["sujet"] ?? [], choix: form["choix"]?.last == "oui")),
                                success: "Créneau créé.", expected: .created)
    }

    /// A group's new name and examiners; Correction rechecks the rules (convoked, in no other group,
    /// never a candidate's teacher, four per examiner in a slot).
    @Sendable func modifierGroupe(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.formValues(try await request.body.collect(upTo: 100_000))
        let (base, pagePath) = try commissionPath(context)
        let groupe = try context.uuid(of: "groupe")
        struct Changement: Encodable { var nom: String; var membres: [String] }
        return try await formulaire(request, context, .patch, service: "correction", base + "/groupes/\(groupe)",
                                    json: Self.json(Changement(nom: form["nom"]?.last ?? "", membres: form["membre"] ?? [])),
                                    retour: pagePath, success: "Groupe modifié.", expected: [.noContent], refus: "Modification refusée")
    }

    @Sendable func dissoudreGroupe(_ request: Request, context: ECERequestContext) async throws -> Response {
        let (base, pagePath) = try commissionPath(context)
        let groupe = try context.uuid(of: "groupe")
        return try await formulaire(request, context, .delete, service: "correction", base + "/groupes/\(groupe)", json: nil,
                                    retour: pagePath, success: "Groupe dissous.", expected: [.noContent], refus: "Dissolution refusée")
    }

    /// A lot's form on the commission page: one call on the lot's API (which checks the caller's
    /// perimeter on the lot's own commission), then back to the page.
    private func lotAction(_ request: Request, _ context: ECERequestContext, _ suffix: String, json: String?, success: String,
                           refus: String, expected: HTTPResponse.Status) async throws -> Response {
        let (_, pagePath) = try commissionPath(context)
        let lot = try context.uuid(of: "lot")
        return try await formulaire(request, context, service: "correction", "/api/correction/groupes/\(lot)/\(suffix)", json: json,
                                    retour: pagePath, success: success, expected: [expected], refus: refus)
    }

    @Sendable func verrouillerLot(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await lotAction(request, context, "verrouillage", json: nil, success: "Lot verrouillé pour son examinateur.",
                            refus: "Verrouillage refusé", expected: .ok)
    }

    @Sendable func deverrouillerLot(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await lotAction(request, context, "deverrouillage", json: Self.json(["motif": form["motif"] ?? ""]),
                                   success: "Lot déverrouillé.", refus: "Déverrouillage refusé", expected: .noContent)
    }

    /// Every sheet of a lot to another group's lot: the manual distribution's API (the centre's),
    /// on the sheets the commission lists in that lot.
    @Sendable func reaffecter(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        return try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let (base, pagePath) = try commissionPath(context)
            let lot = try context.uuid(of: "lot")
            guard let vers = form["vers"].flatMap(UUID.init(uuidString:)) else {
                throw Redirect(to: pagePath, message: "Réaffectation refusée : choisissez le groupe qui reprend le lot.", cookies: session.setCookies)
            }
            struct Ref: Decodable { var id: UUID }
            struct Items: Decodable { var items: [Ref] }
            let fiches = try decode(Items.self, try await api(.get, "correction", base + "/fiches?groupe=\(lot)", session: session)).items
            guard !fiches.isEmpty else { throw Redirect(to: pagePath, message: "Réaffectation refusée : lot vide.", cookies: session.setCookies) }
            struct Deplacement: Encodable { var fiches: [UUID]; var groupeId: UUID }
            let reply = try await api(.post, "correction", base + "/distribution", session: session,
                                      json: Self.json(Deplacement(fiches: fiches.map(\.id), groupeId: vers)))
            let message = reply.status == .ok ? "Lot réaffecté : \(fiches.count) candidats déplacés." : "Réaffectation refusée : \(Self.detail(reply))"
            throw Redirect(to: pagePath, message: message, cookies: session.setCookies)
        }
    }

    @Sendable func rouvrir(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 10_000))
        let (base, pagePath) = try commissionPath(context)
        return try await formulaire(request, context, service: "correction", base + "/reouverture", json: Self.json(["motif": form["motif"] ?? ""]),
                                    retour: pagePath, success: "Épreuve rouverte : le centre peut déverrouiller, corriger et clôturer à nouveau.",
                                    expected: [.noContent], refus: "Réouverture refusée")
    }

    // MARK: statistics and messaging

    struct Serie: Decodable { var effectif: Int; var moyenne: Double?; var distribution: [Int] }
    struct Statistiques: Decodable {
        var ensemble: Serie; var sujets: [Sujet]; var centres: [Groupe]; var academies: [Groupe]
        struct Sujet: Decodable { var code: String; var serie: Serie; var ecartALaMoyenne: Double? }
        struct Groupe: Decodable { var code: String; var serie: Serie }
    }
    struct LigneStat { var code: String; var effectif: Int; var moyenne: String; var ecart: String }

    static func moyenne(_ value: Double?) -> String {
        value.map { String(format: "%.2f", $0).replacingOccurrences(of: ".", with: ",") } ?? "—"
    }

    static func ecart(_ value: Double?) -> String {
        guard let value else { return "—" }
        return (value >= 0 ? "+" : "") + moyenne(value)
    }

    /// A bar chart of the marks (inline SVG; numbers only, nothing to escape), with its text equivalent.
    static func histogramme(_ distribution: [Int]) -> String {
        let maximum = max(distribution.max() ?? 0, 1)
        let barres = distribution.enumerated().map { i, n in
            let h = Int(Double(n) / Double(maximum) * 150)
            return "<rect x=\"\(30 + i * 24)\" y=\"\(170 - h)\" width=\"18\" height=\"\(h)\" fill=\"#000091\"><title>\(i) : \(n)</title></rect>"
                + "<text x=\"\(39 + i * 24)\" y=\"186\" font-size=\"10\" text-anchor=\"middle\">\(i)</text>"
        }.joined()
        let texte = distribution.enumerated().map { "\($0.offset) : \($0.element)" }.joined(separator: ", ")
        return "<svg role=\"img\" aria-label=\"Nombre de candidats par note : \(texte)\" viewBox=\"0 0 540 195\" width=\"100%\" style=\"max-width:40rem\">\(barres)</svg>"
    }

    @Sendable func statistiques(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let annee = Self.sessionCourante
            if session.identity.role == .examinateur { return try await mesStatistiques(session, annee: annee) }
            // A coordinator reads the exams they coordinate only: the choice offers those.
            let offertes = session.identity.role == .coordinateur
                ? try await coordinations(session).compactMap { EpreuvePratique(rawValue: $0.code) } : EpreuvePratique.allCases
            guard let premiere = offertes.first else {
                return page("erreur", titre: "Statistiques", ["titre": "Statistiques",
                                                               "detail": "Aucune épreuve ne vous est confiée pour la session \(annee)."],
                            session: session)
            }
            let demandee = request.uri.queryParameters["epreuve"].flatMap { EpreuvePratique(rawValue: String($0)) }
            let epreuve = demandee.flatMap { offertes.contains($0) ? $0 : nil } ?? premiere
            let stats = try decode(Statistiques.self, try await api(
                .get, "correction", "/api/correction/sessions/\(annee)/epreuves/\(epreuve.rawValue)/statistiques", session: session))
            struct Choix { var code: String; var libelle: String; var choisie: Bool }
            let centres = !stats.centres.isEmpty
            let noms = centres ? await nomsEtablissements(session) : [:]
            let object: [String: Any] = [
                "session": annee, "epreuve": epreuve.libelle, "effectif": stats.ensemble.effectif,
                "moyenne": Self.moyenne(stats.ensemble.moyenne), "graphique": Self.histogramme(stats.ensemble.distribution),
                "epreuves": offertes.map { Choix(code: $0.rawValue, libelle: $0.libelle, choisie: $0 == epreuve) },
                "sujets": stats.sujets.map { LigneStat(code: $0.code, effectif: $0.serie.effectif, moyenne: Self.moyenne($0.serie.moyenne),
                                                       ecart: Self.ecart($0.ecartALaMoyenne)) },
                "niveau": centres ? "centre" : "académie",
                "groupes": (centres ? stats.centres : stats.academies).map {
                    LigneStat(code: Libelle.etablissement($0.code, noms), effectif: $0.serie.effectif, moyenne: Self.moyenne($0.serie.moyenne),
                              ecart: "") },
            ]
            return page("statistiques", titre: "Statistiques", object, session: session)
        }
    }

    /// An examiner's own statistics: per exam they graded, how many, their mean and distribution.
    private func mesStatistiques(_ session: Session, annee: Int) async throws -> Response {
        struct Mes: Decodable { var epreuves: [String: Serie] }
        let mes = try decode(Mes.self, try await api(.get, "correction", "/api/correction/sessions/\(annee)/mes-statistiques", session: session))
        struct EpreuveVue { var code: String; var epreuve: String; var effectif: Int; var moyenne: String; var graphique: String }
        let epreuves = mes.epreuves.sorted { $0.key < $1.key }.map { code, serie in
            EpreuveVue(code: code, epreuve: "\(code) — \(EpreuvePratique(rawValue: code)?.libelle ?? "")", effectif: serie.effectif,
                       moyenne: Self.moyenne(serie.moyenne), graphique: Self.histogramme(serie.distribution))
        }
        return page("mes-statistiques", titre: "Mes statistiques", ["session": annee, "epreuves": epreuves], session: session)
    }

    struct Fil: Decodable { var id: UUID; var epreuve: String; var centre: String?; var academie: String; var titre: String; var messages: Int
        var nonLus: Int }
    struct FilVue { var id: String; var titre: String; var epreuve: String; var commission: String; var messages: Int; var nonLus: Int }

    private static func vue(_ f: Fil, _ noms: [String: String]) -> FilVue {
        FilVue(id: f.id.uuidString.lowercased(), titre: f.titre, epreuve: f.epreuve,
               commission: f.centre.map { "centre \(Libelle.etablissement($0, noms))" } ?? "académie \(f.academie)", messages: f.messages,
               nonLus: f.nonLus)
    }

    @Sendable func messagerie(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            // `?epreuve=` keeps one exam's threads (a coordinator's mission links there).
            let filtre = try request.uri.queryParameters["epreuve"].map { code in
                guard let epreuve = EpreuvePratique(rawValue: String(code)) else {
                    throw Problem.badRequest("épreuve inconnue : choisissez un code d'épreuve pratique (par exemple T011B) / unknown exam")
                }
                return epreuve.rawValue
            }
            struct Items: Decodable { var items: [Fil] }
            let fils = try decode(Items.self, try await api(.get, "correction", "/api/correction/sessions/\(Self.sessionCourante)/fils",
                                                            session: session)).items.filter { filtre == nil || $0.epreuve == filtre }
            let noms = await nomsEtablissements(session)
            var object: [String: Any] = ["fils": fils.map { Self.vue($0, noms) }]
            if let filtre { object["epreuve"] = filtre }
            return page("messages", titre: filtre.map { "Messagerie — \($0)" } ?? "Messagerie", Self.avecMessage(object, request), session: session)
        }
    }

    @Sendable func ouvrirFil(_ request: Request, context: ECERequestContext) async throws -> Response {
        let form = Self.form(try await request.body.collect(upTo: 100_000))
        struct Ouverture: Encodable { var epreuve: String; var centre: String?; var titre: String; var texte: String }
        let centre = form["centre"].flatMap { $0.isEmpty ? nil : $0.uppercased() }
        return try await formulaire(request, context, service: "correction", "/api/correction/sessions/\(Self.sessionCourante)/fils",
                                    json: Self.json(Ouverture(epreuve: (form["epreuve"] ?? "").uppercased(), centre: centre,
                                                              titre: form["titre"] ?? "", texte: form["texte"] ?? "")),
                                    retour: "/messages", success: "Fil ouvert.", expected: [.created])
    }

    @Sendable func fil(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let id = try context.uuid(of: "fil")
            struct Message: Decodable { var auteur: String; var role: String; var texte: String; var le: Date }
            struct Messages: Decodable { var fil: Fil; var items: [Message] }
            let messages = try decode(Messages.self, try await api(.get, "correction", "/api/correction/fils/\(id)/messages", session: session))
            struct MessageVue { var auteur: String; var role: String; var texte: String; var le: String }
            let vue = Self.vue(messages.fil, await nomsEtablissements(session))
            return page("fil", titre: messages.fil.titre, [
                "id": vue.id, "titre": vue.titre, "epreuve": vue.epreuve, "commission": vue.commission,
                "items": messages.items.map { MessageVue(auteur: $0.auteur, role: Libelle.role($0.role), texte: $0.texte, le: FrenchFormat.moment($0.le)) },
            ], session: session)
        }
    }

    @Sendable func repondre(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let id = try context.uuid(of: "fil")
            let form = Self.form(try await request.body.collect(upTo: 100_000))
            _ = try await api(.post, "correction", "/api/correction/fils/\(id)/messages", session: session,
                              json: Self.json(["texte": form["texte"] ?? ""]))
            throw Redirect(to: "/messages/\(id.uuidString.lowercased())", cookies: session.setCookies)
        }
    }

    // MARK: missions (the gestionnaire and the établissement, Imag'In)

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
        struct ServiceFait: Decodable { var epreuve: String; var kind: String; var centres: [String]; var login: String?; var nom: String?
            var prenom: String?; var candidatsEvalues: Int; var typeRemuneration: String; var montantCentimes: Int }
        struct ServicesFaits: Decodable { var items: [ServiceFait]; var totalCentimes: Int }
        let services = try decode(ServicesFaits.self, try await api(.get, "missions", base + "/services-faits", session: session))
        func euros(_ centimes: Int) -> String { "\(centimes / 100),\(centimes % 100 < 10 ? "0" : "")\(centimes % 100) €" }
        struct LigneService { var epreuve: String; var centres: String; var personne: String; var candidats: Int; var remuneration: String
            var montant: String }
        // The regulation names its kinds of pay; the services faits carry their codes.
        let remunerations = Dictionary((version?.reglementation.typesRemuneration ?? []).map { ($0.code, $0.libelle) },
                                       uniquingKeysWith: { a, _ in a })
        return [
            "services": services.items.map {
                LigneService(epreuve: $0.epreuve, centres: $0.centres.map { Libelle.etablissement($0, noms) }.joined(separator: ", "),
                             personne: "\($0.prenom ?? "") \($0.nom ?? "") (\($0.login ?? "?"))", candidats: $0.candidatsEvalues,
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

    struct LigneRemontee: Decodable { var centre: String; var epreuve: String; var affectes: Int; var notes: Int; var absents: Int; var manquants: Int }

    @Sendable func remontee(_ request: Request, context: ECERequestContext) async throws -> Response {
        try await handle(request, context) {
            let session = try await required(request, context)
            let annee = Self.sessionCourante
            struct Items: Decodable { var items: [LigneRemontee] }
            var lignes = try decode(Items.self, try await api(.get, "inscriptions", "/api/inscriptions/sessions/\(annee)/remontee", session: session)).items
            let noms = await nomsEtablissements(session)
            for i in lignes.indices { lignes[i].centre = Libelle.etablissement(lignes[i].centre, noms) }
            return page("remontee", titre: "Remontée des notes", ["session": annee, "lignes": lignes], session: session)
        }
    }
}
