import Foundation
import HTTPTypes
import Hummingbird
import ECEAPI
import ECEAPIClient
import Logging
import OpenAPIRuntime
import Shared

/// The web pages, served by the gateway in French: sign-in and account activation, the examiner's
/// lots and the grading editor (which keeps working offline), the centre's commissions with
/// distribution, printing and closing, and the académie's remontée des notes. Pages read the data
/// through the same public API as every client, with the user's own token.
struct WebController: Sendable {
    let auth: Authentification
    let comptes: AdministrationDesComptes
    let verifier: TokenVerifier
    let services: ServiceCall
    /// Cookies marked Secure except on a plain-HTTP local address.
    let secureCookies: Bool
    let files: WebFiles

    struct Session: Sendable {
        var identity: Identity
        var token: String
        /// Renewed tokens to send back.
        var setCookies: [Cookie] = []
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
        router.post("/centre/:annee/:epreuve/:centre/groupes/un-par-examinateur", use: creerGroupesParExaminateur)
        router.post("/centre/:annee/:epreuve/:centre/groupes/:id", use: modifierGroupe)
        router.post("/centre/:annee/:epreuve/:centre/groupes/:id/dissolution", use: dissoudreGroupe)
        router.post("/centre/:annee/:epreuve/:centre/creneaux", use: creerCreneau)
        router.post("/centre/:annee/:epreuve/:centre/lots/:id/verrouillage", use: verrouillerLot)
        router.post("/centre/:annee/:epreuve/:centre/lots/:id/deverrouillage", use: deverrouillerLot)
        router.post("/centre/:annee/:epreuve/:centre/lots/:id/reaffectation", use: reaffecter)
        router.post("/centre/:annee/:epreuve/:centre/reouverture", use: rouvrir)
        router.post("/centre/:annee/:epreuve/:centre/creneaux/:id/absences", use: releverAbsences)
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
        router.post("/missions/convocations/toutes", use: convoquerTout)
        router.post("/missions/annulations", use: annulerConvocation)
        router.get("/remontee", use: remontee)
        router.get("/remontee/notes", use: notesCandidats)
        router.get("/convocations", use: convocationsEleves)
        addSujetsRoutes(to: router)
        addInscriptionsRoutes(to: router)
        addCandidatRoutes(to: router)
        addRecorrectionRoutes(to: router)
        addAnnuaireRoutes(to: router)
        addComptesRoutes(to: router)
        addSecondeLectureRoutes(to: router)
        // The assets under /assets are files (`WebFiles.fileMiddleware`); the service worker names its
        // cache after them, so it is rendered once at start-up. At the root: its scope is the whole site.
        router.get("/sw.js") { [serviceWorker = files.serviceWorker] _, _ in
            Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "no-cache"],
                     body: .init(byteBuffer: ByteBuffer(string: serviceWorker)))
        }
    }

    /// The session year pages open on: from September on, next June's.
    static var sessionCourante: Int {
        let c = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Europe/Paris") ?? .gmt, from: Date())
        return (c.year ?? 2027) + ((c.month ?? 1) >= 9 ? 1 : 0)
    }

    // MARK: session

    /// The signed-in user: the access cookie, or a renewal with the refresh cookie.
    func session(_ request: Request, _ logger: Logger) async -> Session? {
        if let token = request.cookies[WebSession.access]?.value, let identity = await verifier.identity(from: token) {
            return Session(identity: identity, token: token)
        }
        guard let refresh = request.cookies[WebSession.refresh]?.value, let tokens = try? await auth.renew(refresh, logger: logger),
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
        var cookies: [Cookie] = []
        /// For the page it leads to (`WebSession.messageCookie`).
        var message: String? = nil

        /// Back to a page (its query kept) with a message for it to show.
        init(to path: String, message: String, cookies: [Cookie]) {
            to = path
            self.message = message
            self.cookies = cookies
        }

        init(to: String, cookies: [Cookie] = []) {
            self.to = to
            self.cookies = cookies
        }
    }

    // MARK: rendering

    struct Utilisateur { var nom: String; var role: String }

    func page(_ name: String, titre: String, _ object: Any, session: Session?, editeur: Bool = false,
                      status: HTTPResponse.Status = .ok, cookies: [Cookie] = []) -> Response {
        let contenu = files.library.render(object, withTemplate: name) ?? ""
        var layout: [String: Any] = ["titre": titre, "contenu": contenu, "editeur": editeur]
        if let session { layout["utilisateur"] = Utilisateur(nom: session.identity.login, role: Libelle.role(session.identity.role)) }
        let html = files.library.render(layout, withTemplate: "layout") ?? ""
        var response = HTML.response(html)
        response.status = status
        let montre = (object as? [String: Any])?["message"] != nil
        WebSession.append(cookies + (session?.setCookies ?? []) + (montre ? [WebSession.messageEfface(secure: secureCookies)] : []),
                          to: &response.headers)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// Runs a page, turning a redirect or an API refusal into what a browser expects.
    func handle(_ request: Request, _ context: ECERequestContext, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let redirect as Redirect {
            var response = Response(status: .seeOther, headers: [.location: redirect.to])
            WebSession.append(redirect.cookies + messageCookies(redirect), to: &response.headers)
            return response
        } catch {
            guard let problem = Problem.of(error)?.probleme else { throw error }
            // Without the session: renewing it again here would spend its refresh token twice.
            return page("erreur", titre: problem.title, ["titre": problem.title, "detail": problem.detail ?? ""], session: nil,
                        status: problem.status)
        }
    }

    // MARK: the API, with the user's token

    /// The generated client, reaching each service's replicas with the user's own token; a refusal
    /// is thrown as the service's `Problem` (`RefusMiddleware`), which `handle` shows.
    func client(_ session: Session) -> Client { services.client(token: session.token) }

    /// The schools' and centres' names by UAI, from Inscriptions (which owns them), to show beside the
    /// UAIs a page lists. Empty when Inscriptions does not answer: the page still shows the UAIs.
    func nomsEtablissements(_ session: Session) async -> [String: String] {
        var academie: String?
        if case .academie(let code) = session.identity.scope { academie = code }
        guard let items = try? await client(session).listerEtablissements(query: .init(academie: academie)).ok.body.json.items
        else { return [:] }
        return Dictionary(items.compactMap { e in e.uai.map { ($0, e.nom ?? "") } }, uniquingKeysWith: { a, _ in a })
    }

    /// A refusal in words, for the page's message.
    static func raison(_ problem: Problem) -> String {
        [problem.detail, problem.errors?.map { "\($0.field) : \($0.reason)" }.joined(separator: " ; ")]
            .compactMap { $0 }.joined(separator: " — ")
    }

    /// A service's refusal in words, for the page's message; anything else (an outage) is thrown again.
    static func raisonDuRefus(_ error: any Error) throws -> String {
        guard case (let problem, true)? = Problem.of(error) else { throw error }
        return raison(problem)
    }

    /// A path of this site and nothing else (no scheme, no "//", no backslash or control character).
    static func cheminLocal(_ text: String) -> String? {
        guard text.hasPrefix("/"), !text.hasPrefix("//"), text.count <= 200,
            text.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "/_.-".unicodeScalars.contains($0)) })
        else { return nil }
        return text
    }

    /// A page's form, decoded by Hummingbird. Total on any bytes: a body it refuses (a name twice,
    /// invalid percent escapes or UTF-8, no name) is an empty form, which every page then refuses
    /// like any other missing value.
    static func form(_ bytes: ByteBuffer) -> [String: String] {
        (try? URLEncodedFormDecoder().decode([String: String].self, from: String(buffer: bytes))) ?? [:]
    }

    /// A form with checkboxes: each ticked box sends `name[]=value`, read here as `name`'s values.
    static func formValues(_ bytes: ByteBuffer) -> [String: [String]] {
        ((try? URLEncodedFormDecoder().decode([String: Champ].self, from: String(buffer: bytes))) ?? [:]).mapValues(\.valeurs)
    }

    /// A form field: one value, or the values of the boxes ticked under one `name[]`.
    struct Champ: Decodable {
        var valeurs: [String]

        init(from decoder: any Decoder) throws {
            if let valeur = try? decoder.singleValueContainer().decode(String.self) {
                valeurs = [valeur]
            } else {
                valeurs = try [String](from: decoder)
            }
        }
    }

    /// A JSON document from plain values (the pages' forms become API calls).
    static func json(_ value: some Encodable) -> String {
        String(decoding: (try? JSONEncoder.iso.encode(value)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// A page's form becomes one operation of the generated client with the user's token; the
    /// browser goes back to `retour` with a message saying how it went (`appel` returns the service's
    /// `avis`, if it gives one, said after `success`; the refusal's details when refused).
    func formulaire(_ request: Request, _ context: ECERequestContext, retour: String, success: String, refus: String = "Refusé",
                    _ appel: (Client) async throws -> String?) async throws -> Response {
        try await handle(request, context) {
            try refuserAutreOrigine(request)
            let session = try await required(request, context)
            let message: String
            do {
                message = success + (try await appel(client(session)).map { " \($0)" } ?? "")
            } catch {
                message = "\(refus) : \(try Self.raisonDuRefus(error))"
            }
            throw Redirect(to: retour, message: message, cookies: session.setCookies)
        }
    }

    /// What a read gives, or nil when the service refuses it (only with `statut` when given: 404 for
    /// nothing there yet); an outage, or another refusal, is thrown.
    static func lectureOuNil<T>(_ statut: HTTPResponse.Status? = nil, _ lecture: () async throws -> T) async throws -> T? {
        do { return try await lecture() } catch where Problem.of(error).map({ $0.refus && (statut == nil || $0.probleme.status == statut) }) == true {
            return nil
        }
    }

    /// A form's value for a field the API lists the values of (an enum of the generated types): one
    /// it does not know is refused here as the service would have (`Refus`, the page's message).
    static func choix<T: RawRepresentable>(_ value: String?, _ champ: String) throws -> T where T.RawValue == String {
        guard let choix = T(rawValue: value ?? "") else {
            throw Refus(problem: .validation([.init(field: champ, reason: "valeur inconnue / unknown value")]))
        }
        return choix
    }

    /// A list page's search text, from `?q=` (100 characters at most). A GET form writes a space as
    /// "+", which the query's decoding keeps.
    static func recherche(_ request: Request) -> String {
        String((request.uri.queryParameters["q"].map(String.init) ?? "").replacingOccurrences(of: "+", with: " ").prefix(100))
    }

    /// A list page's number, from `?page=` (1 when absent or not a number).
    static func numeroDePage(_ request: Request) -> Int {
        request.uri.queryParameters["page"].flatMap { Int($0) }.map { min(max($0, 1), 100_000) } ?? 1
    }

    /// A list page's place among the others: its number, how many there are, and the links to the
    /// page before and after (`lien` gives a page's address).
    static func pagination(_ numero: Int, total: Int, parPage: Int, lien: (Int) -> String) -> [String: Any] {
        let pages = max(1, (total + parPage - 1) / parPage)
        var object: [String: Any] = ["page": numero, "pages": pages]
        if numero > 1 { object["precedente"] = lien(numero - 1) }
        if numero < pages { object["suivante"] = lien(numero + 1) }
        return object
    }

    /// The page's object with the message a redirect left (`WebSession.messageCookie`); `page` then clears it.
    static func avecMessage(_ object: [String: Any], _ request: Request) -> [String: Any] {
        var object = object
        if let message = WebSession.messageLu(request) { object["message"] = message }
        return object
    }

    /// The Set-Cookie carrying a redirect's message, if it has one.
    func messageCookies(_ redirect: Redirect) -> [Cookie] {
        redirect.message.map { [WebSession.messageCookie($0, secure: secureCookies)] } ?? []
    }
}
