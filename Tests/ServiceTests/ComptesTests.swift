import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Shared
import Testing
import TestSupport
@testable import Gateway
@testable import Inscriptions

/// Accounts kept in the platform (issue 21 item 2): the administrator, a gestionnaire and a school
/// keep the accounts of their perimeter; a new account's owner and anyone who forgot a password
/// choose one through a single-use link mailed through the real capture server; a convoked person
/// gets a new activation code by mail.
@Suite(.serialized) struct ComptesTests {
    static let besancon = InscriptionsTests.besancon
    static let paris = InscriptionsTests.paris

    /// Inscriptions (the directory) and the gateway, mailing through the capture server.
    static func withGateway(_ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let configuration = HealthTests.configuration("inscriptions", 8081)
        try await withServiceDatabase(configuration, migrations: inscriptionsMigrations) { client, schema, logger in
            try await DemoReferenceData.seed(client: client, schema: schema, logger: logger)
        }
        let inscriptions = try await Inscriptions.buildApplication(configuration)
        try await inscriptions.test(.live) { service in
            let gateway = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080, [
                "INSCRIPTIONS_URL": "http://127.0.0.1:\(service.port!)", "SMTP_URL": LocalInfrastructure.smtpURL,
                "MAIL_RETRY_SECONDS": "1", "PUBLIC_URL": "https://ece.example", "LOGIN_FAILURE_DELAY_MS": "1",
            ]))
            try await gateway.test(.live) { client in try await test(client) }
        }
    }

    static func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ json: String? = nil,
                     as identity: Identity? = nil) async throws -> TestResponse {
        var headers: HTTPFields = [:]
        if let identity { headers[.authorization] = "Bearer \(try await TestKeys.token(identity))" }
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: path, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }

    /// A school of académie 03 in the directory, centre d'épreuve when asked.
    static func ecole(_ client: some TestClientProtocol, centre: Bool) async throws -> String {
        let uai = AnnuaireTests.uais(1)[0]
        let school = #"{"nom":"Lycée des comptes","commune":"Dole","academie":"03","autonome":true}"#
        #expect(try await AnnuaireTests.request(client, .put, "etablissements/\(uai)", school).status == .created)
        if centre {
            let body = #"{"capaciteDemiJournee":12,"demiJournees":4,"epreuves":["T011B"],"salles":["Labo 1"]}"#
            #expect(try await AnnuaireTests.request(client, .put, "etablissements/\(uai)/centre", body).status == .ok)
        }
        return uai
    }

    /// The captured mails to `address`, oldest first, decoded (quoted-printable), once there are `count`.
    static func mails(to address: String, count: Int) async throws -> [String] {
        let new = LocalInfrastructure.maildir.appendingPathComponent("new")
        var found: [(Date, String)] = []
        try await waitUntil(timeout: .seconds(20)) {
            let files = (try? FileManager.default.contentsOfDirectory(at: new, includingPropertiesForKeys: [.contentModificationDateKey])) ?? []
            found = files.compactMap { file in
                guard let text = try? String(contentsOf: file, encoding: .utf8), text.contains("X-RcptTo: \(address)") else { return nil }
                return ((try? file.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantPast, text)
            }
            return found.count >= count
        }
        return found.sorted { $0.0 < $1.0 }.map { _, mail in
            var bytes: [UInt8] = []
            var rest = Substring(mail.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "")).utf8[...]
            while let byte = rest.first {
                if byte == UInt8(ascii: "="), rest.count >= 3, let value = UInt8(String(decoding: rest.dropFirst().prefix(2), as: UTF8.self), radix: 16) {
                    bytes.append(value)
                    rest = rest.dropFirst(3)
                } else {
                    bytes.append(byte)
                    rest = rest.dropFirst()
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The single-use link's token in a mail.
    static func jeton(_ mail: String) -> String? {
        guard let range = mail.range(of: #"https://ece\.example/mot-de-passe\?jeton=[A-Za-z0-9_-]+"#, options: .regularExpression) else { return nil }
        return String(mail[range].split(separator: "=").last!)
    }

    struct Compte: Decodable { var id: UUID; var login: String; var etat: String; var academie: String?; var derniereConnexion: Date? }
    struct Liste: Decodable { var items: [Compte]; var total: Int }

    @Test func aGestionnaireCreatesASchoolAccountItsOwnerChoosesThePasswordByMail() async throws {
        try await Self.withGateway { client in
            let uai = try await Self.ecole(client, centre: false)
            let adresse = "ce.\(uai.lowercased())@ac-test.fr"
            let nouveau = #"{"login":"ce.\#(uai)","nom":"Lycée des comptes","role":"etablissement","scope":"uai:\#(uai.lowercased())","email":"\#(adresse)"}"#
            // Another académie's gestionnaire may not; nor may a centre's account be given to a school that is no centre.
            #expect(try await Self.call(client, .post, "/api/comptes", nouveau, as: Self.paris).status == .forbidden)
            let pasCentre = try await Self.call(client, .post, "/api/comptes", nouveau.replacingOccurrences(of: #""etablissement""#, with: #""centre""#),
                                                as: Self.besancon)
            #expect(pasCentre.status == .unprocessableContent || pasCentre.status == .badRequest)
            #expect(String(buffer: pasCentre.body).contains("centre d'épreuve"))
            let inconnu = try await Self.call(client, .post, "/api/comptes", nouveau.replacingOccurrences(of: uai.lowercased(), with: "0000000a"),
                                              as: Self.besancon)
            #expect(inconnu.status == .unprocessableContent || inconnu.status == .badRequest)
            #expect(try await Self.call(client, .post, "/api/comptes", nouveau).status == .unauthorized)

            let created = try await Self.call(client, .post, "/api/comptes", nouveau, as: Self.besancon)
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let compte = try JSONDecoder.iso.decode(Compte.self, from: created.body)
            #expect(compte.etat == "en_attente" && compte.academie == "03" && compte.login == "ce.\(uai)")
            #expect(try await Self.call(client, .post, "/api/comptes", nouveau, as: Self.besancon).status == .conflict)

            // The académie's list shows it; Paris's does not, nor does it find it by id.
            let liste = try JSONDecoder.iso.decode(Liste.self, from: try await Self.call(client, .get, "/api/comptes?q=\(uai)", as: Self.besancon).body)
            #expect(liste.items.map(\.id) == [compte.id])
            let ailleurs = try JSONDecoder.iso.decode(Liste.self, from: try await Self.call(client, .get, "/api/comptes?q=\(uai)", as: Self.paris).body)
            #expect(ailleurs.items.isEmpty)
            #expect(try await Self.call(client, .get, "/api/comptes/\(compte.id)", as: Self.paris).status == .notFound)
            let examinateur = Identity(userId: UUID(), login: "ex", role: .examinateur, scope: .academie("03"))
            #expect(try await Self.call(client, .get, "/api/comptes", as: examinateur).status == .forbidden)

            // The owner's mail carries the link; it sets the password once.
            let mail = try await Self.mails(to: adresse, count: 1)[0]
            #expect(mail.contains("Votre compte ECE") && mail.contains("ce.\(uai)"))
            let jeton = try #require(Self.jeton(mail))
            // Sent: the mail's row no longer holds the link.
            try await waitUntil {
                try await GatewayTests.withGatewayRows("SELECT corps FROM gateway.courriels WHERE objet_id = '\(compte.id)'").allSatisfy {
                    $0 == Courriels.corpsEfface
                }
            }
            let court = try await Self.call(client, .post, "/api/auth/password", #"{"token":"\#(jeton)","password":"court"}"#)
            #expect(court.status == .unprocessableContent || court.status == .badRequest)
            let motDePasse = #"{"token":"\#(jeton)","password":"un mot de passe choisi"}"#
            let pose = try await Self.call(client, .post, "/api/auth/password", motDePasse)
            #expect(pose.status == .noContent, "\(String(buffer: pose.body))")
            let encore = try await Self.call(client, .post, "/api/auth/password", motDePasse.replacingOccurrences(of: "choisi", with: "repris"))
            #expect(encore.status == .badRequest && String(buffer: encore.body).contains("invalid-link"), "a link serves once")
            #expect(try await GatewayTests.login(client, "ce.\(uai)", "un mot de passe choisi").status == .ok)
            let lu = try JSONDecoder.iso.decode(Compte.self, from: try await Self.call(client, .get, "/api/comptes/\(compte.id)", as: Self.besancon).body)
            #expect(lu.etat == "actif" && lu.derniereConnexion != nil)

            // Disabled: its sign-in is refused; enabled again, it works.
            #expect(try await Self.call(client, .patch, "/api/comptes/\(compte.id)", #"{"actif":false}"#, as: Self.besancon).status == .ok)
            #expect(try await GatewayTests.login(client, "ce.\(uai)", "un mot de passe choisi").status == .unauthorized)
            #expect(try await Self.call(client, .patch, "/api/comptes/\(compte.id)", #"{"actif":true}"#, as: Self.paris).status == .notFound)
            #expect(try await Self.call(client, .patch, "/api/comptes/\(compte.id)", #"{"actif":true}"#, as: Self.besancon).status == .ok)
            #expect(try await GatewayTests.login(client, "ce.\(uai)", "un mot de passe choisi").status == .ok)
            // A gestionnaire cannot move it to another académie's school, nor make it national.
            let deplace = try await Self.call(client, .patch, "/api/comptes/\(compte.id)", #"{"scope":"uai:0750654D"}"#, as: Self.besancon)
            #expect(deplace.status == .forbidden)
            #expect(try await Self.call(client, .patch, "/api/comptes/\(compte.id)", #"{"scope":"national"}"#, as: Self.besancon).status == .forbidden)
        }
    }

    @Test func whatAGestionnaireMayNotChange() async throws {
        let examinateur = try await GatewayTests.makeAccount(role: .examinateur, scope: .academie("03"))
        let collegue = try await GatewayTests.makeAccount(role: .gestionnaire, scope: .academie("03"))
        let moi = try await GatewayTests.makeAccount(role: .gestionnaire, scope: .academie("03"))
        try await Self.withGateway { client in
            let gestionnaire = moi.identity
            // An examiner's address comes from Imag'In: changing it would send their next link elsewhere.
            let detourne = try await Self.call(client, .patch, "/api/comptes/\(examinateur.id)", #"{"email":"moi@ailleurs.test"}"#, as: gestionnaire)
            #expect(detourne.status == .forbidden)
            #expect(try await Self.call(client, .patch, "/api/comptes/\(examinateur.id)", #"{"actif":false}"#, as: gestionnaire).status == .ok)
            #expect(try await Self.call(client, .patch, "/api/comptes/\(examinateur.id)", #"{"actif":true}"#, as: gestionnaire).status == .ok)
            // A fellow gestionnaire is the administrator's to change; one's own account too.
            #expect(try await Self.call(client, .patch, "/api/comptes/\(collegue.id)", #"{"actif":false}"#, as: gestionnaire).status == .forbidden)
            #expect(try await Self.call(client, .patch, "/api/comptes/\(moi.id)", #"{"nom":"Moi"}"#, as: gestionnaire).status == .forbidden)
            #expect(try await Self.call(client, .patch, "/api/comptes/\(examinateur.id)", "{}", as: gestionnaire).status == .unprocessableContent)
            // Disabled by the administrator, a gestionnaire's token still valid for minutes changes nothing.
            let admin = Identity(userId: UUID(), login: "admin.test", role: .admin, scope: .national)
            #expect(try await Self.call(client, .patch, "/api/comptes/\(moi.id)", #"{"actif":false}"#, as: admin).status == .ok)
            // What the administrator disabled, a gestionnaire does not enable.
            #expect(try await Self.call(client, .patch, "/api/comptes/\(examinateur.id)", #"{"actif":false}"#, as: admin).status == .ok)
            let autre = try await GatewayTests.makeAccount(role: .gestionnaire, scope: .academie("03"))
            #expect(try await Self.call(client, .patch, "/api/comptes/\(examinateur.id)", #"{"actif":true}"#, as: autre.identity).status == .forbidden)
            #expect(try await Self.call(client, .patch, "/api/comptes/\(examinateur.id)", #"{"actif":true}"#, as: gestionnaire).status == .forbidden)
            #expect(try await Self.call(client, .patch, "/api/comptes/\(moi.id)", #"{"actif":true}"#, as: gestionnaire).status == .forbidden)
        }
    }

    @Test func aNewAddressSpendsTheLinksSentBefore() async throws {
        try await Self.withGateway { client in
            let uai = try await Self.ecole(client, centre: false)
            let nouveau = #"{"login":"etab.\#(uai)","nom":"Lycée","role":"etablissement","scope":"uai:\#(uai)","email":"faute.\#(uai)@ac-test.fr"}"#
            let compte = try JSONDecoder.iso.decode(Compte.self, from: try await Self.call(client, .post, "/api/comptes", nouveau, as: Self.besancon).body)
            let mauvais = try #require(Self.jeton(try await Self.mails(to: "faute.\(uai)@ac-test.fr", count: 1)[0]))
            #expect(try await Self.call(client, .patch, "/api/comptes/\(compte.id)", #"{"email":"bon.\#(uai)@ac-test.fr"}"#, as: Self.besancon).status == .ok)
            let pose = try await Self.call(client, .post, "/api/auth/password", #"{"token":"\#(mauvais)","password":"un mot de passe choisi"}"#)
            #expect(pose.status == .badRequest, "the link sent to the mistyped address no longer opens the account")
        }
    }

    @Test func aSchoolKeepsItsOwnReferentsOnly() async throws {
        try await Self.withGateway { client in
            let uai = try await Self.ecole(client, centre: true)
            let ecole = Identity(userId: UUID(), login: "ce.\(uai)", role: .etablissement, scope: .etablissement(uai))
            let referent = #"{"login":"ref.\#(uai)","nom":"Référente","role":"referent","scope":"uai:\#(uai)","email":"ref.\#(uai)@ac-test.fr"}"#
            #expect(try await Self.call(client, .post, "/api/comptes", referent.replacingOccurrences(of: "uai:\(uai)", with: "uai:0251080N"),
                                        as: ecole).status == .forbidden)
            #expect(try await Self.call(client, .post, "/api/comptes", referent.replacingOccurrences(of: #""referent""#, with: #""centre""#),
                                        as: ecole).status == .forbidden)
            let created = try await Self.call(client, .post, "/api/comptes", referent, as: ecole)
            #expect(created.status == .created, "\(String(buffer: created.body))")
            let liste = try JSONDecoder.iso.decode(Liste.self, from: try await Self.call(client, .get, "/api/comptes", as: ecole).body)
            #expect(liste.items.map(\.login) == ["ref.\(uai)"], "the school sees its référents only")
            // A centre's account for a centre d'épreuve, by the gestionnaire.
            let centre = #"{"login":"centre.\#(uai)","nom":"Centre","role":"centre","scope":"uai:\#(uai)","email":"centre.\#(uai)@ac-test.fr"}"#
            #expect(try await Self.call(client, .post, "/api/comptes", centre, as: Self.besancon).status == .created)
        }
    }

    @Test func aForgottenPasswordIsResetByALinkThatSaysNothingOfWhoExists() async throws {
        let adresse = "oubli.\(UUID().uuidString.prefix(8).lowercased())@ac-test.fr"
        let compte = try await GatewayTests.makeAccount(role: .gestionnaire, scope: .academie("03"))
        try await GatewayTests.withGatewayAccounts { accounts in
            _ = try await accounts.update(compte.id, displayName: nil, email: adresse, perimetre: nil, disabled: nil)
        }
        try await Self.withGateway { client in
            let session = try JSONDecoder().decode(GatewayTests.Tokens.self,
                                                   from: try await GatewayTests.login(client, compte.login, GatewayTests.password).body)
            let known = try await Self.call(client, .post, "/api/auth/password-reset", #"{"login":"\#(compte.login)"}"#)
            let unknown = try await Self.call(client, .post, "/api/auth/password-reset", #"{"login":"personne.\#(UUID())"}"#)
            #expect(known.status == .accepted && unknown.status == .accepted)
            #expect(String(buffer: known.body) == String(buffer: unknown.body), "the same answer whether or not the account exists")
            let bad = try await Self.call(client, .post, "/api/auth/password-reset", #"{"login":""}"#)
            #expect(bad.status == .unprocessableContent || bad.status == .badRequest)

            let jeton = try #require(Self.jeton(try await Self.mails(to: adresse, count: 1)[0]))
            #expect(try await Self.call(client, .post, "/api/auth/password", #"{"token":"\#(jeton)x","password":"nouveau mot de passe"}"#).status == .badRequest)
            #expect(try await Self.call(client, .post, "/api/auth/password", #"{"token":"\#(jeton)","password":"nouveau mot de passe"}"#).status == .noContent)
            #expect(try await GatewayTests.login(client, compte.login, GatewayTests.password).status == .unauthorized)
            #expect(try await GatewayTests.login(client, compte.login, "nouveau mot de passe").status == .ok)
            // The sessions opened before are over.
            let renew = try await Self.call(client, .post, "/api/auth/refresh", #"{"refreshToken":"\#(session.refreshToken)"}"#)
            #expect(renew.status == .unauthorized)
            // By address too.
            #expect(try await Self.call(client, .post, "/api/auth/password-reset", #"{"login":"\#(adresse.uppercased())"}"#).status == .accepted)
            #expect(Self.jeton(try await Self.mails(to: adresse, count: 2)[1]) != nil)
        }
    }

    @Test func aConvokedPersonGetsANewActivationCodeByMail() async throws {
        // Two convoked people: one activates with the code mailed; the other's convocation is then
        // cancelled, and its mailed code goes with it.
        let logins = (0..<2).map { _ in "convoque.\(UUID().uuidString.prefix(8).lowercased())" }
        let convocations = [UUID(), UUID()]
        try await GatewayTests.withGatewayAccounts { accounts in
            try await accounts.client.withConnection { connection in
                for (login, convocation) in zip(logins, convocations) {
                    let recorded = try await accounts.prepareConvoked(
                        convocationId: convocation, id: UUID(), login: login, displayName: "Camille Convoquée", email: "\(login)@ac-test.fr",
                        role: .examinateur, scope: .academie("03"), autorite: "academie:03",
                        activationCodeSHA256: ActivationCode.sha256(ActivationCode.generate()), on: connection)
                    #expect(recorded)
                }
            }
        }
        try await Self.withGateway { client in
            var codes: [String] = []
            for login in logins {
                let asked = try await Self.call(client, .post, "/api/auth/activation-code", #"{"login":"\#(login)"}"#)
                let nobody = try await Self.call(client, .post, "/api/auth/activation-code", #"{"login":"personne.\#(UUID())"}"#)
                #expect(asked.status == .accepted && String(buffer: asked.body) == String(buffer: nobody.body))
                let mail = try await Self.mails(to: "\(login)@ac-test.fr", count: 1)[0]
                let range = try #require(mail.range(of: #"[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}"#, options: .regularExpression))
                codes.append(String(mail[range]))
            }
            func activer(_ login: String, _ code: String) async throws -> HTTPResponse.Status {
                try await Self.call(client, .post, "/api/auth/activate",
                                    #"{"login":"\#(login)","activationCode":"\#(code)","password":"mot de passe activé"}"#).status
            }
            #expect(try await activer(logins[0], codes[1]) == .unauthorized, "a code opens its own account only")
            #expect(try await activer(logins[0], codes[0]) == .noContent)
            #expect(try await GatewayTests.login(client, logins[0], "mot de passe activé").status == .ok)
            try await GatewayTests.withGatewayAccounts { accounts in
                try await accounts.client.withConnection { connection in
                    try await accounts.cancelCode(convocationId: convocations[1], on: connection)
                }
            }
            #expect(try await activer(logins[1], codes[1]) == .unauthorized, "cancelling the convocation cancels its re-issued code")
        }
    }
}
