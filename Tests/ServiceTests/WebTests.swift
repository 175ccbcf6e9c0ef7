import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import Testing
import TestSupport
@testable import Gateway
@testable import Missions

/// The web pages' session (issue 9): sign-in by form into HttpOnly, SameSite=Strict cookies, pages
/// behind it, the cookie standing for the bearer token through the proxy, sign-out. The pages
/// themselves are driven in a real browser by `Tests/browser`.
@Suite(.serialized) struct WebTests {
    static func form(_ fields: [String: String]) -> ByteBuffer {
        ByteBuffer(string: fields.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }
            .joined(separator: "&"))
    }

    static func cookies(_ response: TestResponse) -> [String] { response.headers[values: .setCookie] }

    /// The message a redirect leaves for its page (`WebSession.messageCookie`), as the page will show it.
    static func message(_ response: TestResponse) -> String? {
        cookies(response).first { $0.hasPrefix(WebSession.message + "=") }
            .flatMap { Data(base64Encoded: String($0.dropFirst(WebSession.message.count + 1).prefix { $0 != ";" })) }
            .flatMap { String(data: $0, encoding: .utf8) }
    }

    /// An asset as the gateway ships it.
    static func asset(_ name: String) throws -> String {
        try String(contentsOf: WebFiles.root([:]).appendingPathComponent("Public/assets/\(name)"), encoding: .utf8)
    }

    @Test func signInByFormPagesBehindTheCookieAndSignOut() async throws {
        let account = try await GatewayTests.makeAccount(role: .gestionnaire, scope: .academie("03"))
        let missions = try await Missions.buildApplication(HealthTests.configuration("missions", 8082))
        try await missions.test(.live) { service in
            let gateway = try await Gateway.buildApplication(HealthTests.configuration(
                "gateway", 8080, ["MISSIONS_URL": "http://127.0.0.1:\(service.port!)"]))
            try await gateway.test(.live) { client in
                let login = try await client.execute(uri: "/connexion", method: .get)
                let html = String(buffer: login.body)
                #expect(login.status == .ok && html.contains(#"<html lang="fr">"#) && html.contains(#"<label for="password">"#))

                let urlencoded: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                let wrong = try await client.execute(uri: "/connexion", method: .post, headers: urlencoded,
                                                     body: Self.form(["login": account.login, "password": "mauvais mot de passe"]))
                #expect(wrong.status == .unauthorized && Self.cookies(wrong).isEmpty)
                #expect(String(buffer: wrong.body).contains("Identifiant ou mot de passe incorrect"))

                let right = try await client.execute(uri: "/connexion", method: .post, headers: urlencoded,
                                                     body: Self.form(["login": account.login, "password": GatewayTests.password,
                                                                      "retour": "//ailleurs.example/piege"]))
                #expect(right.status == .seeOther && right.headers[.location] == "/", "never an open redirect")
                let set = Self.cookies(right)
                #expect(set.count == 2 && set.allSatisfy { $0.contains("HttpOnly") && $0.contains("SameSite=Strict") })
                let cookie = set.map { String($0.split(separator: ";")[0]) }.joined(separator: "; ")
                for trick in ["/\\ailleurs.example", "/\tailleurs", "https://ailleurs.example"] {
                    let again = try await client.execute(uri: "/connexion", method: .post, headers: urlencoded, body: Self.form(
                        ["login": account.login, "password": GatewayTests.password, "retour": trick]))
                    #expect(again.headers[.location] == "/", "\(trick) is not a path of this site")
                }
                // A write from another site with the cookie is refused (CSRF); the same site's goes through.
                var foreign: HTTPFields = [.cookie: cookie, .origin: "https://ailleurs.example"]
                foreign[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
                #expect(try await client.execute(uri: "/deconnexion", method: .post, headers: foreign).status == .forbidden)
                let crossAPI = try await client.execute(uri: "/api/missions/me", method: .get, headers: foreign)
                #expect(crossAPI.status == .ok, "reads are not writes")

                let home = try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie])
                #expect(home.status == .ok && String(buffer: home.body).contains("La remontée des notes") && String(buffer: home.body).contains(account.login), "\(String(buffer: home.body))")
                let anonymous = try await client.execute(uri: "/", method: .get)
                #expect(anonymous.status == .seeOther && anonymous.headers[.location]?.hasPrefix("/connexion") == true)

                // Through the proxy the cookie stands for the bearer token; the service never sees the cookie.
                let me = try await client.execute(uri: "/api/missions/me", method: .get, headers: [.cookie: cookie])
                #expect(me.status == .ok && String(buffer: me.body).contains(account.login))

                let script = try await client.execute(uri: "/assets/editeur.js", method: .get)
                #expect(script.headers[.contentType]?.hasPrefix("text/javascript") == true && String(buffer: script.body).contains("indexedDB"))

                let out = try await client.execute(uri: "/deconnexion", method: .post, headers: [.cookie: cookie])
                #expect(out.status == .seeOther && Self.cookies(out).allSatisfy { $0.contains("Max-Age=0") })
                // A shared tablet keeps neither the editor's cached pages nor its stored sheets.
                #expect(out.headers[HTTPField.Name("Clear-Site-Data")!] == #""cache", "storage""#)
                // The refresh token is revoked: the old cookies only last as long as the access token.
                let refresh = String(set.first { $0.hasPrefix(WebSession.refresh) }!.split(separator: ";")[0])
                let renewed = try await client.execute(uri: "/", method: .get, headers: [.cookie: refresh])
                #expect(renewed.status == .seeOther)
            }
        }
    }

    /// A page's message (« Création refusée … ») came in the address (`?message=`): any link could
    /// make the platform's own page say what its author wanted (« compte suspendu, appelez le … »).
    /// It now travels in a cookie of the site, set by the redirect, shown once, then cleared.
    @Test func noAddressPutsWordsOnAPageAndARedirectsMessageIsShownOnce() async throws {
        let gateway = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080))
        try await gateway.test(.live) { client in
            let piege = "Compte suspendu : appelez le 08 99 00 00 00"
            let lien = try await client.execute(uri: "/connexion?message=" + piege.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                                                method: .get)
            #expect(lien.status == .ok && !String(buffer: lien.body).contains("Compte suspendu"))

            let refus = try await client.execute(uri: "/etablissements", method: .post,
                                                 headers: [.contentType: "application/x-www-form-urlencoded"], body: Self.form(["uai": "x"]))
            #expect(refus.status == .seeOther && refus.headers[.location] == "/etablissements")
            let flash = try #require(Self.cookies(refus).first { $0.hasPrefix(WebSession.message + "=") })
            #expect(flash.contains("HttpOnly") && flash.contains("SameSite=Strict") && flash.contains("Max-Age=300"))

            // The page it leads to shows it and clears it (the sign-in page here: the redirect's own needs a session).
            let montre = try await client.execute(uri: "/connexion", method: .get,
                                                  headers: [.cookie: String(flash.split(separator: ";")[0])])
            #expect(String(buffer: montre.body).contains("Création refusée : un UAI a 7 chiffres et une lettre."))
            #expect(Self.cookies(montre).contains { $0.hasPrefix(WebSession.message + "=;") && $0.contains("Max-Age=0") })
            // Bytes that are not base64 of UTF-8 show nothing and break nothing.
            let abime = try await client.execute(uri: "/connexion", method: .get, headers: [.cookie: WebSession.message + "=%%%;;"])
            #expect(abime.status == .ok)
        }
    }

    /// Issue 18: `POST /connexion` with the body `=` trapped the gateway ("Index out of range"). The
    /// forms are decoded by Hummingbird since issue 19: what it refuses is an empty form.
    @Test func theFormParserIsTotal() {
        let hostile = ["=", "&=&", "==", "&&&", "=&=", "a", "a=", "=b", "%", "%zz=%", "a=%ff%fe", "+=+", "a==b=c",
                       String(repeating: "&", count: 10_000), "\u{0}=\u{0}", "é=è&é", "a[]=1&a=2", "a=1&a[]=2", "a[0]=1&a[2]=2",
                       "a[b]=1&a[]=2", "a[=1", "a]=1", "[]=1", "a[][]=1", "a[b][c]=1", String(repeating: "a[", count: 5_000) + "=1"]
        for body in hostile {
            _ = WebController.form(ByteBuffer(string: body))
            _ = WebController.formValues(ByteBuffer(string: body))
        }
        _ = WebController.formValues(ByteBuffer(bytes: [0xff, 0xfe, 0x3d, 0x80, 0x26, 0x3d]))
        #expect(WebController.form(ByteBuffer(string: "a==b&a=%zz&m=1&m=2+3")).isEmpty, "a name twice: refused")
        #expect(WebController.form(ByteBuffer(string: "login=a%C3%A9+b&password=x%3D")) == ["login": "aé b", "password": "x="])
        #expect(WebController.formValues(ByteBuffer(string: "nom=Salle+1&membre%5B%5D=a&membre%5B%5D=b"))
            == ["nom": ["Salle 1"], "membre": ["a", "b"]])
    }

    /// Issue 25: the checkboxes sat mid-column, their labels far right. The fields' width stretched
    /// them and the `style="width:auto"` meant to undo it is refused by the pages' CSP (no inline
    /// style): every box is in its label (class `choix`, one line in the stylesheet), none styled inline.
    @Test func everyCheckboxSitsInItsLabelAndNothingIsStyledInline() throws {
        let folder = try WebFiles.root([:]).appendingPathComponent("Templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".mustache") }
        #expect(Set(names.map { String($0.dropLast(".mustache".count)) }) == Set(WebFiles.templates))
        for name in names {
            let source = try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
            #expect(!source.contains("style="), "\(name): an inline style, which the CSP refuses")
            var rest = Substring(source)
            while let box = rest.range(of: #"<input type="checkbox""#) ?? rest.range(of: #"<input type="radio""#) {
                #expect(rest[..<box.lowerBound].hasSuffix(#"<label class="choix">"#), "\(name): a box outside a label.choix")
                rest = rest[box.upperBound...]
            }
        }
        let css = try Self.asset("ece.css")
        #expect(css.contains("label.choix {") && css.contains("input[type=checkbox], input[type=radio] {"))
    }

    /// Issue 25: what the services exchange as codes reaches the pages in French.
    @Test func codesAreShownInFrench() throws {
        #expect(Libelle.statutFiche("a_noter") == "à noter" && Libelle.statutFiche("notee") == "notée")
        #expect(Libelle.etatCommission("close") == "clôturée" && Libelle.demiJournee("apres-midi") == "après-midi")
        #expect(Libelle.role("gestionnaire") == "gestionnaire DEC" && Libelle.categorie("cned") == "CNED")
        #expect(Libelle.mission("coordinateur") == "coordination (Santorin)")
        #expect(Libelle.etablissement("0251080N", ["0251080N": "Lycée Victor Hugo"]) == "0251080N — Lycée Victor Hugo")
        #expect(Libelle.etablissement("0251080N", [:]) == "0251080N", "a name the page could not get: the UAI alone")
        // The editor's script reads them from its page, so offline too.
        let statuts = try JSONDecoder().decode([String: String].self, from: Data(WebController.json(Libelle.statutsFiche).utf8))
        #expect(statuts["notee"] == "notée")
        #expect(try Self.asset("editeur.js").contains("statuts[fiche.statut]"))
    }

    /// Issue 19: the assets are files with validators (a 304 when unchanged) and the headers every
    /// response carries; the service worker keeps its root scope and is asked for again each time.
    @Test func assetsAreFilesWithValidatorsAndTheSecurityHeaders() async throws {
        let gateway = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080))
        try await gateway.test(.live) { client in
            for (path, type) in [("/assets/ece.css", "text/css"), ("/assets/editeur.js", "text/javascript"),
                                 ("/assets/bareme.js", "text/javascript"), ("/assets/gestion.js", "text/javascript")] {
                let asset = try await client.execute(uri: path, method: .get)
                #expect(asset.status == .ok && asset.headers[.contentType] == "\(type); charset=utf-8", "\(path)")
                #expect(asset.headers[.cacheControl] == "no-cache" && asset.headers[.lastModified] != nil, "\(path)")
                #expect(asset.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'self'") == true, "\(path)")
                let etag = try #require(asset.headers[.eTag])
                let again = try await client.execute(uri: path, method: .get, headers: [.ifNoneMatch: etag])
                #expect(again.status == .notModified, "\(path)")
            }
            let worker = try await client.execute(uri: "/sw.js", method: .get)
            let script = String(buffer: worker.body)
            #expect(worker.headers[.contentType] == "text/javascript; charset=utf-8" && worker.headers[.cacheControl] == "no-cache")
            #expect(script.contains("const CACHE = 'ece-") && !script.contains("{{"), "the cache is named after the assets")
            #expect(try await client.execute(uri: "/assets/absent.js", method: .get).status == .notFound)
            #expect(try await client.execute(uri: "/assets/../Package.swift", method: .get).status.code >= 400)
        }
    }

    /// A template missing or broken stops the gateway at start-up with a line naming the file.
    @Test func aMissingOrBrokenTemplateStopsTheGateway() async throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("ece-web-\(UUID())")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(at: WebFiles.root([:]), to: copy)
        let lots = copy.appendingPathComponent("Templates/lots.mustache")
        try FileManager.default.removeItem(at: lots)
        let configuration = HealthTests.configuration("gateway", 8080, ["WEB_ROOT": copy.path])
        let missing = await #expect(throws: WebFiles.Unusable.self) { try await Gateway.buildApplication(configuration) }
        #expect(missing?.description.hasSuffix("Templates/lots.mustache is missing") == true, "\(String(describing: missing))")
        try "<h1>{{#lots}}sans fin</h1>\n".write(to: lots, atomically: true, encoding: .utf8)
        let broken = await #expect(throws: WebFiles.Unusable.self) { try await Gateway.buildApplication(configuration) }
        #expect(broken?.description.contains("lots.mustache, line 2, column 1: expectedSectionEnd") == true, "\(String(describing: broken))")
    }

    @Test func hostileFormBodiesGetAPageNotACrash() async throws {
        let gateway = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080))
        try await gateway.test(.live) { client in
            let urlencoded: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            for path in ["/connexion", "/activation", "/deconnexion", "/messages", "/missions/convocations", "/missions/convocations/toutes", "/sujets"] {
                for body in ["=", "&=&", "%", "login=%ff&password=="] {
                    let response = try await client.execute(uri: path, method: .post, headers: urlencoded, body: ByteBuffer(string: body))
                    #expect((300..<500).contains(response.status.code), "\(path) \(body): \(response.status)")
                }
            }
            // Found by Tests/hostile/formulaires.py: a form over what the page reads answered 500.
            let large = try await client.execute(uri: "/connexion", method: .post, headers: urlencoded,
                                                 body: ByteBuffer(string: "login=" + String(repeating: "a", count: 20_000)))
            #expect(large.status == .contentTooLarge && large.headers[.contentType] == "application/problem+json")
            #expect(try await client.execute(uri: "/connexion", method: .get).status == .ok, "still serving")
        }
    }

    /// Issue 19: a form's value outside the list the API gives (`WebController.choix`, an enum of the
    /// generated types) is refused by the page before any call, in French and naming the field, as
    /// the service would refuse it; nothing is recorded.
    @Test func aFormValueOutsideTheAPIsListIsRefusedInFrenchAndChangesNothing() async throws {
        let admin = try await GatewayTests.makeAccount(role: .admin, scope: .national)
        let code = "Z" + String(UUID().uuidString.filter(\.isLetter).prefix(2))
        try await InscriptionsTests.withPlatform { client in
            let urlencoded: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let signedIn = try await client.execute(uri: "/connexion", method: .post, headers: urlencoded,
                                                    body: Self.form(["login": admin.login, "password": GatewayTests.password]))
            let cookie = Self.cookies(signedIn).map { String($0.split(separator: ";")[0]) }.joined(separator: "; ")
            var headers = urlencoded
            headers[.cookie] = cookie
            let refus = try await client.execute(uri: "/academies", method: .post, headers: headers,
                                                 body: Self.form(["code": code, "nom": "Atlantide", "nature": "atlantide"]))
            #expect(refus.status == .seeOther && refus.headers[.location] == "/etablissements")
            #expect(Self.message(refus) == "Académie refusée : 1 champ(s) invalide(s) / invalid field(s) — nature : valeur inconnue / unknown value",
                    "\(String(describing: Self.message(refus)))")
            let flash = try #require(Self.cookies(refus).first { $0.hasPrefix(WebSession.message + "=") }).split(separator: ";")[0]
            let page = try await client.execute(uri: "/etablissements", method: .get, headers: [.cookie: cookie + "; " + flash])
            #expect(page.status == .ok && String(buffer: page.body).contains("nature : valeur inconnue"))
            let academies = try await client.execute(uri: "/api/inscriptions/academies", method: .get, headers: [.cookie: cookie])
            #expect(academies.status == .ok && !String(buffer: academies.body).contains(#""\#(code)""#), "nothing recorded")
        }
    }

    /// Issue 19: on the pages moved to the generated client, a service's refusal (here Référentiel's
    /// 404 for a subject it does not have) is the page's French error or message, never a 500.
    @Test func aServicesRefusalOnAMovedPageIsAFrenchPageOrMessage() async throws {
        let dsii = try await GatewayTests.makeAccount(role: .dsii, scope: .national)
        try await ReferentielTests.withPlatform { client in
            let urlencoded: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let signedIn = try await client.execute(uri: "/connexion", method: .post, headers: urlencoded,
                                                    body: Self.form(["login": dsii.login, "password": GatewayTests.password]))
            let cookie = Self.cookies(signedIn).map { String($0.split(separator: ";")[0]) }.joined(separator: "; ")
            let absent = UUID().uuidString.lowercased()
            let lecture = try await client.execute(uri: "/sujets/\(absent)", method: .get, headers: [.cookie: cookie])
            #expect(lecture.status == .notFound && String(buffer: lecture.body).contains(#"<html lang="fr">"#), "\(lecture.status)")
            var headers = urlencoded
            headers[.cookie] = cookie
            let validation = try await client.execute(uri: "/sujets/\(absent)/validation", method: .post, headers: headers)
            #expect(validation.status == .seeOther && validation.headers[.location] == "/sujets/\(absent)")
            #expect(Self.message(validation)?.hasPrefix("Refusé : ") == true, "\(String(describing: Self.message(validation)))")
        }
    }

    /// Two pages asked at once after the access cookie expired renew with the same refresh cookie:
    /// both are served, and the session goes on.
    @Test func concurrentPagesAfterTheAccessCookieExpiredKeepTheSession() async throws {
        let account = try await GatewayTests.makeAccount(role: .gestionnaire, scope: .academie("03"))
        let gateway = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080))
        try await gateway.test(.live) { client in
            let signedIn = try await client.execute(uri: "/connexion", method: .post,
                                                    headers: [.contentType: "application/x-www-form-urlencoded"],
                                                    body: Self.form(["login": account.login, "password": GatewayTests.password]))
            // Only the refresh cookie: the access cookie has expired.
            let refresh = String(Self.cookies(signedIn).first { $0.hasPrefix(WebSession.refresh) }!.split(separator: ";")[0])
            let pages = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<3 { group.addTask { try await client.execute(uri: "/", method: .get, headers: [.cookie: refresh]) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(pages.map(\.status) == [.ok, .ok, .ok])
            // Each page renewed the cookies; none of the renewed refresh cookies was revoked.
            for page in pages {
                let renewed = try #require(Self.cookies(page).first { $0.hasPrefix(WebSession.refresh) }).split(separator: ";")[0]
                #expect(try await client.execute(uri: "/", method: .get, headers: [.cookie: String(renewed)]).status == .ok)
            }
        }
    }

    @Test func cookiesAreSecureBehindAPublicAddress() async throws {
        let account = try await GatewayTests.makeAccount(role: .centre, scope: .etablissement("0251080N"))
        let gateway = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080, ["PUBLIC_URL": "https://ece.example"]))
        try await gateway.test(.live) { client in
            let signedIn = try await client.execute(uri: "/connexion", method: .post,
                                                    headers: [.contentType: "application/x-www-form-urlencoded"],
                                                    body: Self.form(["login": account.login, "password": GatewayTests.password]))
            // Hummingbird's `Cookie` writes its attributes in no set order.
            let attributes = Self.cookies(signedIn).map { Set($0.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) }) }
            #expect(attributes.count == 2 && attributes.allSatisfy {
                $0.isSuperset(of: ["Secure", "HttpOnly", "SameSite=Strict", "Path=/"]) && $0.contains { $0.hasPrefix("Max-Age=") }
            }, "\(attributes)")
        }
    }
}
