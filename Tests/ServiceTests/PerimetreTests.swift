import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Shared
import Testing
import TestSupport
@testable import Gateway
@testable import Inscriptions
@testable import Missions

/// Issue 18, items 2 and 3: people and accounts belong to the authority that designated and convoked
/// them, and activation codes follow their convocations. Cyclades, Imag'In and the gateway run
/// in-process with the real events; each run has a centre (a school of académie 03) of its own.
@Suite(.serialized) struct PerimetreTests {
    static let session = 2099
    static let besancon = CorrectionTests.besancon

    struct Created: Decodable { var id: UUID }
    struct Convoked: Decodable { var id: UUID; var impression: String }

    /// Inscriptions and Missions behind the gateway.
    static func withPlatform(_ test: @Sendable @escaping (CorrectionTests.Harness) async throws -> Void) async throws {
        let apps = (try await Inscriptions.buildApplication(HealthTests.configuration("inscriptions", 8081)),
                    try await Missions.buildApplication(HealthTests.configuration("missions", 8082)))
        try await apps.0.test(.live) { inscriptions in
            try await apps.1.test(.live) { missions in
                let gateway = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080, [
                    "INSCRIPTIONS_URL": "http://127.0.0.1:\(inscriptions.port!)",
                    "MISSIONS_URL": "http://127.0.0.1:\(missions.port!)",
                ]))
                try await gateway.test(.live) { client in try await test(CorrectionTests.Harness(client: client)) }
            }
        }
    }

    static func designation(_ role: String, centre: String?, login: String, nom: String, uai: String) -> String {
        #"{"role":"\#(role)","epreuve":"T011B",\#(centre.map { #""centre":"\#($0)","# } ?? "")"intervenant":{"login":"\#(login)","nom":"\#(nom)","prenom":"Camille","uai":"\#(uai)","divisions":["T1"]}}"#
    }

    /// Opens the session until each login is eligible for its mission (exports arrive by event);
    /// returns the missions by kind ("coordinateur", or the centre for examiners).
    static func open(_ h: CorrectionTests.Harness, centre: String, waitingFor logins: [String]) async throws -> [String: UUID] {
        let mis = "/api/missions/sessions/\(session)"
        #expect(try await h.call(.post, "\(mis)/reglementation", as: besancon).status == .ok)
        #expect(try await h.call(.put, "\(mis)/parametres", #"{"dateDebut":"2099-06-01","dateFin":"2099-06-12"}"#, as: besancon).status == .ok)
        var found: [String: UUID] = [:]
        try await waitUntil {
            _ = try await h.call(.post, "\(mis)/ouverture", as: besancon)
            let list = try await h.decode(CorrectionTests.MissionList.self, .get, "\(mis)/missions?epreuve=T011B", as: besancon).items
            var eligible = Set<String>()
            found = [:]
            for detail in list where detail.mission.centre == nil || detail.mission.centre == centre {
                found[detail.mission.centre ?? "coordinateur"] = detail.mission.id
                eligible.formUnion(detail.intervenants.map(\.login))
            }
            return eligible.isSuperset(of: logins)
        }
        return found
    }

    static func person(_ h: CorrectionTests.Harness, _ login: String) async throws -> UUID {
        let list = try await h.decode(CorrectionTests.MissionList.self, .get, "/api/missions/sessions/\(session)/missions?epreuve=T011B",
                                      as: besancon).items
        return try #require(list.flatMap(\.intervenants).first { $0.login == login }).id
    }

    static func code(_ h: CorrectionTests.Harness, _ convocation: Convoked, as identity: Identity) async throws -> String? {
        let printed = try await h.call(.get, convocation.impression, as: identity)
        #expect(printed.status == .ok)
        return String(buffer: printed.body).firstMatch(of: /class="code">([A-Z0-9-]+)</).map { String($0.1) }
    }

    static func activate(_ h: CorrectionTests.Harness, _ login: String, _ code: String, password: String = GatewayTests.password) async throws -> HTTPResponse.Status {
        try await h.client.execute(uri: "/api/auth/activate", method: .post, headers: [.contentType: "application/json"],
                                   body: GatewayTests.json(["login": login, "activationCode": code, "password": password])).status
    }

    /// The gateway's view of a convocation's code: nil (not arrived), "live" or "annulee".
    static func codeState(_ convocation: UUID) async throws -> String? {
        var state: String?
        try await GatewayTests.withGatewayAccounts { accounts in
            let rows = try await accounts.client.query("""
                SELECT CASE WHEN annulee_le IS NULL THEN 'live' ELSE 'annulee' END
                FROM \(unescaped: accounts.schema.name).activation_codes WHERE convocation_id = \(convocation)
                """, logger: accounts.logger)
            for try await s in rows.decode(String.self) { state = s }
        }
        return state
    }

    static func pending(_ login: String) async throws -> Bool? {
        var pending: Bool?
        try await GatewayTests.withGatewayAccounts { accounts in
            let rows = try await accounts.client.query("""
                SELECT password_hash IS NULL FROM \(unescaped: accounts.schema.name).accounts WHERE login = \(login)
                """, logger: accounts.logger)
            for try await p in rows.decode(Bool.self) { pending = p }
        }
        return pending
    }

    static func consumed(_ envelope: UUID) async throws -> Bool {
        var seen = false
        try await GatewayTests.withGatewayAccounts { accounts in
            seen = try await accounts.client.query("""
                SELECT 1 FROM \(unescaped: accounts.schema.name).inbox WHERE message_id = \(envelope)
                """, logger: accounts.logger).collect().count == 1
        }
        return seen
    }

    /// The whole chain of a takeover attempt: the gestionnaire designates and convokes a coordinator;
    /// a school re-designates the same login (to convoke, print and activate it) and is refused at
    /// that first step; the later steps are shut too, even with a forged convocation; the
    /// coordinator's account stays pending with its own code, which still opens it.
    @Test func aSchoolCannotTakeOverTheAcademiesCoordinator() async throws {
        let centre = try await CorrectionTests.makeCentre()
        let school = Identity(userId: UUID(), login: "etab.\(centre)", role: .etablissement, scope: .etablissement(centre))
        let login = "coord.\(UUID().uuidString.prefix(8).lowercased())"
        let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        let publisher = AMQPPublisher(configuration: amqp, appId: "missions", logger: Logger(label: "test"))
        let running = Running(publisher)

        try await Self.withPlatform { h in
            let ins = "/api/inscriptions/sessions/\(Self.session)"
            // The gestionnaire designates the coordinator (a teacher of the school) and convokes them.
            let designated = try await h.call(.post, "\(ins)/designations",
                                              Self.designation("coordinateur", centre: nil, login: login, nom: "Dupont", uai: centre),
                                              as: Self.besancon)
            #expect(designated.status == .created, "\(String(buffer: designated.body))")
            let missions = try await Self.open(h, centre: centre, waitingFor: [login])
            let coordination = try #require(missions["coordinateur"])
            let coordinator = try await Self.person(h, login)
            let convocation = try await h.decode(Convoked.self, .post, "/api/missions/missions/\(coordination)/convocations",
                                                 #"{"intervenantId":"\#(coordinator)"}"#, as: Self.besancon, expect: .created)
            let code = try #require(try await Self.code(h, convocation, as: Self.besancon))
            try await waitUntil { try await Self.codeState(convocation.id) == "live" }

            // Step 1, refused: the school re-designates the login as an examiner at its centre.
            for nom in ["Dupont", "Pirate"] {
                let refused = try await h.call(.post, "\(ins)/designations",
                                               Self.designation("examinateur", centre: centre, login: login, nom: nom, uai: centre), as: school)
                let body = String(buffer: refused.body)
                #expect(refused.status == .conflict && refused.headers[.contentType] == "application/problem+json", "\(body)")
                #expect(body.contains("designated-by-another-authority") && body.contains("l'académie 03")
                        && body.contains(#""field":"intervenant.login""#), "the reason names the owner: \(body)")
            }
            let listed = String(buffer: try await h.call(.get, "\(ins)/designations?epreuve=T011B", as: Self.besancon).body)
            #expect(listed.contains(login) && !listed.contains("Pirate"), "the person is unchanged")
            // Nor may the school withdraw what the académie designated (its own teacher or not).
            struct Liste: Decodable { var items: [Item]; struct Item: Decodable { var id: UUID; var intervenant: Personne }
                struct Personne: Decodable { var login: String } }
            let designation = try #require(try JSONDecoder().decode(Liste.self, from: Data(listed.utf8)).items.first { $0.intervenant.login == login })
            #expect(try await h.call(.delete, "\(ins)/designations/\(designation.id)", as: school).status == .notFound)
            #expect(String(buffer: try await h.call(.get, "\(ins)/designations?epreuve=T011B", as: Self.besancon).body).contains(login))

            // The next steps are shut as well: convoke, print, cancel the coordinator's convocation.
            #expect(try await h.call(.post, "/api/missions/missions/\(coordination)/convocations",
                                     #"{"intervenantId":"\#(coordinator)"}"#, as: school).status == .forbidden)
            #expect(try await h.call(.get, convocation.impression, as: school).status == .notFound)
            #expect(try await h.call(.post, "/api/missions/convocations/\(convocation.id)/annulation", #"{"motif":"x"}"#,
                                     as: school).status == .notFound)

            // Even a convocation the school could issue (an examiner at its own centre) gives no
            // code for an account the académie created; one outside its perimeter is refused whole.
            try await waitUntil { publisher.isConnected }
            let forgedCode = ActivationCode.generate()
            let person = Intervenant(id: coordinator, login: login, nom: "Pirate", prenom: "Camille", uai: centre)
            let within = EventEnvelope(producer: "missions", correlationId: "forged", payload: ConvocationIssued(
                convocationId: UUID(), missionId: UUID(), kind: .examinateur, session: Self.session, epreuve: "T011B",
                academie: "03", centreUAI: centre, intervenant: person, activationCodeSHA256: ActivationCode.sha256(forgedCode),
                autorite: school.scope.description))
            try await MissionsTests.publish(publisher, within)
            var outside = within.payload
            outside.convocationId = UUID()
            outside.kind = .coordinateur
            outside.centreUAI = nil
            // A session nobody closes: Correction projects the forged coordinator too, and every closing
            // of the exam in the académie would report them to Imag'In, which knows no such convocation.
            outside.session = Self.session + 1
            let parked = EventEnvelope(producer: "missions", correlationId: "forged", payload: outside)
            try await MissionsTests.publish(publisher, parked)
            try await waitUntil { try await Self.consumed(within.id) }
            #expect(try await RemonteeTests().readDeadLetters("gateway.convocations.dlq", id: parked.id.uuidString))
            #expect(try await Self.codeState(within.payload.convocationId) == nil)
            #expect(try await Self.codeState(outside.convocationId) == nil)
            #expect(try await Self.activate(h, login, forgedCode, password: "pirate password 123!") == .unauthorized)

            // The coordinator's account: still pending, with its own code, which opens it.
            #expect(try await Self.pending(login) == true)
            #expect(try await Self.codeState(convocation.id) == "live")
            #expect(try await Self.activate(h, login, code) == .noContent)
            let tokens = try JSONDecoder().decode(GatewayTests.Tokens.self, from: try await GatewayTests.login(h.client, login, GatewayTests.password).body)
            let identity = await TokenVerifier(publicKey: TestKeys.privateKey.publicKey).identity(from: tokens.accessToken)
            #expect(identity?.role == .coordinateur && identity?.scope == .academie("03"), "role and scope from the académie's convocation")
        }
        await running.stop()
    }

    /// Each designation keeps the authority that made it (issue 18): a school's teacher whom the
    /// académie designates as coordinator, and whose school then withdraws its own designation, is the
    /// académie's alone — the school may neither rewrite them nor withdraw the académie's row; and
    /// when the académie designates them to examine at the school's centre, only the académie convokes
    /// them there (the school convokes on its own designations).
    @Test func aDesignationKeepsItsOwnAuthority() async throws {
        let centre = try await CorrectionTests.makeCentre()
        let school = Identity(userId: UUID(), login: "etab.\(centre)", role: .etablissement, scope: .etablissement(centre))
        let login = "prof.\(UUID().uuidString.prefix(8).lowercased())"
        let own = "\(login).propre"
        struct Liste: Decodable { var items: [Item]; struct Item: Decodable { var id: UUID; var role: String; var intervenant: Personne }
            struct Personne: Decodable { var login: String; var nom: String } }

        try await Self.withPlatform { h in
            let ins = "/api/inscriptions/sessions/\(Self.session)"
            func designations() async throws -> [Liste.Item] {
                try await h.decode(Liste.self, .get, "\(ins)/designations?epreuve=T011B", as: Self.besancon).items
                    .filter { $0.intervenant.login == login }
            }
            // The school designates its teacher to examine at its centre; the académie makes them coordinator.
            #expect(try await h.call(.post, "\(ins)/designations", Self.designation("examinateur", centre: centre, login: login,
                                                                                   nom: "Durand", uai: centre), as: school).status == .created)
            #expect(try await h.call(.post, "\(ins)/designations", Self.designation("coordinateur", centre: nil, login: login,
                                                                                   nom: "Durand", uai: centre), as: Self.besancon).status == .created)
            let both = try await designations()
            let examen = try #require(both.first { $0.role == "examinateur" }), coordination = try #require(both.first { $0.role == "coordinateur" })
            // The school may not withdraw the académie's row, even for its own teacher; its own, yes.
            #expect(try await h.call(.delete, "\(ins)/designations/\(coordination.id)", as: school).status == .notFound)
            #expect(try await h.call(.delete, "\(ins)/designations/\(examen.id)", as: school).status == .noContent)

            // Designated by the académie alone now: the school's re-designation is refused, naming the académie.
            let refused = try await h.call(.post, "\(ins)/designations", Self.designation("examinateur", centre: centre, login: login,
                                                                                          nom: "Pirate", uai: centre), as: school)
            let body = String(buffer: refused.body)
            #expect(refused.status == .conflict && body.contains("designated-by-another-authority") && body.contains("l'académie 03"), "\(body)")
            #expect(try await h.call(.delete, "\(ins)/designations/\(coordination.id)", as: school).status == .notFound)
            #expect(try await designations().map(\.intervenant.nom) == ["Durand"], "the person and the académie's row are unchanged")
            // The académie designates them to examine at the school's centre; the school its own other teacher.
            #expect(try await h.call(.post, "\(ins)/designations", Self.designation("examinateur", centre: centre, login: login,
                                                                                   nom: "Durand", uai: centre), as: Self.besancon).status == .created)
            #expect(try await h.call(.post, "\(ins)/designations", Self.designation("examinateur", centre: centre, login: own,
                                                                                   nom: "Martin", uai: centre), as: school).status == .created)
            let mission = try #require(try await Self.open(h, centre: centre, waitingFor: [login, own])[centre])
            // The missions list says what each reader may do, by the write routes' own rules (issue 20:
            // the pages offer nothing else): the school convokes its own designation, not the académie's.
            struct Droits: Decodable, Equatable { var convocable: Bool; var lisible: Bool; var annulable: Bool }
            struct Vue: Decodable { var items: [Detail]; struct Detail: Decodable { var mission: Id; var intervenants: [Personne] }
                struct Id: Decodable { var id: UUID }
                struct Personne: Decodable { var login: String; var convocable: Bool; var lisible: Bool; var annulable: Bool } }
            func droits(_ identity: Identity) async throws -> [String: Droits] {
                let list = try await h.decode(Vue.self, .get, "/api/missions/sessions/\(Self.session)/missions?epreuve=T011B", as: identity)
                var result: [String: Droits] = [:]
                for p in list.items.first(where: { $0.mission.id == mission })?.intervenants ?? [] where [login, own].contains(p.login) {
                    result[p.login] = Droits(convocable: p.convocable, lisible: p.lisible, annulable: p.annulable)
                }
                return result
            }
            #expect(try await droits(school) == [login: Droits(convocable: false, lisible: false, annulable: false),
                                                 own: Droits(convocable: true, lisible: false, annulable: false)])
            #expect(try await droits(Self.besancon) == [login: Droits(convocable: true, lisible: false, annulable: false),
                                                        own: Droits(convocable: true, lisible: false, annulable: false)])
            let convocations = "/api/missions/missions/\(mission)/convocations"
            let academies = try await h.call(.post, convocations, #"{"intervenantId":"\#(try await Self.person(h, login))"}"#, as: school)
            #expect(academies.status == .forbidden && String(buffer: academies.body).contains("l'académie 03"),
                    "\(String(buffer: academies.body))")
            let ownConvocation = try await h.decode(Convoked.self, .post, convocations, #"{"intervenantId":"\#(try await Self.person(h, own))"}"#,
                                                    as: school, expect: .created)
            let academyConvocation = try await h.decode(Convoked.self, .post, convocations,
                                                        #"{"intervenantId":"\#(try await Self.person(h, login))"}"#, as: Self.besancon,
                                                        expect: .created)
            // Convoked: the school reads both and cancels its own only; the gestionnaire cancels either.
            #expect(try await droits(school) == [login: Droits(convocable: false, lisible: true, annulable: false),
                                                 own: Droits(convocable: false, lisible: true, annulable: true)])
            #expect(try await droits(Self.besancon) == [login: Droits(convocable: false, lisible: true, annulable: true),
                                                        own: Droits(convocable: false, lisible: true, annulable: true)])
            // What the list does not offer, the route refuses, saying why; another school finds nothing.
            let cancelRefused = try await h.call(.post, "/api/missions/convocations/\(academyConvocation.id)/annulation",
                                                 #"{"motif":"Essai"}"#, as: school)
            #expect(cancelRefused.status == .forbidden && String(buffer: cancelRefused.body).contains("émise par l'académie 03"),
                    "\(String(buffer: cancelRefused.body))")
            let other = Identity(userId: UUID(), login: "etab.0750654D", role: .etablissement, scope: .etablissement("0750654D"))
            // Another school's convocation and a number that exists nowhere get the same answer: the
            // refusal must not tell that the number exists elsewhere.
            let elsewhere = try await h.call(.post, "/api/missions/convocations/\(ownConvocation.id)/annulation",
                                             #"{"motif":"Essai"}"#, as: other)
            let nowhere = try await h.call(.post, "/api/missions/convocations/\(UUID())/annulation", #"{"motif":"Essai"}"#, as: other)
            #expect(elsewhere.status == .notFound && nowhere.status == .notFound)
            func detail(_ r: TestResponse) throws -> String? {
                (try JSONSerialization.jsonObject(with: Data(buffer: r.body)) as? [String: Any])?["detail"] as? String
            }
            #expect(try detail(elsewhere) == detail(nowhere), "\(String(buffer: elsewhere.body)) / \(String(buffer: nowhere.body))")
            #expect(try await h.call(.post, "/api/missions/convocations/\(ownConvocation.id)/annulation", #"{"motif":"Indisponible"}"#,
                                     as: school).status == .noContent)
            #expect(try await droits(school)[own] == Droits(convocable: true, lisible: false, annulable: false), "convocable again")
        }
    }

    /// « Convoquer tout le monde »: each caller convokes at once exactly what its list offers one by
    /// one, of what its own authority designated — a school not the académie's nor another school's
    /// teacher; the gestionnaire not a school's, nor another académie's — mailing who has an address
    /// and naming whose printed copy (with the code) is to be handed over; a second call convokes
    /// nobody twice, nor again whose convocation was cancelled.
    @Test func everyoneConvocableIsConvokedAtOnce() async throws {
        let centre = try await CorrectionTests.makeCentre(), other = try await CorrectionTests.makeCentre()
        let school = Identity(userId: UUID(), login: "etab.\(centre)", role: .etablissement, scope: .etablissement(centre))
        let otherSchool = Identity(userId: UUID(), login: "etab.\(other)", role: .etablissement, scope: .etablissement(other))
        let p = "tt\(UUID().uuidString.prefix(6).lowercased())"
        let (mailed, printed, academys, foreign) = ("\(p).mel", "\(p).papier", "\(p).acad", "\(p).autre")
        struct Rapport: Decodable { var convoquees: Int; var parCourriel: Int; var aRemettre: [ARemettre]
            struct ARemettre: Decodable { var id: UUID; var login: String; var centre: String?; var impression: String } }

        try await Self.withPlatform { h in
            let ins = "/api/inscriptions/sessions/\(Self.session)", tout = "/api/missions/sessions/\(Self.session)/convocations"
            let avecAdresse = Self.designation("examinateur", centre: centre, login: mailed, nom: "Martin", uai: centre)
                .replacingOccurrences(of: #""uai":"#, with: #""email":"\#(mailed)@ac-besancon.fr","uai":"#)
            for (body, identity) in [(avecAdresse, school),
                                     (Self.designation("examinateur", centre: centre, login: printed, nom: "Petit", uai: centre), school),
                                     (Self.designation("examinateur", centre: centre, login: academys, nom: "Durand", uai: centre), Self.besancon),
                                     (Self.designation("examinateur", centre: centre, login: foreign, nom: "Roux", uai: other), otherSchool)] {
                let response = try await h.call(.post, "\(ins)/designations", body, as: identity)
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }
            let missions = try await Self.open(h, centre: centre, waitingFor: [mailed, printed, academys, foreign])
            let examen = try #require(missions[centre])

            // The school: its own two designations, one mailed, the other to hand over with its code.
            let ecole = try await h.decode(Rapport.self, .post, tout, as: school)
            #expect(ecole.convoquees == 2 && ecole.parCourriel == 1 && ecole.aRemettre.map(\.login) == [printed], "\(ecole)")
            let copie = try #require(ecole.aRemettre.first)
            #expect(copie.centre == centre)
            #expect(try await Self.code(h, Convoked(id: copie.id, impression: copie.impression), as: school) != nil)
            let convocations = try await h.decode(CorrectionTests.MissionList.self, .get,
                                                  "/api/missions/sessions/\(Self.session)/missions?centre=\(centre)", as: Self.besancon)
                .items.first { $0.mission.id == examen }?.intervenants ?? []
            let mailedId = try #require(convocations.first { $0.login == mailed }?.convocationId)
            #expect(try await CourrielsTests.courriel(mailedId) != nil, "the mail commits with the convocation")
            #expect(try await CourrielsTests.courriel(copie.id) == nil)
            #expect(Set(convocations.filter { $0.convocationId != nil }.map(\.login)) == [mailed, printed],
                    "neither the académie's designation nor another school's teacher")
            #expect(try await h.decode(Rapport.self, .post, tout, as: school).convoquees == 0, "nobody twice")
            // A cancelled convocation is issued again one by one, never by the next « tout le monde ».
            #expect(try await h.call(.post, "/api/missions/convocations/\(copie.id)/annulation", #"{"motif":"Absent"}"#,
                                     as: school).status == .noContent)
            #expect(try await h.decode(Rapport.self, .post, tout, as: school).convoquees == 0, "the cancellation stands")
            let annule = try await h.decode(CorrectionTests.MissionList.self, .get, "/api/missions/sessions/\(Self.session)/missions?centre=\(centre)",
                                            as: school).items.flatMap(\.intervenants).first { $0.login == printed }
            #expect(annule?.convocable == true && annule?.convocableEnBloc == false, "offered one by one only")
            #expect(try await h.call(.post, "/api/missions/missions/\(examen)/convocations",
                                     #"{"intervenantId":"\#(try await Self.person(h, printed))"}"#, as: school).status == .created)

            // A gestionnaire of another académie convokes nothing here; Besançon's its own designation,
            // not the other school's (its to convoke, though the gestionnaire may one by one); that
            // school then its teacher. (The coordinators' missions: CourrielsTests.)
            let ailleurs = Identity(userId: UUID(), login: "gest.13", role: .gestionnaire, scope: .academie("13"))
            #expect(try await h.decode(Rapport.self, .post, "\(tout)?centre=\(centre)", as: ailleurs).convoquees == 0)
            let academie = try await h.decode(Rapport.self, .post, "\(tout)?centre=\(centre)", as: Self.besancon)
            #expect(academie.convoquees == 1 && academie.aRemettre.map(\.login) == [academys], "\(academie)")
            let autre = try await h.decode(Rapport.self, .post, "\(tout)?centre=\(centre)", as: otherSchool)
            #expect(autre.convoquees == 1 && autre.aRemettre.map(\.login) == [foreign], "\(autre)")
            let dsii = Identity(userId: UUID(), login: "dsii", role: .dsii, scope: .national)
            #expect(try await h.call(.post, tout, as: dsii).status == .forbidden)
            try await waitUntil { try await Self.codeState(copie.id) == "annulee" }
        }
    }

    /// A code is printed for its issuer only; a second convocation leaves the first code valid (and
    /// the page says so); a cancelled convocation's code no longer activates; a school cancels only
    /// what it issued.
    @Test func activationCodesFollowTheirConvocations() async throws {
        let centre = try await CorrectionTests.makeCentre()
        let school = Identity(userId: UUID(), login: "etab.\(centre)", role: .etablissement, scope: .etablissement(centre))
        let p = "ac\(UUID().uuidString.prefix(6).lowercased())"
        let (teacher, twice, cancelled) = ("\(p).prof", "\(p).deux", "\(p).annule")

        try await Self.withPlatform { h in
            let ins = "/api/inscriptions/sessions/\(Self.session)"
            #expect(try await h.call(.post, "\(ins)/designations", Self.designation("examinateur", centre: centre, login: teacher,
                                                                                   nom: "Martin", uai: centre), as: school).status == .created)
            for login in [twice, cancelled] {
                #expect(try await h.call(.post, "\(ins)/designations", Self.designation("examinateur", centre: centre, login: login,
                                                                                       nom: "Durand", uai: centre), as: Self.besancon).status == .created)
            }
            #expect(try await h.call(.post, "\(ins)/designations", Self.designation("coordinateur", centre: nil, login: twice,
                                                                                   nom: "Durand", uai: centre), as: Self.besancon).status == .created)
            // Another school's teacher, designated by that school to examine at this centre.
            let other = try await CorrectionTests.makeCentre()
            let otherSchool = Identity(userId: UUID(), login: "etab.\(other)", role: .etablissement, scope: .etablissement(other))
            let foreign = "\(p).autre"
            let designatedThere = try await h.call(.post, "\(ins)/designations", Self.designation("examinateur", centre: centre,
                                                                                                  login: foreign, nom: "Petit", uai: other),
                                                   as: otherSchool)
            #expect(designatedThere.status == .created, "\(String(buffer: designatedThere.body))")
            let missions = try await Self.open(h, centre: centre, waitingFor: [teacher, twice, cancelled, foreign])
            let (examen, coordination) = (try #require(missions[centre]), try #require(missions["coordinateur"]))
            func convoke(_ mission: UUID, _ login: String, as identity: Identity) async throws -> Convoked {
                try await h.decode(Convoked.self, .post, "/api/missions/missions/\(mission)/convocations",
                                   #"{"intervenantId":"\#(try await Self.person(h, login))"}"#, as: identity, expect: .created)
            }

            // The school's convocation: its code for the school, not for the gestionnaire.
            let own = try await convoke(examen, teacher, as: school)
            #expect(try await Self.code(h, own, as: school) != nil)
            #expect(try await Self.code(h, own, as: Self.besancon) == nil)
            let page = String(buffer: try await h.call(.get, own.impression, as: Self.besancon).body)
            #expect(page.contains("exemplaire de l'autorité qui a émis"), "the page says where the code is")

            // The centre may not convoke the other school's teacher: it would own their account and code.
            let refused = try await h.call(.post, "/api/missions/missions/\(examen)/convocations",
                                            #"{"intervenantId":"\#(try await Self.person(h, foreign))"}"#, as: school)
            #expect(refused.status == .forbidden, "\(String(buffer: refused.body))")

            // Two convocations of one person: the first printed code still opens the account.
            let first = try await convoke(examen, twice, as: Self.besancon)
            let firstCode = try #require(try await Self.code(h, first, as: Self.besancon))
            let second = try await convoke(coordination, twice, as: Self.besancon)
            let secondPage = String(buffer: try await h.call(.get, second.impression, as: Self.besancon).body)
            #expect(secondPage.contains("Il reste valable jusqu'à l'activation du compte, même si d'autres convocations"))
            try await waitUntil {
                let states = [try await Self.codeState(first.id), try await Self.codeState(second.id)]
                return states == ["live", "live"]
            }
            #expect(try await Self.activate(h, twice, firstCode) == .noContent)

            // A cancelled convocation's code no longer activates; a school cannot cancel the académie's.
            let doomed = try await convoke(examen, cancelled, as: Self.besancon)
            let doomedCode = try #require(try await Self.code(h, doomed, as: Self.besancon))
            try await waitUntil { try await Self.codeState(doomed.id) == "live" }
            #expect(try await h.call(.post, "/api/missions/convocations/\(doomed.id)/annulation", #"{"motif":"Erreur"}"#,
                                     as: school).status == .forbidden)
            #expect(try await h.call(.post, "/api/missions/convocations/\(doomed.id)/annulation", #"{"motif":"Erreur"}"#,
                                     as: Self.besancon).status == .noContent)
            try await waitUntil { try await Self.codeState(doomed.id) == "annulee" }
            #expect(try await Self.activate(h, cancelled, doomedCode) == .unauthorized)
            #expect(try await Self.pending(cancelled) == true)
            // The school cancels its own.
            #expect(try await h.call(.post, "/api/missions/convocations/\(own.id)/annulation", #"{"motif":"Indisponible"}"#,
                                     as: school).status == .noContent)
        }
    }
}
