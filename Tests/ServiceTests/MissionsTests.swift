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
@testable import Missions

/// Missions (issue 6) through the gateway, with Cyclades' exports and Santorin's closings sent as the
/// real events. Each test works in an académie of its own, so exports from other tests do not mix in.
@Suite(.serialized) struct MissionsTests {
    static let session = 2099

    struct Ouverture: Decodable { var creees: Int; var reactivees: Int; var retirees: Int; var actives: Int }
    struct MissionList: Decodable {
        var items: [Detail]
        struct Detail: Decodable {
            var mission: Mission
            var intervenants: [Eligible]
        }
        struct Mission: Decodable { var id: UUID; var epreuve: String; var kind: String; var centre: String?; var active: Bool; var dateFin: String }
        struct Eligible: Decodable { var id: UUID; var login: String; var convocationId: UUID? }
    }
    struct Convoked: Decodable { var id: UUID; var impression: String }
    struct Refreshed: Decodable { var version: Int; var nouvelleVersion: Bool }
    struct ServicesFaits: Decodable {
        var items: [Ligne]
        var totalCentimes: Int
        struct Ligne: Decodable { var intervenantId: UUID; var candidatsEvalues: Int; var montantCentimes: Int; var centres: [String] }
    }

    /// Missions and the gateway (which turns convocations into accounts), live.
    static func withPlatform(_ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        try await withService { client, _ in try await test(client) }
    }

    /// The same, with Missions itself too (its `/metrics`).
    static func withService(_ test: @Sendable @escaping (_ gateway: any TestClientProtocol, _ missions: any TestClientProtocol) async throws -> Void)
        async throws {
        let missions = try await Missions.buildApplication(HealthTests.configuration("missions", 8082))
        try await missions.test(.live) { service in
            let gateway = try await Gateway.buildApplication(HealthTests.configuration(
                "gateway", 8080, ["MISSIONS_URL": "http://127.0.0.1:\(service.port!)"]))
            try await gateway.test(.live) { client in try await test(client, service) }
        }
    }

    static func call(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ json: String? = nil,
                     as identity: Identity) async throws -> TestResponse {
        var headers: HTTPFields = [.authorization: "Bearer \(try await TestKeys.token(identity))"]
        if json != nil { headers[.contentType] = "application/json" }
        return try await client.execute(uri: "/api/missions/\(path)", method: method, headers: headers,
                                        body: json.map { ByteBuffer(string: $0) })
    }

    static func publish<P: EventPayload>(_ publisher: AMQPPublisher, _ payload: P, producer: String) async throws -> EventEnvelope<P> {
        let envelope = EventEnvelope(producer: producer, correlationId: "missions-test", payload: payload)
        try await publish(publisher, envelope)
        return envelope
    }

    static func publish<P: EventPayload>(_ publisher: AMQPPublisher, _ envelope: EventEnvelope<P>) async throws {
        try await waitUntil {
            try await publisher.publish([OutgoingMessage(
                routingKey: P.eventType, body: try EventCoding.encoder.encode(envelope), messageId: envelope.id.uuidString,
                type: P.eventType, correlationId: envelope.correlationId, userId: EventOwners.byType[P.eventType])])[0] == .acked
        }
    }

    /// Issue 22 item 4: a second reading is one more copy on a per-copy mission, nothing more on a flat fee
    /// (which pays the mission once); the other roles as before.
    @Test func aSecondReadingIsPricedByTheReadersMission() {
        let parCopie = Reglementation.nationale.typeRemuneration("ECE-PAR-CANDIDAT")!
        let forfait = TypeRemuneration(code: "F", libelle: "Forfait d'examinateur", mode: .forfait, montantCentimes: 8_000, missions: [.examinateur])
        #expect(parCopie.montant(candidats: 3, role: "second_lecteur") == 1_500 && parCopie.montant(candidats: 3) == 1_500)
        #expect(forfait.montant(candidats: 3, role: "second_lecteur") == 0)
        #expect(forfait.montant(candidats: 3, role: "examinateur") == 8_000 && forfait.montant(candidats: 0, role: "coordinateur") == 8_000)
    }

    @Test func regulationAndParametersRefuseWhatDisagrees() async throws {
        let academie = "M\(UUID().uuidString.prefix(5))"
        let gestionnaire = Identity(userId: UUID(), login: "gest", role: .gestionnaire, scope: .academie(academie))
        let dsii = Identity(userId: UUID(), login: "dsii", role: .dsii, scope: .national)
        try await Self.withPlatform { client in
            let first = try await Self.call(client, .post, "sessions/\(Self.session)/reglementation", as: gestionnaire)
            #expect(first.status == .ok, "\(String(buffer: first.body))")
            let again = try JSONDecoder().decode(Refreshed.self, from: try await Self.call(
                client, .post, "sessions/\(Self.session)/reglementation", as: gestionnaire).body)
            #expect(!again.nouvelleVersion, "the same regulation is not a new version")

            // A mission type paid by a pay type that does not pay its kind: refused with the reason.
            let mismatched = """
                {"typesMission":[{"code":"EXAM","libelle":"Examinateur","kind":"examinateur","remuneration":"FORFAIT"},
                                 {"code":"COORD","libelle":"Coordinateur","kind":"coordinateur","remuneration":"FORFAIT"}],
                 "typesRemuneration":[{"code":"FORFAIT","libelle":"Forfait","mode":"forfait","montantCentimes":10000,"missions":["coordinateur"]}]}
                """
            let refused = try await Self.call(client, .post, "sessions/\(Self.session)/reglementation", mismatched, as: dsii)
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains(#""field":"typesMission[0].remuneration""#), "\(String(buffer: refused.body))")
            #expect(try await Self.call(client, .post, "sessions/\(Self.session)/reglementation", mismatched, as: gestionnaire).status == .forbidden)
            #expect(try await Self.call(client, .post, "sessions/\(Self.session)/reglementation", "{not json", as: dsii).status == .badRequest)
            let unchanged = try JSONDecoder().decode(Refreshed.self, from: try await Self.call(
                client, .post, "sessions/\(Self.session)/reglementation", as: gestionnaire).body)
            #expect(unchanged.version == again.version && !unchanged.nouvelleVersion, "refusals loaded nothing")

            // Parameters: impossible dates and a coordinator type for examiners are refused, each with its field.
            let wrong = try await Self.call(client, .put, "sessions/\(Self.session)/parametres", """
                {"dateDebut":"2099-02-30","dateFin":"2099-06-01","typeMissionExaminateur":"ECE-COORDINATEUR"}
                """, as: gestionnaire)
            #expect(wrong.status == .unprocessableContent)
            let body = String(buffer: wrong.body)
            #expect(body.contains(#""field":"dateDebut""#) && body.contains(#""field":"typeMissionExaminateur""#), "\(body)")
            #expect(try await Self.call(client, .get, "sessions/\(Self.session)/parametres", as: gestionnaire).status == .notFound,
                    "nothing stored")
            let backwards = try await Self.call(client, .put, "sessions/\(Self.session)/parametres",
                                                #"{"dateDebut":"2099-06-05","dateFin":"2099-06-01"}"#, as: gestionnaire)
            #expect(backwards.status == .unprocessableContent)
            #expect(try await Self.call(client, .post, "sessions/\(Self.session)/ouverture", as: gestionnaire).status == .conflict,
                    "no opening before the parameters")
            let nul = try await Self.call(client, .put, "sessions/\(Self.session)/parametres",
                                          #"{"dateDebut":"2099-06-01","dateFin":"2099-06-02","observations":"a\u0000b"}"#, as: gestionnaire)
            #expect(nul.status == .badRequest, "\(String(buffer: nul.body))")
            // A kind outside the document's enum: refused by the generated decoder, a problem too.
            let kind = try await Self.call(client, .get, "sessions/\(Self.session)/missions?kind=autre", as: gestionnaire)
            #expect(kind.status == .badRequest && kind.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func openingTwiceGivesTheSameMissionsAndConvocationsAndServicesFaitsFlow() async throws {
        let academie = "M\(UUID().uuidString.prefix(5))"
        let p = "m\(UUID().uuidString.prefix(6).lowercased())"
        let gestionnaire = Identity(userId: UUID(), login: "gest", role: .gestionnaire, scope: .academie(academie))
        let school = Identity(userId: UUID(), login: "etab", role: .etablissement, scope: .etablissement("0250007X"))
        let (centreA, centreB) = ("0251080N", "0250058C")
        func person(_ name: String, uai: String?) -> Intervenant {
            Intervenant(id: UUID(), login: "\(p).\(name)", nom: "Nom\(name)", prenom: "Prénom", email: nil, uai: uai, divisions: ["T1"])
        }
        let prof1 = person("prof1", uai: "0250007X"), prof2 = person("prof2", uai: "0251080N")
        let prof3 = person("prof3", uai: "0250058C"), coord = person("coord", uai: nil)
        let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        let publisher = AMQPPublisher(configuration: amqp, appId: "inscriptions", logger: Logger(label: "test"))
        let running = Running(publisher)
        let issued = try await RecordingConsumer(type: ConvocationIssued.eventType, columns: "convocation uuid, login text") {
            event, connection, logger, table in
            let c = try event.payload(as: ConvocationIssued.self)
            try await connection.query("INSERT INTO \(unescaped: table) VALUES (\(c.convocationId), \(c.intervenant.login))", logger: logger)
        }
        let cancelled = try await RecordingConsumer(type: ConvocationCancelled.eventType, columns: "convocation uuid") {
            event, connection, logger, table in
            let c = try event.payload(as: ConvocationCancelled.self)
            try await connection.query("INSERT INTO \(unescaped: table) VALUES (\(c.convocationId))", logger: logger)
        }
        @Sendable func export(_ role: MissionKind, _ centre: String?, _ epreuve: String, _ version: Int64, _ people: [Intervenant]) -> IntervenantsExported {
            IntervenantsExported(session: Self.session, academie: academie, epreuve: epreuve, role: role, centreUAI: centre,
                                 exportVersion: version, intervenants: people)
        }

        try await Self.withService { client, service in
            let s = "sessions/\(Self.session)"
            #expect(try await Self.call(client, .post, "\(s)/reglementation", as: gestionnaire).status == .ok)
            let parametres = try await Self.call(client, .put, "\(s)/parametres", """
                {"dateDebut":"2099-06-01","dateFin":"2099-06-12","observations":"Se présenter 30 minutes avant."}
                """, as: gestionnaire)
            #expect(parametres.status == .ok, "\(String(buffer: parametres.body))")

            try await waitUntil { publisher.isConnected }
            _ = try await Self.publish(publisher, export(.examinateur, centreA, "T011B", 1, [prof1, prof2]), producer: "inscriptions")
            _ = try await Self.publish(publisher, export(.examinateur, centreB, "T012B", 1, [prof3]), producer: "inscriptions")
            _ = try await Self.publish(publisher, export(.coordinateur, nil, "T011B", 1, [coord]), producer: "inscriptions")

            // Opening: one examiner mission per exam × centre, one coordinator mission per exam.
            var opened = Ouverture(creees: 0, reactivees: 0, retirees: 0, actives: 0)
            try await waitUntil {
                opened = try JSONDecoder().decode(Ouverture.self, from: try await Self.call(client, .post, "\(s)/ouverture", as: gestionnaire).body)
                return opened.actives == 3
            }
            func missions() async throws -> [MissionList.Detail] {
                try JSONDecoder().decode(MissionList.self, from: try await Self.call(client, .get, "\(s)/missions", as: gestionnaire).body).items
            }
            let before = try await missions()
            let second = try JSONDecoder().decode(Ouverture.self, from: try await Self.call(client, .post, "\(s)/ouverture", as: gestionnaire).body)
            #expect(second.creees == 0 && second.retirees == 0 && second.actives == 3, "refreshing duplicates nothing")
            let after = try await missions()
            #expect(after.map(\.mission.id) == before.map(\.mission.id) && after.count == 3)
            let missionA = try #require(after.first { $0.mission.centre == centreA })
            let missionB = try #require(after.first { $0.mission.centre == centreB })
            let coordination = try #require(after.first { $0.mission.kind == "coordinateur" })
            #expect(coordination.mission.centre == nil && missionA.mission.dateFin == "2099-06-12")
            #expect(Set(missionA.intervenants.map(\.login)) == [prof1.login, prof2.login])

            // Cyclades withdraws centre B's examiner and a stale export for centre A arrives late:
            // B is flagged, A keeps its two people.
            _ = try await Self.publish(publisher, export(.examinateur, centreB, "T012B", 2, []), producer: "inscriptions")
            _ = try await Self.publish(publisher, export(.examinateur, centreA, "T011B", 0, [prof1]), producer: "inscriptions")
            var refreshed = second
            try await waitUntil {
                refreshed = try JSONDecoder().decode(Ouverture.self, from: try await Self.call(client, .post, "\(s)/ouverture", as: gestionnaire).body)
                return refreshed.actives == 2
            }
            #expect(refreshed.retirees == 1 && refreshed.creees == 0)
            let flagged = try await missions()
            #expect(flagged.count == 3 && flagged.first { $0.mission.id == missionB.mission.id }?.mission.active == false)
            #expect(flagged.first { $0.mission.id == missionA.mission.id }?.intervenants.count == 2, "the older export changed nothing")

            // Convocations: the school convokes its own teacher; repeating returns the same one.
            let path = "missions/\(missionA.mission.id)/convocations"
            let convoked = try await Self.call(client, .post, path, #"{"intervenantId":"\#(prof1.id)"}"#, as: school)
            #expect(convoked.status == .created, "\(String(buffer: convoked.body))")
            let convocation = try JSONDecoder().decode(Convoked.self, from: convoked.body)
            let repeated = try await Self.call(client, .post, path, #"{"intervenantId":"\#(prof1.id)"}"#, as: school)
            let repeatedId = try JSONDecoder().decode(Convoked.self, from: repeated.body).id
            #expect(repeated.status == .ok && repeatedId == convocation.id)
            // Refusals: another school's teacher at another centre, somebody not designated, a coordinator
            // mission by a school, a withdrawn mission.
            #expect(try await Self.call(client, .post, path, #"{"intervenantId":"\#(prof2.id)"}"#, as: school).status == .forbidden)
            #expect(try await Self.call(client, .post, path, #"{"intervenantId":"\#(prof3.id)"}"#, as: gestionnaire).status == .unprocessableContent)
            #expect(try await Self.call(client, .post, "missions/\(coordination.mission.id)/convocations",
                                        #"{"intervenantId":"\#(coord.id)"}"#, as: school).status == .forbidden)
            #expect(try await Self.call(client, .post, "missions/\(missionB.mission.id)/convocations",
                                        #"{"intervenantId":"\#(prof3.id)"}"#, as: gestionnaire).status == .conflict)
            #expect(try await Self.call(client, .post, path, #"{"intervenantId":42}"#, as: gestionnaire).status == .badRequest)
            // Read before anything is written: an id that is none is the caller's 400.
            #expect(try await Self.call(client, .post, path, #"{"intervenantId":"pas-un-uuid"}"#, as: gestionnaire).status == .badRequest)
            let elsewhere = Identity(userId: UUID(), login: "gest.x", role: .gestionnaire, scope: .academie("01"))
            #expect(try await Self.call(client, .post, path, #"{"intervenantId":"\#(prof2.id)"}"#, as: elsewhere).status == .forbidden)
            let schoolView = String(buffer: try await Self.call(client, .get, "\(s)/missions", as: school).body)
            #expect(schoolView.contains(prof1.login) && !schoolView.contains(prof2.login) && !schoolView.contains(coord.login),
                    "a school sees its own teachers only, away from its centre")
            let coordConvoked = try await Self.call(client, .post, "missions/\(coordination.mission.id)/convocations",
                                                    #"{"intervenantId":"\#(coord.id)"}"#, as: gestionnaire)
            #expect(coordConvoked.status == .created)
            let prof2Convoked = try JSONDecoder().decode(Convoked.self, from: try await Self.call(
                client, .post, path, #"{"intervenantId":"\#(prof2.id)"}"#, as: gestionnaire).body)

            // Every convocation reached the bus once (Correction's pool and the gateway's accounts).
            try await waitUntil { try await issued.count(where: "login LIKE '\(p).%'") == 3 }

            // The printable convocation carries the one-time code; the gateway activates the account with it.
            let printed = try await client.execute(uri: convocation.impression, method: .get,
                                                   headers: [.authorization: "Bearer \(try await TestKeys.token(school))"])
            #expect(printed.status == .ok && printed.headers[.contentType]?.hasPrefix("text/html") == true)
            let html = String(buffer: printed.body)
            let code = try #require(html.firstMatch(of: /class="code">([A-Z0-9-]+)</).map { String($0.1) })
            #expect(html.contains("Convocation") && html.contains("01/06/2099") && html.contains(centreA))
            #expect(try await client.execute(uri: convocation.impression, method: .get, headers: [
                .authorization: "Bearer \(try await TestKeys.token(Identity(userId: UUID(), login: "x", role: .etablissement, scope: .etablissement("0750654D"))))",
            ]).status == .notFound, "another school cannot read it")
            // The same copy as an A4 PDF: the code on the person's copy (the issuer's, to hand over), never on another reader's.
            let pdf = try await client.execute(uri: convocation.impression + ".pdf", method: .get,
                                               headers: [.authorization: "Bearer \(try await TestKeys.token(school))"])
            #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf" && pdf.headers[.cacheControl] == "no-store")
            let raw = String(decoding: Data(buffer: pdf.body), as: UTF8.self)
            #expect(raw.hasPrefix("%PDF-") && raw.contains("%%EOF") && raw.contains(/\/MediaBox \[ ?0 0 595(\.\d+)? 84[12](\.\d+)? ?\]/), "\(raw.prefix(400))")
            #expect(try CorrectionTests.tool("pdfinfo", ["{}"], on: pdf.body, suffix: ".pdf").contains("(A4)"))
            let personCopy = try CorrectionTests.tool("pdftotext", ["{}", "-"], on: pdf.body, suffix: ".pdf")
            #expect(personCopy.contains("Prénom Nomprof1") && personCopy.contains("Ministère de l'Éducation nationale")
                    && personCopy.contains("Académie \(academie)") && personCopy.contains("Se présenter 30 minutes avant.")
                    && personCopy.contains("Centre d'épreuve \(centreA)") && personCopy.contains(code), "\(personCopy)")
            for other in [gestionnaire, Identity(userId: UUID(), login: prof1.login, role: .examinateur, scope: .academie(academie))] {
                let copy = try await client.execute(uri: convocation.impression + ".pdf", method: .get,
                                                    headers: [.authorization: "Bearer \(try await TestKeys.token(other))"])
                let text = try CorrectionTests.tool("pdftotext", ["{}", "-"], on: copy.body, suffix: ".pdf")
                #expect(copy.status == .ok && text.contains("Prénom Nomprof1") && !text.contains(code), "\(other.role): \(text)")
            }
            #expect(try await client.execute(uri: convocation.impression + ".pdf", method: .get, headers: [
                .authorization: "Bearer \(try await TestKeys.token(Identity(userId: UUID(), login: "x", role: .etablissement, scope: .etablissement("0750654D"))))",
            ]).status == .notFound, "another school cannot read it")
            var activated: HTTPResponse.Status = .unauthorized
            try await waitUntil {
                activated = try await client.execute(
                    uri: "/api/auth/activate", method: .post, headers: [.contentType: "application/json"],
                    body: GatewayTests.json(["login": prof1.login, "activationCode": code, "password": GatewayTests.password])).status
                return activated == .noContent
            }
            let login = try await GatewayTests.login(client, prof1.login, GatewayTests.password)
            let token = try JSONDecoder().decode(GatewayTests.Tokens.self, from: login.body).accessToken
            let mine = try await client.execute(uri: "/api/missions/mes-missions", method: .get, headers: [.authorization: "Bearer \(token)"])
            #expect(mine.status == .ok && String(buffer: mine.body).contains(missionA.mission.id.uuidString),
                    "\(String(buffer: mine.body))")

            // Cancelling needs a reason, happens once, and is an event.
            let cancel = "convocations/\(prof2Convoked.id)/annulation"
            #expect(try await Self.call(client, .post, cancel, #"{"motif":"  "}"#, as: gestionnaire).status == .unprocessableContent)
            #expect(try await Self.call(client, .post, cancel, #"{"motif":"Indisponible"}"#, as: gestionnaire).status == .noContent)
            #expect(try await Self.call(client, .post, cancel, #"{"motif":"Indisponible"}"#, as: gestionnaire).status == .conflict)
            try await waitUntil { try await cancelled.count(where: "convocation = '\(prof2Convoked.id)'") == 1 }

            // Services faits: the closing's last chunk, delivered twice, pays once; a re-closure replaces it.
            let closure = EpreuveClosed(closureId: UUID(), session: Self.session, academie: academie, epreuve: "T011B",
                                        centreUAI: centreA, chunk: 1, chunks: 1, notes: [],
                                        servicesFaits: [ServiceFait(intervenantId: prof1.id, missionId: nil, candidatsEvalues: 4),
                                                        ServiceFait(intervenantId: coord.id, missionId: coordination.mission.id,
                                                                    candidatsEvalues: 0)])
            let envelope = EventEnvelope(producer: "correction", correlationId: "closing", payload: closure)
            let skipped = try await Processed.duplicatesSkipped(by: service)
            try await Self.publish(publisher, envelope)
            try await Self.publish(publisher, envelope)
            func servicesFaits() async throws -> ServicesFaits {
                try JSONDecoder().decode(ServicesFaits.self, from: try await Self.call(client, .get, "\(s)/services-faits", as: gestionnaire).body)
            }
            try await waitUntil { try await servicesFaits().items.count == 2 }
            try await Processed.duplicates(atLeast: skipped + 1, skippedBy: service)
            let paid = try await servicesFaits()
            #expect(paid.items.count == 2 && paid.totalCentimes == 4 * 500 + 15_000, "\(paid)")
            var reclosure = closure
            reclosure.closureId = UUID()
            reclosure.servicesFaits = [ServiceFait(intervenantId: prof1.id, missionId: nil, candidatsEvalues: 3),
                                       ServiceFait(intervenantId: coord.id, missionId: coordination.mission.id, candidatsEvalues: 0)]
            _ = try await Self.publish(publisher, reclosure, producer: "correction")
            try await waitUntil { try await servicesFaits().totalCentimes == 3 * 500 + 15_000 }
            // The first closure delivered again late (a new envelope of the older event) changes nothing.
            var late = EventEnvelope(producer: "correction", correlationId: "late", payload: closure)
            late.occurredAt = envelope.occurredAt
            try await Self.publish(publisher, late)
            // The coordinator's flat fee is paid once although another centre's closing reports them too.
            let otherCentre = EpreuveClosed(closureId: UUID(), session: Self.session, academie: academie, epreuve: "T011B",
                                            centreUAI: centreB, chunk: 1, chunks: 1, notes: [],
                                            servicesFaits: [ServiceFait(intervenantId: coord.id, missionId: coordination.mission.id,
                                                                        candidatsEvalues: 0)])
            let other = try await Self.publish(publisher, otherCentre, producer: "correction")
            try await waitUntil { try await servicesFaits().items.first { $0.intervenantId == coord.id }?.centres.count == 2 }
            try await Processed.inbox(of: "missions", [late.id, other.id])
            let settled = try await servicesFaits().totalCentimes
            #expect(settled == 3 * 500 + 15_000, "late closure ignored, flat fee once")
            let csv = try await Self.call(client, .get, "\(s)/services-faits.csv", as: gestionnaire)
            #expect(String(buffer: csv.body).contains(";examinateur;examinateur;\(prof1.login);Nomprof1;Prénom;3;ECE-PAR-CANDIDAT;15,00\r\n"),
                    "\(String(buffer: csv.body))")
            // The coordinator's line: their role, 0 candidates, the flat fee of their mission's pay type (once for two centres).
            #expect(String(buffer: csv.body).contains(";coordinateur;coordinateur;\(coord.login);"), "\(String(buffer: csv.body))")
            #expect(String(buffer: csv.body).contains(";0;ECE-FORFAIT-COORDINATION;150,00\r\n"), "\(String(buffer: csv.body))")

            // A re-marking after closing (one candidate's closure of centre A, without services faits)
            // neither pays again nor drops what the closing reported.
            let remarking = EpreuveClosed(closureId: reclosure.closureId, session: Self.session, academie: academie, epreuve: "T011B",
                                          centreUAI: centreA, chunk: 1, chunks: 1,
                                          notes: [NoteCandidat(candidatId: UUID(), numero: "R1", resultat: .note(demiPoints: 30))],
                                          servicesFaits: [], recorrection: Recorrection(recorrectionId: UUID(), version: 1, motif: "Recours"))
            let remarked = try await Self.publish(publisher, remarking, producer: "correction")
            try await Processed.inbox(of: "missions", [remarked.id])
            #expect(try await servicesFaits().totalCentimes == settled, "services faits unchanged by a re-marking")
            #expect(try await Self.call(client, .get, "\(s)/services-faits", as: school).status == .forbidden)

            // Work on a mission Imag'In does not know waits in the DLQ for an operator.
            var unknown = closure
            unknown.closureId = UUID()
            unknown.centreUAI = "0390013C"
            let parked = try await Self.publish(publisher, unknown, producer: "correction")
            #expect(try await RemonteeTests().readDeadLetters("missions.services-faits.dlq", id: parked.id.uuidString))

            // A newer export for centre A names only prof3: the mission lists them, and still the
            // people already convoked (prof1; prof2's convocation was cancelled, so not them).
            _ = try await Self.publish(publisher, export(.examinateur, centreA, "T011B", 5, [prof3]), producer: "inscriptions")
            var listed: [MissionList.Eligible] = []
            try await waitUntil {
                listed = try await missions().first { $0.mission.id == missionA.mission.id }?.intervenants ?? []
                return listed.contains { $0.login == prof3.login }
            }
            #expect(Set(listed.map(\.login)) == [prof1.login, prof3.login], "\(listed)")
            #expect(listed.first { $0.login == prof1.login }?.convocationId == convocation.id)
            #expect(listed.first { $0.login == prof3.login }?.convocationId == nil)
        }
        await running.stop()
        try await issued.stop()
        try await cancelled.stop()
    }
}
