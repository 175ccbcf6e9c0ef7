import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresNIO
import Shared
import Testing
import TestSupport
@testable import Correction
@testable import Gateway
@testable import Missions

/// The mails that tell examiners and coordinators what happened (issue 21 item 3, after the
/// convocation's): a lot unlocked, an exam closed, new messages batched — received by the capture
/// server (`ECE_TEST_SMTP_URL` / `ECE_TEST_MAILDIR`), each once, to the person only.
@Suite(.serialized) struct AvisTests {
    typealias M = MissionsTests
    typealias C = CourrielsTests

    /// Missions (mailing through the capture server, new-message notices every `periode` seconds),
    /// Correction and the gateway; `test` gets the gateway and Missions itself (its `/metrics`).
    static func withPlatform(periode: Int = 600,
                             _ test: @Sendable @escaping (any TestClientProtocol, any TestClientProtocol) async throws -> Void) async throws {
        let missions = try await Missions.buildApplication(HealthTests.configuration("missions", 8082, [
            "SMTP_URL": LocalInfrastructure.smtpURL, "MAIL_FROM": "dec@ac-test.fr", "MAIL_RETRY_SECONDS": "1",
            "AVIS_MESSAGES_SECONDS": "\(periode)", "PUBLIC_URL": "https://ece.ac-test.fr"]))
        let correction = try await Correction.buildApplication(HealthTests.configuration("correction", 8084))
        try await missions.test(.live) { service in
            try await correction.test(.live) { santorin in
                let gateway = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080, [
                    "MISSIONS_URL": "http://127.0.0.1:\(service.port!)", "CORRECTION_URL": "http://127.0.0.1:\(santorin.port!)"]))
                try await gateway.test(.live) { client in try await test(client, service) }
            }
        }
    }

    /// The mails to `address` whose text (decoded) contains `words`, decoded.
    static func mails(to address: String, containing words: String) -> [String] {
        C.mails(to: address, in: LocalInfrastructure.maildir).map(texte).filter { $0.contains(words) }
    }

    /// A captured mail with its quoted-printable text decoded (soft breaks joined, =XX as bytes).
    static func texte(_ mail: String) -> String {
        let joined = Array(mail.replacingOccurrences(of: "=\r\n", with: "").replacingOccurrences(of: "=\n", with: "").utf8)
        var bytes: [UInt8] = [], i = 0
        while i < joined.count {
            if joined[i] == UInt8(ascii: "="), i + 2 < joined.count, let byte = UInt8(String(decoding: joined[i + 1...i + 2], as: UTF8.self), radix: 16) {
                bytes.append(byte)
                i += 3
            } else {
                bytes.append(joined[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Missions' mail rows about `objet` (a lot, a closure): their recipients.
    static func destinataires(about objet: UUID) async throws -> [String] {
        try await withPostgresClient(try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("missions")),
                                     logger: Logger(label: "test")) { client in
            try await client.query("SELECT destinataire FROM missions.courriels WHERE objet_id = \(objet) ORDER BY destinataire",
                                   logger: Logger(label: "test")).collect().map { try $0.decode(String.self) }
        }
    }

    static func publisher() async throws -> (AMQPPublisher, Running) {
        let publisher = AMQPPublisher(configuration: try AMQPConfiguration(url: LocalInfrastructure.amqpURL), appId: "correction",
                                      logger: Logger(label: "test"))
        let running = Running(publisher)
        try await waitUntil { publisher.isConnected }
        return (publisher, running)
    }

    /// A centre code of this run's own (the closings of a centre replace each other).
    static func centre() -> String { "9" + String(format: "%06d", Int.random(in: 0..<1_000_000)) + "T" }

    /// « Votre lot a été déverrouillé »: each examiner of the lot with an address gets one mail with
    /// the exam, the centre, the reason and the link to their lot; the examiner of another lot and
    /// the one without an address get none; the same event delivered twice mails nobody twice.
    @Test func anUnlockedLotMailsItsExaminersOnce() async throws {
        let p = "u\(UUID().uuidString.prefix(6).lowercased())"
        let dansLeLot = C.person("\(p).lot", email: "\(p).lot@ac-test.fr"), sansAdresse = C.person("\(p).sans", email: nil)
        let autreLot = C.person("\(p).autre", email: "\(p).autre@ac-test.fr")
        let academie = "U\(UUID().uuidString.prefix(5))"
        try await Self.withPlatform { client, missions in
            _ = try await C.mission(client, academie: academie, people: [dansLeLot, sansAdresse, autreLot])
            let (publisher, running) = try await Self.publisher()
            defer { Task { await running.stop() } }
            let lot = UUID()
            let motif = "Note du candidat 0042 saisie sur la mauvaise fiche"
            let envelope = EventEnvelope(producer: "correction", correlationId: "avis-test", payload: LotUnlocked(
                lotId: lot, session: M.session, academie: academie, epreuve: "T011B", centreUAI: "0251080N", motif: motif, by: UUID(),
                examinateurs: [dansLeLot.id, sansAdresse.id]))
            try await M.publish(publisher, envelope)
            try await M.publish(publisher, envelope)
            try await Processed.duplicates(atLeast: 1, skippedBy: missions)
            #expect(try await Self.destinataires(about: lot) == [dansLeLot.email!], "one mail, to the lot's examiner with an address")
            try await waitUntil { !Self.mails(to: dansLeLot.email!, containing: "a été déverrouillé").isEmpty }
            let mail = try #require(Self.mails(to: dansLeLot.email!, containing: "a été déverrouillé").first)
            #expect(mail.contains("Motif : \(motif)") && mail.contains("centre d'épreuve 0251080N") && mail.contains("(T011B)")
                    && mail.contains("https://ece.ac-test.fr/examinateur#lot-\(lot.uuidString.lowercased())"), "\(mail)")
            #expect(Self.mails(to: autreLot.email!, containing: "déverrouillé").isEmpty)
        }
    }

    /// « L'épreuve est close »: each examiner and coordinator of the closing gets one mail (the
    /// candidates the examiner evaluated), a redelivery none; a re-closure after a reopening mails
    /// them again, saying it is a new version.
    @Test func aClosedExamMailsEachPersonOncePerClosure() async throws {
        let p = "f\(UUID().uuidString.prefix(6).lowercased())"
        let examinateur = C.person("\(p).exam", email: "\(p).exam@ac-test.fr")
        let coordinateur = C.person("\(p).coord", email: "\(p).coord@ac-test.fr")
        let academie = "F\(UUID().uuidString.prefix(5))", centre = Self.centre()
        try await Self.withPlatform { client, missions in
            let (mission, gestionnaire) = try await C.mission(client, academie: academie, people: [examinateur], centre: centre)
            let (coordination, _) = try await C.mission(client, academie: academie, people: [coordinateur], role: .coordinateur)
            _ = try await C.convoke(client, mission, examinateur, as: gestionnaire)
            _ = try await C.convoke(client, coordination, coordinateur, as: gestionnaire)
            let (publisher, running) = try await Self.publisher()
            defer { Task { await running.stop() } }
            func close(version: Int, evalues: Int) async throws -> EventEnvelope<EpreuveClosed> {
                let envelope = EventEnvelope(producer: "correction", correlationId: "avis-test", payload: EpreuveClosed(
                    closureId: UUID(), session: M.session, academie: academie, epreuve: "T011B", centreUAI: centre, chunk: 1, chunks: 1,
                    notes: [], servicesFaits: [ServiceFait(intervenantId: examinateur.id, missionId: nil, candidatsEvalues: evalues),
                                               ServiceFait(intervenantId: coordinateur.id, missionId: coordination, candidatsEvalues: 0)],
                    closureVersion: version))
                try await M.publish(publisher, envelope)
                return envelope
            }
            let first = try await close(version: 1, evalues: 3)
            try await M.publish(publisher, first)
            try await Processed.duplicates(atLeast: 1, skippedBy: missions)
            #expect(try await Self.destinataires(about: first.payload.closureId) == [coordinateur.email!, examinateur.email!].sorted())
            try await waitUntil {
                Self.mails(to: examinateur.email!, containing: "est close").count == 1
                    && Self.mails(to: coordinateur.email!, containing: "est close").count == 1
            }
            let mail = Self.mails(to: examinateur.email!, containing: "est close")[0]
            #expect(mail.contains("centre d'épreuve \(centre)") && mail.contains("évalué 3 candidats") && !mail.contains("nouvelle version"),
                    "\(mail)")
            #expect(Self.mails(to: coordinateur.email!, containing: "est close")[0].contains("coordonné la correction"))

            let second = try await close(version: 2, evalues: 4)
            try await Processed.inbox(of: "missions", [second.id])
            #expect(try await Self.destinataires(about: second.payload.closureId).count == 2)
            try await waitUntil { Self.mails(to: examinateur.email!, containing: "est close").count == 2 }
            let nouvelle = try #require(Self.mails(to: examinateur.email!, containing: "version 2").first)
            #expect(nouvelle.contains("nouvelle version de la clôture") && nouvelle.contains("évalué 4 candidats"), "\(nouvelle)")
            #expect(try await Self.destinataires(about: first.payload.closureId).count == 2, "the first closure's mails stand alone")
        }
    }

    /// Three messages posted in Santorin to an examiner within a period: one mail, counting three,
    /// with the link to the messaging; the author is not mailed.
    @Test func threeMessagesWithinAPeriodMakeOneMail() async throws {
        let p = "m\(UUID().uuidString.prefix(6).lowercased())"
        let examinateur = C.person("\(p).exam", email: "\(p).exam@ac-test.fr")
        let academie = "A\(UUID().uuidString.prefix(5))"
        try await Self.withPlatform(periode: 8) { client, _ in
            let (mission, gestionnaire) = try await C.mission(client, academie: academie, people: [examinateur])
            let convocation = try await C.convoke(client, mission, examinateur, as: gestionnaire)
            // Santorin knows the examiner once it has the convocation.
            let issued = try await Processed.outbox(of: "missions", where: "event_type = 'convocation.issued' AND body ILIKE '%\(convocation.id)%'")
            try await Processed.inbox(of: "correction", issued)
            func post(_ path: String, _ json: String) async throws -> TestResponse {
                try await client.execute(uri: "/api/correction/\(path)", method: .post,
                                         headers: [.authorization: "Bearer \(try await TestKeys.token(gestionnaire))", .contentType: "application/json"],
                                         body: ByteBuffer(string: json))
            }
            let opened = try await post("sessions/\(M.session)/fils", #"{"epreuve":"T011B","titre":"Matériel de la salle 2","texte":"Il manque une burette."}"#)
            #expect(opened.status == .created, "\(String(buffer: opened.body))")
            let fil = try JSONDecoder().decode(CorrectionTests.Created.self, from: opened.body).id
            for texte in ["Elle est arrivée.", "Merci de vérifier les pipettes."] {
                #expect(try await post("fils/\(fil)/messages", #"{"texte":"\#(texte)"}"#).status == .created)
            }
            try await waitUntil(timeout: .seconds(60)) { !Self.mails(to: examinateur.email!, containing: "nouveaux messages").isEmpty }
            let mail = Self.mails(to: examinateur.email!, containing: "nouveaux messages")[0]
            #expect(mail.contains("Vous avez 3 nouveaux messages") && mail.contains("- 3 de gest (gestionnaire de l'académie)")
                    && mail.contains("« Matériel de la salle 2 »") && mail.contains("https://ece.ac-test.fr/messages"), "\(mail)")
            // The three notices went in that one mail.
            let envois = try await withPostgresClient(try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("missions")),
                                                      logger: Logger(label: "test")) { db in
                try await db.query("SELECT envoi_id FROM missions.avis_messages WHERE intervenant_id = \(examinateur.id)",
                                   logger: Logger(label: "test")).collect().map { try $0.decode(UUID?.self) }
            }
            #expect(envois.count == 3 && Set(envois).count == 1 && envois[0] != nil, "\(envois)")
            #expect(try await Self.destinataires(about: try #require(envois[0])) == [examinateur.email!])
        }
    }
}
