import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Shared
import Synchronization
import Testing
import TestSupport
@testable import Gateway
@testable import Missions

/// Convocations mailed (issue 21 item 3) through a real SMTP server: the capture server of
/// scripts/infra.sh (aiosmtpd writing a Maildir, `ECE_TEST_SMTP_URL` / `ECE_TEST_MAILDIR`), and one
/// started and stopped here for the outage.
@Suite(.serialized) struct CourrielsTests {
    typealias M = MissionsTests
    struct Convoked: Decodable { var id: UUID; var impression: String; var courriel: String?; var avis: String? }

    /// An académie of its own with one examiner mission at a centre (or, `role` coordinateur, the
    /// académie's coordinator mission), the given people designated for it.
    static func mission(_ client: some TestClientProtocol, academie: String, people: [Intervenant], role: MissionKind = .examinateur,
                        centre: String = "0251080N") async throws -> (UUID, Identity) {
        let gestionnaire = Identity(userId: UUID(), login: "gest", role: .gestionnaire, scope: .academie(academie))
        let s = "sessions/\(M.session)"
        #expect(try await M.call(client, .post, "\(s)/reglementation", as: gestionnaire).status == .ok)
        #expect(try await M.call(client, .put, "\(s)/parametres", #"{"dateDebut":"2099-06-01","dateFin":"2099-06-12"}"#,
                                 as: gestionnaire).status == .ok)
        let publisher = AMQPPublisher(configuration: try AMQPConfiguration(url: LocalInfrastructure.amqpURL), appId: "inscriptions",
                                      logger: Logger(label: "test"))
        let running = Running(publisher)
        defer { Task { await running.stop() } }
        try await waitUntil { publisher.isConnected }
        _ = try await M.publish(publisher, IntervenantsExported(session: M.session, academie: academie, epreuve: "T011B", role: role,
                                                                centreUAI: role == .examinateur ? centre : nil, exportVersion: 1,
                                                                intervenants: people),
                                producer: "inscriptions")
        var mission: UUID?
        try await waitUntil {
            _ = try await M.call(client, .post, "\(s)/ouverture", as: gestionnaire)
            mission = try JSONDecoder().decode(M.MissionList.self, from: try await M.call(client, .get, "\(s)/missions", as: gestionnaire).body)
                .items.first { $0.mission.kind == role.rawValue && $0.intervenants.count == people.count }?.mission.id
            return mission != nil
        }
        return (mission!, gestionnaire)
    }

    static func convoke(_ client: some TestClientProtocol, _ mission: UUID, _ person: Intervenant, as identity: Identity) async throws -> Convoked {
        let response = try await M.call(client, .post, "missions/\(mission)/convocations", #"{"intervenantId":"\#(person.id)"}"#, as: identity)
        #expect(response.status == .created, "\(String(buffer: response.body))")
        return try JSONDecoder().decode(Convoked.self, from: response.body)
    }

    /// The captured messages to `address` in a Maildir.
    static func mails(to address: String, in maildir: URL) -> [String] {
        let new = maildir.appendingPathComponent("new")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: new.path)) ?? []
        return files.compactMap { try? String(contentsOf: new.appendingPathComponent($0), encoding: .utf8) }
            .filter { $0.contains("X-RcptTo: \(address)") }
    }

    static func person(_ name: String, email: String?) -> Intervenant {
        Intervenant(id: UUID(), login: name, nom: "Dupré", prenom: "Hélène", email: email, uai: "0251080N", divisions: [])
    }

    static func statut(_ convocation: UUID) async throws -> (String, Int, String?)? {
        try await courriel(convocation).map { ($0.statut, $0.attempts, $0.error) }
    }

    /// The mail row of a convocation (nil: none was written).
    static func courriel(_ convocation: UUID) async throws -> (id: UUID, statut: String, attempts: Int, error: String?)? {
        try await withPostgresClient(try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("missions")),
                                     logger: Logger(label: "test")) { client in
            try await client.query("SELECT id, statut, attempts, last_error FROM missions.courriels WHERE objet_id = \(convocation)",
                                   logger: Logger(label: "test")).collect().first?.decode((UUID, String, Int, String?).self)
        }
    }

    static func withMissions(smtp: String, _ test: @Sendable @escaping (any TestClientProtocol) async throws -> Void) async throws {
        let missions = try await Missions.buildApplication(HealthTests.configuration(
            "missions", 8082, ["SMTP_URL": smtp, "MAIL_FROM": "dec@ac-test.fr", "MAIL_RETRY_SECONDS": "1"]))
        try await missions.test(.live) { service in
            let gateway = try await Gateway.buildApplication(HealthTests.configuration(
                "gateway", 8080, ["MISSIONS_URL": "http://127.0.0.1:\(service.port!)"]))
            try await gateway.test(.live) { client in try await test(client) }
        }
    }

    /// A convocation mailed with its PDF and code, once; and from the gateway's missions page the
    /// issuer reads where it went, or that the person has no address and gets the printed copy.
    @Test
    func aConvocationIsMailedOnceWithItsPDFAndCode() async throws {
        let p = "c\(UUID().uuidString.prefix(6).lowercased())"
        let address = "\(p)@ac-test.fr"
        let mailed = Self.person("\(p).mailed", email: address), unmailed = Self.person("\(p).sans", email: nil)
        let fromPage = Self.person("\(p).page", email: "\(p).page@ac-test.fr"), sansPage = Self.person("\(p).sanspage", email: nil)
        let academie = "M\(UUID().uuidString.prefix(5))"
        let account = try await GatewayTests.makeAccount(role: .gestionnaire, scope: .academie(academie))
        try await Self.withMissions(smtp: LocalInfrastructure.smtpURL) { client in
            let (mission, gestionnaire) = try await Self.mission(client, academie: academie, people: [mailed, unmailed, fromPage, sansPage])
            let convocation = try await Self.convoke(client, mission, mailed, as: gestionnaire)
            #expect(convocation.courriel == address && convocation.avis?.contains(address) == true)
            // No address: no mail, and the issuer is told to hand the printed copy over.
            let sans = try await Self.convoke(client, mission, unmailed, as: gestionnaire)
            #expect(sans.courriel == nil && sans.avis?.contains("remettez-lui la convocation imprimée") == true)
            #expect(try await Self.statut(sans.id) == nil, "no mail row")

            // « Convoquer » on the missions page: the notice says what Missions answered.
            let urlencoded: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let signedIn = try await client.execute(uri: "/connexion", method: .post, headers: urlencoded,
                                                    body: WebTests.form(["login": account.login, "password": GatewayTests.password]))
            let cookie = WebTests.cookies(signedIn).map { String($0.split(separator: ";")[0]) }.joined(separator: "; ")
            func convoquer(_ person: Intervenant) async throws -> String {
                let response = try await client.execute(uri: "/missions/convocations", method: .post,
                                                        headers: [.contentType: "application/x-www-form-urlencoded", .cookie: cookie],
                                                        body: WebTests.form(["mission": mission.uuidString, "intervenant": person.id.uuidString]))
                #expect(response.status == .seeOther)
                return WebTests.message(response) ?? ""
            }
            let envoyee = try await convoquer(fromPage)
            #expect(envoyee.hasSuffix("Convocation émise. Envoyée par courriel à \(fromPage.email!)."), "\(envoyee)")
            // Again: the convocation exists already, nothing more is said (nor sent).
            #expect(try await convoquer(fromPage).hasSuffix("Convocation émise."))
            let sansAdresse = try await convoquer(sansPage)
            #expect(sansAdresse.hasSuffix("Convocation émise. Aucune adresse électronique connue pour Hélène Dupré : remettez-lui la convocation imprimée."),
                    "\(sansAdresse)")
            var mails: [String] = []
            try await waitUntil {
                mails = Self.mails(to: address, in: LocalInfrastructure.maildir)
                return !mails.isEmpty
            }
            try await waitUntil { try await Self.statut(convocation.id)?.0 == "envoye" }
            #expect(Self.mails(to: address, in: LocalInfrastructure.maildir).count == 1, "sent once")
            let mail = mails[0]
            let page = String(buffer: try await M.call(client, .get, "convocations/\(convocation.id)/impression", as: gestionnaire).body)
            let code = try #require(page.firstMatch(of: /class="code">([A-Z0-9-]+)</).map { String($0.1) })
            #expect(mail.contains("Subject: =?UTF-8?B?") && mail.contains("X-MailFrom: dec@ac-test.fr") && mail.contains(code), "\(mail)")
            // The attachment is the person's PDF copy: their name and the code.
            let base64 = try #require(mail.components(separatedBy: "Content-Transfer-Encoding: base64").last?
                .components(separatedBy: "--=_ece").first)
            let pdf = try #require(Data(base64Encoded: base64, options: .ignoreUnknownCharacters))
            #expect(pdf.starts(with: Array("%PDF-".utf8)))
            let text = try CorrectionTests.tool("pdftotext", ["{}", "-"], on: ByteBuffer(data: pdf), suffix: ".pdf")
            #expect(text.contains("Hélène Dupré") && text.contains(code), "\(text)")
            // Sent: the row keeps neither the code nor the PDF.
            let row = try await withPostgresClient(try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("missions")),
                                                   logger: Logger(label: "test")) { client in
                try await client.query("SELECT corps, piece_jointe IS NULL FROM missions.courriels WHERE objet_id = \(convocation.id)",
                                       logger: Logger(label: "test")).collect().first?.decode((String, Bool).self)
            }
            #expect(row?.0 == Courriels.corpsEfface && row?.1 == true, "\(String(describing: row))")
        }
    }

    /// « Convoquer tout le monde » across an académie's missions, the coordinators' (no centre) with
    /// the examiners': who has an address is mailed once, who has none is named with the printed copy
    /// to hand over; again, nobody is convoked nor mailed twice.
    @Test func everyoneConvokedAtOnceIsMailedOnce() async throws {
        let p = "t\(UUID().uuidString.prefix(6).lowercased())"
        let coordinateur = Self.person("\(p).coord", email: "\(p).coord@ac-test.fr"), sans = Self.person("\(p).sans", email: nil)
        let examinateur = Self.person("\(p).exam", email: "\(p).exam@ac-test.fr")
        struct Rapport: Decodable { var convoquees: Int; var parCourriel: Int; var aRemettre: [ARemettre]
            struct ARemettre: Decodable { var id: UUID; var login: String; var centre: String?; var impression: String } }
        try await Self.withMissions(smtp: LocalInfrastructure.smtpURL) { client in
            let academie = "M\(UUID().uuidString.prefix(5))"
            let (_, gestionnaire) = try await Self.mission(client, academie: academie, people: [coordinateur, sans], role: .coordinateur)
            _ = try await Self.mission(client, academie: academie, people: [examinateur])
            func toutConvoquer() async throws -> Rapport {
                let response = try await M.call(client, .post, "sessions/\(M.session)/convocations", as: gestionnaire)
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                return try JSONDecoder().decode(Rapport.self, from: response.body)
            }
            let rapport = try await toutConvoquer()
            #expect(rapport.convoquees == 3 && rapport.parCourriel == 2, "\(rapport)")
            #expect(rapport.aRemettre.map(\.login) == [sans.login] && rapport.aRemettre.first?.centre == nil, "\(rapport)")
            let copie = String(buffer: try await M.call(client, .get, "convocations/\(rapport.aRemettre[0].id)/impression", as: gestionnaire).body)
            #expect(copie.firstMatch(of: /class="code">([A-Z0-9-]+)</) != nil, "the printed copy carries the code")
            for person in [coordinateur, examinateur] {
                try await waitUntil { !Self.mails(to: person.email!, in: LocalInfrastructure.maildir).isEmpty }
            }
            #expect(try await toutConvoquer().convoquees == 0)
            try await Task.sleep(for: .seconds(2))  // the sender's retry delay: a second mail would have left
            for person in [coordinateur, examinateur] {
                #expect(Self.mails(to: person.email!, in: LocalInfrastructure.maildir).count == 1, "\(person.login) mailed once")
            }
        }
    }

    /// The server is down: the mail waits and is retried (backoff), and goes once it is back. A
    /// convocation cancelled before its mail left withdraws it.
    @Test
    func mailWaitsForTheServerAndCancellingWithdrawsIt() async throws {
        let p = "c\(UUID().uuidString.prefix(6).lowercased())"
        let port = Int.random(in: 30000...39000)
        let address = "\(p)@ac-test.fr"
        let waiting = Self.person("\(p).attend", email: address), cancelled = Self.person("\(p).annule", email: "\(p).annule@ac-test.fr")
        let maildir = FileManager.default.temporaryDirectory.appendingPathComponent("ece-mail-\(p)")
        for sub in ["tmp", "new", "cur"] {
            try FileManager.default.createDirectory(at: maildir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        defer { try? FileManager.default.removeItem(at: maildir) }
        try await Self.withMissions(smtp: "smtp://127.0.0.1:\(port)") { client in
            let (mission, gestionnaire) = try await Self.mission(client, academie: "M\(UUID().uuidString.prefix(5))", people: [waiting, cancelled])
            let convocation = try await Self.convoke(client, mission, waiting, as: gestionnaire)
            let withdrawn = try await Self.convoke(client, mission, cancelled, as: gestionnaire)
            #expect(try await M.call(client, .post, "convocations/\(withdrawn.id)/annulation", #"{"motif":"Indisponible"}"#,
                                     as: gestionnaire).status == .noContent)
            try await waitUntil {
                guard let (statut, attempts, error) = try await Self.statut(convocation.id) else { return false }
                return statut == "en_attente" && attempts >= 2 && error?.contains("connection failed") == true
            }
            // The server comes back: the next retry delivers it, once.
            let server = try ChildProcess(LocalInfrastructure.repositoryRoot.appendingPathComponent("var/venv/bin/python"),
                                          ["-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox", maildir.path])
            defer { server.killHard() }
            try await waitUntil(timeout: .seconds(60)) { try await Self.statut(convocation.id)?.0 == "envoye" }
            #expect(Self.mails(to: address, in: maildir).count == 1)
            #expect(try await Self.statut(withdrawn.id)?.0 == "annule")
            #expect(Self.mails(to: "\(p).annule@ac-test.fr", in: maildir).isEmpty)
        }
    }

    /// Missions killed (SIGKILL) in the middle of a mail (issue 21: "arrives once even when Missions is
    /// killed while sending"). Between Missions and the capture server a proxy loses, for one address,
    /// the server's answer to the message's end (the mail was delivered), for another the end itself
    /// (not delivered), for a third the answer to DATA (before the message); each time the Missions
    /// process sending it is killed there. Restarted, Missions sends the next mail but none of those:
    /// the first two are uncertain, `ece-ops courriels list` shows them, and the one the relay never
    /// got is requeued by the operator and then arrives, once; the third goes by itself, once, when
    /// the killed process's claim runs out.
    @Test func aMailIsNotSentTwiceWhenMissionsIsKilledWhileSending() async throws {
        let p = "k\(UUID().uuidString.prefix(6).lowercased())"
        let livre = Self.person("\(p).livre", email: "\(p).livre@ac-test.fr"), perdu = Self.person("\(p).perdu", email: "\(p).perdu@ac-test.fr")
        let coupe = Self.person("\(p).coupe", email: "\(p).coupe@ac-test.fr"), temoin = Self.person("\(p).temoin", email: "\(p).temoin@ac-test.fr")
        let capture = try SMTPConfiguration(url: LocalInfrastructure.smtpURL)
        let proxy = try await HoldingProxy(to: capture.host, port: capture.port,
                                           holds: [livre.email!: .answer, perdu.email!: .end, coupe.email!: .data])
        defer { proxy.close() }
        let maildir = LocalInfrastructure.maildir
        let environment = HealthTests.configuration("missions", 8082, ["SMTP_URL": "smtp://127.0.0.1:\(proxy.port)",
                                                                       "MAIL_FROM": "dec@ac-test.fr"]).environment
        // The convocations are issued by an in-process Missions that sends nothing; Missions processes send.
        try await Self.withMissions(smtp: "") { client in
            let (mission, gestionnaire) = try await Self.mission(client, academie: "M\(UUID().uuidString.prefix(5))",
                                                                 people: [livre, perdu, coupe, temoin])
            var ids: [String: UUID] = [:]
            for person in [livre, perdu, coupe] {
                let address = person.email!
                // Before the message (DATA unanswered) the mail is still only claimed.
                let statut = person.login == coupe.login ? "en_attente" : "envoi"
                let convocation = try await Self.convoke(client, mission, person, as: gestionnaire).id
                let sender = try ChildProcess.tool("Missions", [], environment: environment)
                do {
                    try await waitUntil(timeout: .seconds(60)) {
                        guard proxy.heldFor.contains(address) else { return false }
                        return try await Self.statut(convocation)?.0 == statut
                    }
                    if person.login == livre.login { try await waitUntil { Self.mails(to: address, in: maildir).count == 1 } }
                } catch {
                    sender.killHard()
                    throw error
                }
                sender.killHard()
                ids[address] = try #require(try await Self.courriel(convocation)?.id)
            }

            // The claims on the two uncertain ones run out (10 minutes, brought forward here): no matter.
            try await Self.expireClaims([ids[livre.email!]!, ids[perdu.email!]!])
            let sender = try ChildProcess.tool("Missions", [], environment: environment)
            defer { sender.killHard() }
            // The restarted sender's next mail goes (after those, in due order): it has been round, and
            // left the three others alone.
            let suivant = try await Self.convoke(client, mission, temoin, as: gestionnaire).id
            try await waitUntil(timeout: .seconds(60)) { try await Self.statut(suivant)?.0 == "envoye" }
            #expect(Self.mails(to: temoin.email!, in: maildir).count == 1)
            #expect(Self.mails(to: livre.email!, in: maildir).count == 1, "delivered once, not resent")
            #expect(Self.mails(to: perdu.email!, in: maildir).isEmpty && Self.mails(to: coupe.email!, in: maildir).isEmpty)
            #expect(try await Self.courrielStatut(ids[coupe.email!]!) == "en_attente", "claimed by the killed process")
            for address in [livre.email!, perdu.email!] {
                #expect(try await Self.courrielStatut(ids[address]!) == "envoi", "\(address) left for an operator")
            }

            let ops = ["MISSIONS_DATABASE_URL": LocalInfrastructure.serviceDatabaseURL("missions")]
            let list = try ChildProcess.tool("ece-ops", ["courriels", "list"], environment: ops)
            #expect(await list.waitForExit() == 0, "\(list.text)")
            for address in [livre.email!, perdu.email!] {
                let line = list.text.split(separator: "\n").first { $0.contains(ids[address]!.uuidString.lowercased()) }
                #expect(line?.contains("incertain") == true && line?.contains(address) == true, "\(list.text)")
            }
            // The relay's log shows the lost one never arrived: the operator requeues it.
            proxy.release(perdu.email!)
            let requeue = try ChildProcess.tool("ece-ops", ["courriels", "requeue", ids[perdu.email!]!.uuidString], environment: ops)
            #expect(await requeue.waitForExit() == 0 && requeue.text.contains("requeued for \(perdu.email!)"), "\(requeue.text)")
            try await waitUntil(timeout: .seconds(60)) { try await Self.courrielStatut(ids[perdu.email!]!) == "envoye" }
            #expect(Self.mails(to: perdu.email!, in: maildir).count == 1)
            #expect(Self.mails(to: livre.email!, in: maildir).count == 1)

            // The claim on the one killed before its message runs out: it goes, once.
            proxy.release(coupe.email!)
            try await Self.expireClaims([ids[coupe.email!]!])
            try await waitUntil(timeout: .seconds(60)) { try await Self.courrielStatut(ids[coupe.email!]!) == "envoye" }
            #expect(Self.mails(to: coupe.email!, in: maildir).count == 1)
        }
    }

    /// The time passes: the claims (leases) on these mails have run out.
    static func expireClaims(_ ids: [UUID]) async throws {
        try await withPostgresClient(try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("missions")),
                                     logger: Logger(label: "test")) { client in
            try await client.query("UPDATE missions.courriels SET next_attempt_at = now() - interval '1 second' WHERE id = ANY(\(ids))",
                                   logger: Logger(label: "test"))
        }
    }

    static func courrielStatut(_ id: UUID) async throws -> String? {
        try await withPostgresClient(try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("missions")),
                                     logger: Logger(label: "test")) { client in
            try await client.query("SELECT statut FROM missions.courriels WHERE id = \(id)", logger: Logger(label: "test"))
                .collect().first?.decode(String.self)
        }
    }

    /// The sender's own claim does not wake it (it once did: a NOTIFY per statement, so an idle
    /// sender spun). Notifications arrive in commit order: after passes that find nothing due, the
    /// first one heard is the marker sent after them.
    @Test func anIdleSenderDoesNotWakeItself() async throws {
        let logger = Logger(label: "test")
        try await withPostgresClient(try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("missions")),
                                     logger: logger) { client in
            let schema = try SQLIdentifier("missions")
            try await Migrator.migrate(client, schema: schema, migrations: missionsMigrations, logger: logger)
            let sender = CourrielSender(courriels: Courriels(schema: schema), client: client,
                                        smtp: SMTPClient(configuration: try SMTPConfiguration(url: LocalInfrastructure.smtpURL)),
                                        from: "dec@ac-test.fr", logger: logger)
            try await client.withConnection { connection in
                try await connection.listen(on: "missions_courriels") { notifications in
                    while try await sender.sendOne() {}  // mail left due by other tests goes first
                    try await sender.sendOne()
                    try await client.query("SELECT pg_notify('missions_courriels', 'repere')", logger: logger)
                    var heard = notifications.makeAsyncIterator()
                    #expect(try await heard.next()?.payload == "repere")
                }
            }
        }
    }

    /// The client against the real server: a line starting with "." arrives as written (dot-stuffing).
    @Test func dotStuffingSurvivesTheRealServer() async throws {
        let address = "point-\(UUID().uuidString.prefix(6).lowercased())@ac-test.fr"
        let smtp = SMTPClient(configuration: try SMTPConfiguration(url: LocalInfrastructure.smtpURL))
        let courriel = Courriel(destinataire: address, objet: "Essai", corps: "Ligne\n.\n.point\nfin")
        try await smtp.send(from: "dec@ac-test.fr", to: [address], message: try courriel.mime(from: "dec@ac-test.fr", id: UUID()))
        var mails: [String] = []
        try await waitUntil {
            mails = Self.mails(to: address, in: LocalInfrastructure.maildir)
            return !mails.isEmpty
        }
        #expect(mails[0].contains("\n.\n.point\n") || mails[0].contains("\r\n.\r\n.point\r\n"), "\(mails[0])")
    }

    /// A server that answers nonsense, too much, refuses or goes silent: an error each time, never a crash.
    @Test(arguments: [
        (["220 ok\r\n", "25\u{0}x nonsense\r\n"], "not a reply", false),
        (["220 ok\r\n", String(repeating: "A", count: 5000)], "TooLong", false),
        (["220 ok\r\n", String(repeating: "250-x\r\n", count: 200)], "not a reply", false),
        (["hello\r\n"], "not a reply", false),
        (["220 ok\r\n", "250 ok\r\n", "250 ok\r\n", "250 ok\r\n", "354 go\r\n", "554 refused\r\n"], "554", false),
        (["220 ok\r\n", "250 ok\r\n", "250 ok\r\n", "250 ok\r\n", "354 go\r\n"], "no reply", true),
    ])
    func aHostileServerDoesNotCrashTheClient(script: [String], error expected: String, uncertain: Bool) async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Scripted(script)) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        defer { server.close(promise: nil) }
        var configuration = try SMTPConfiguration(url: "smtp://127.0.0.1:\(server.localAddress!.port!)")
        configuration.timeout = .seconds(1)
        do {
            try await SMTPClient(configuration: configuration).send(from: "dec@ac-test.fr", to: ["x@ac-test.fr"], message: "Subject: x\r\n\r\nx\r\n")
            Issue.record("sent to a hostile server")
        } catch let failure as SMTPFailure {
            #expect(failure.description.contains(expected) && failure.uncertain == uncertain, "\(failure)")
        }
    }

    /// Answers each line-ending read with the script's next reply (the first on connecting).
    final class Scripted: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        var script: [String]
        init(_ script: [String]) { self.script = script }

        func channelActive(context: ChannelHandlerContext) { next(context) }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if String(buffer: unwrapInboundIn(data)).hasSuffix("\r\n") { next(context) }
        }
        private func next(_ context: ChannelHandlerContext) {
            guard !script.isEmpty else { return }
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: script.removeFirst())), promise: nil)
        }
    }

    /// A TCP proxy to an SMTP server that, for the recipients in `holds`, loses the server's answer to
    /// DATA (`.data`: no message sent yet), to the message's end (`.answer`: the server has the mail,
    /// the sender never hears so) or the end itself (`.end`: the server never completes it), as a
    /// connection cut at the worst moment does.
    final class HoldingProxy: Sendable {
        enum Hold: Sendable { case data, answer, end }
        final class State: Sendable {
            let holds: Mutex<[String: Hold]>
            let held = Mutex<Set<String>>([])
            init(_ holds: [String: Hold]) { self.holds = Mutex(holds) }
        }
        let port: Int
        private let channel: any Channel
        private let state: State

        /// The recipients whose message end was reached, and held.
        var heldFor: Set<String> { state.held.withLock { $0 } }

        /// The recipient's next mail goes through.
        func release(_ address: String) { _ = state.holds.withLock { $0.removeValue(forKey: address) } }

        init(to host: String, port: Int, holds: [String: Hold]) async throws {
            let state = State(holds)
            channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .childChannelInitializer { client in
                    let toClient = Copy(to: client) { _ in true }
                    return ClientBootstrap(group: client.eventLoop)
                        .channelInitializer { server in server.pipeline.addHandler(toClient) }
                        .connect(host: host, port: port)
                        .flatMap { server in
                            client.pipeline.addHandler(Copy(to: server) { said in
                                // DATA, or the message's end: "." alone on its line, after DATA.
                                let atData = said.hasSuffix("\r\nDATA\r\n")
                                guard atData || (said.hasSuffix("\r\n.\r\n") && said.contains("\r\nDATA\r\n")),
                                      let to = said.firstMatch(of: /RCPT TO:<([^>]*)>/).map({ String($0.1) }),
                                      let hold = state.holds.withLock({ $0[to] }), (hold == .data) == atData
                                else { return true }
                                state.held.withLock { _ = $0.insert(to) }
                                toClient.silenced = true
                                return hold != .end
                            })
                        }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            self.state = state
            self.port = channel.localAddress!.port!
        }

        func close() { channel.close(promise: nil) }

        /// Copies what one side says to the other, the chunks `pass` (told all this side said) lets
        /// through; `silenced`, nothing more. Both sides of a connection share one event loop.
        final class Copy: ChannelInboundHandler, @unchecked Sendable {
            typealias InboundIn = ByteBuffer
            let peer: any Channel
            let pass: (String) -> Bool
            var said = ""
            var silenced = false

            init(to peer: any Channel, pass: @escaping (String) -> Bool) { (self.peer, self.pass) = (peer, pass) }

            func channelRead(context: ChannelHandlerContext, data: NIOAny) {
                let chunk = unwrapInboundIn(data)
                said += String(buffer: chunk)
                if !silenced && pass(said) { peer.writeAndFlush(chunk, promise: nil) }
            }

            func channelInactive(context: ChannelHandlerContext) {
                peer.close(promise: nil)
                context.fireChannelInactive()
            }
        }
    }
}
