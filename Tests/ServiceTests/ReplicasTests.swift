import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
@testable import Shared
import Testing
import TestSupport
@testable import Gateway

/// Several processes of one service (issue 23 item 2): two Correction replicas started by
/// `CORRECTION_REPLICAS=2 scripts/services.sh start`, behind the gateway given both URLs by the same
/// script. Requests spread over the two; one replica killed (SIGKILL) while requests wait in it: the
/// reads come back from the other, the write it held is answered 503 with `Retry-After` and is not
/// applied, then applied once when sent again; the dead replica is left aside and used again once
/// restarted. Their outbox relays and consumers share the work, each event published and applied once.
@Suite(.serialized) struct ReplicasTests {
    static let logger = Logger(label: "test")
    static let gestionnaire = Identity(userId: UUID(), login: "gest.replicas", role: .gestionnaire, scope: .academie("03"))

    /// The two instances, with pid files, logs, keys and ports of their own (beside a running platform).
    struct Replicas {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ece-replicas-\(UUID().uuidString.prefix(8))")
        let offset = 1000 + 10 * Int.random(in: 0..<80)
        static let instances = ["Correction", "Correction-2"]
        var binDirectory = ChildProcess.binDirectory

        var environment: [String: String] {
            ["CORRECTION_REPLICAS": "2", "PORT_OFFSET": "\(offset)", "BIN_DIR": binDirectory.path,
             "RUN_DIR": directory.appendingPathComponent("run").path, "LOG_DIR": directory.appendingPathComponent("log").path,
             "KEY_DIR": directory.appendingPathComponent("keys").path, "METRICS_TOKEN": HealthTests.metricsToken,
             "ECE_DATABASE": LocalInfrastructure.database, "ECE_VHOST": LocalInfrastructure.vhost, "HEALTH_TIMEOUT": "120"]
        }

        /// The test's token key, so that the replicas accept its tokens.
        init() throws {
            let keys = directory.appendingPathComponent("keys")
            try FileManager.default.createDirectory(at: keys, withIntermediateDirectories: true)
            try TestKeys.privateKey.pemRepresentation.write(to: keys.appendingPathComponent("jwt-private.pem"), atomically: true, encoding: .utf8)
            try TestKeys.privateKey.publicKey.pemRepresentation.write(to: keys.appendingPathComponent("jwt-public.pem"),
                                                                      atomically: true, encoding: .utf8)
        }

        @discardableResult
        func script(_ arguments: String...) async throws -> String {
            let script = LocalInfrastructure.repositoryRoot.appendingPathComponent("scripts/services.sh")
            let process = try ChildProcess(URL(fileURLWithPath: "/bin/bash"), [script.path] + arguments, environment: environment)
            let status = await process.waitForExit()
            guard status == 0 else {
                throw ProcessFailure(message: "services.sh \(arguments) exited \(status): \(process.text)\n\(logs())")
            }
            return process.text
        }

        func logs() -> String {
            Self.instances.map { (try? String(contentsOf: directory.appendingPathComponent("log/\($0).log"), encoding: .utf8)) ?? "" }
                .joined(separator: "\n")
        }

        /// The instance's process, if it runs (its pid file, checked against the executable).
        func pid(_ instance: String) -> pid_t? {
            guard let text = try? String(contentsOf: directory.appendingPathComponent("run/\(instance).pid"), encoding: .utf8),
                  let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)),
                  let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/exe"),
                  exe.hasSuffix("/Correction") else { return nil }
            return pid
        }

        /// Both stopped at once (SIGKILL: what they started is safe in the database and the queues).
        func stop() {
            for instance in Self.instances { if let pid = pid(instance) { kill(pid, SIGKILL) } }
            try? FileManager.default.removeItem(at: directory)
        }
    }

    struct Answer { var status: Int; var headers: HTTPHeaders; var body: String }

    static func send(_ http: HTTPClient, _ method: HTTPMethod, _ url: String, json: String? = nil,
                     token: String) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await http.execute(request, timeout: .seconds(60))
        let body = try await response.body.collect(upTo: 10_000_000)
        return Answer(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    /// The sum of a metric's samples whose line contains `label`.
    static func metric(_ http: HTTPClient, _ base: String, _ name: String, _ label: String = "") async throws -> Double {
        let answer = try await send(http, .GET, base + "/metrics", token: HealthTests.metricsToken)
        try #require(answer.status == 200, "\(base): \(answer.body)")
        return answer.body.split(separator: "\n").filter { $0.hasPrefix(name) && (label.isEmpty || $0.contains(label)) }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    /// Two Correction replicas from services.sh, the gateway (in this process) with the URLs the script gives it.
    static func withReplicas(_ body: @escaping @Sendable (_ replicas: Replicas, _ urls: [String], _ gateway: String,
                                                          _ http: HTTPClient) async throws -> Void)
        async throws {
        let replicas = try Replicas()
        defer { replicas.stop() }
        try await replicas.script("start", "Correction", "Correction-2")
        let line = try await replicas.script("env", "Gateway").split(separator: "\n").first { $0.hasPrefix("CORRECTION_URL=") }
        let urls = String(try #require(line).dropFirst("CORRECTION_URL=".count))
        #expect(urls == "http://127.0.0.1:\(8084 + replicas.offset),http://127.0.0.1:\(8094 + replicas.offset)")
        let app = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080, ["CORRECTION_URL": urls]))
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await app.test(.live) { client in
                try await body(replicas, urls.split(separator: ",").map(String.init), "http://127.0.0.1:\(client.port!)", http)
            }
        } catch {
            try await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    /// A thread of the académie's messages (no commission needed): its messages are what the requests read and write.
    static func ouvrirFil(_ http: HTTPClient, _ gateway: String, token: String) async throws -> String {
        let answer = try await send(http, .POST, "\(gateway)/api/correction/sessions/2099/fils",
                                    json: #"{"epreuve":"T011B","titre":"Réplicas","texte":"Premier message"}"#, token: token)
        #expect(answer.status == 201, "\(answer.body)")
        let created = try JSONDecoder().decode([String: String].self, from: Data(answer.body.utf8))
        return try #require(created["id"])
    }

    /// The Correction processes whose database sessions wait for a lock on a statement like `pattern`.
    static func waiting(_ db: PostgresClient, _ pattern: String) async throws -> [pid_t] {
        try await db.query("""
            SELECT application_name FROM pg_stat_activity
            WHERE application_name LIKE 'correction %' AND wait_event_type = 'Lock' AND query LIKE \(pattern)
            """, logger: logger).collect().compactMap { pid_t(try $0.decode(String.self).split(separator: " ").last ?? "") }
    }

    static func count(_ db: PostgresClient, _ sql: String) async throws -> Int {
        try await db.query(PostgresQuery(unsafeSQL: sql), logger: logger).collect().first?.decode(Int.self) ?? -1
    }

    /// A launch slowed by a loaded machine is waited for, not called an exit: until the launcher execs the
    /// binary its pid names a shell (a full-scale bench once stopped at "Gateway exited during start-up"
    /// while the gateway went on to start). Here the binary is reached through a script that sleeps first.
    @Test(.timeLimit(.minutes(2))) func aSlowLaunchIsWaitedFor() async throws {
        var replicas = try Replicas()
        defer { replicas.stop() }
        let wrappers = replicas.directory.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: wrappers, withIntermediateDirectories: true)
        let wrapper = wrappers.appendingPathComponent("Correction")
        let binary = ChildProcess.binDirectory.appendingPathComponent("Correction").path
        try "#!/bin/sh\nsleep 2\nexec '\(binary)' \"$@\"\n".write(to: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)
        replicas.binDirectory = wrappers
        let output = try await replicas.script("start", "Correction")
        #expect(output.contains("Correction healthy"), "\(output)")
        #expect(replicas.pid("Correction") != nil)
    }

    @Test(.timeLimit(.minutes(5))) func requestsSpreadAndOutliveAKilledReplica() async throws {
        let token = try await TestKeys.token(Self.gestionnaire)
        try await Self.withReplicas { replicas, urls, gateway, http in
            let fil = try await Self.ouvrirFil(http, gateway, token: token)
            let messages = "\(gateway)/api/correction/fils/\(fil)/messages"

            // Spread: each replica serves its share (its own count of requests, health checks included).
            func served() async throws -> [Double] {
                var counts: [Double] = []
                for url in urls { counts.append(try await Self.metric(http, url, "ece_http_requests_total")) }
                return counts
            }
            let before = try await served()
            for _ in 0..<40 { #expect(try await Self.send(http, .GET, messages, token: token).status == 200) }
            let after = try await served()
            #expect(after[0] - before[0] >= 15 && after[1] - before[1] >= 15, "\(before) → \(after)")

            // Requests held in both replicas by a lock on their tables: a write at its insert (inside
            // its transaction), then reads at their "read up to here" mark. The replica holding the write dies.
            let marker = "Écrit pendant la panne \(UUID())"
            let correction = try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("correction"))
            try await withPostgresClient(correction, logger: Self.logger) { db in
                let (write, reads, victim) = try await db.withConnection { locker in
                    try await locker.query("BEGIN", logger: Self.logger)
                    try await locker.query("LOCK TABLE correction.messages, correction.lectures IN SHARE MODE", logger: Self.logger)
                    let write = Task { try await Self.send(http, .POST, messages, json: #"{"texte":"\#(marker)"}"#, token: token) }
                    var victim: pid_t = 0
                    try await waitUntil {
                        victim = try await Self.waiting(db, "INSERT INTO correction.messages%").first ?? 0
                        return victim != 0
                    }
                    let reads = (0..<12).map { _ in Task { try await Self.send(http, .GET, messages, token: token).status } }
                    try await waitUntil { try await Self.waiting(db, "INSERT INTO correction.lectures%").filter { $0 == victim }.count >= 2 }
                    kill(victim, SIGKILL)
                    try await locker.query("COMMIT", logger: Self.logger)
                    return (write, reads, victim)
                }
                let answer = try await write.value
                #expect(answer.status == 503 && answer.headers["Retry-After"].first == "1"
                        && answer.headers["Content-Type"].first == "application/problem+json", "\(answer)")
                for read in reads { #expect(try await read.value == 200, "a read the killed replica held is answered by the other") }
                // Its transaction ended with its connections: the write was not applied; sent again, it is, once.
                try await waitUntil {
                    try await Self.count(db, "SELECT count(*)::int FROM pg_stat_activity WHERE application_name LIKE 'correction % \(victim)'") == 0
                }
                let written = "SELECT count(*)::int FROM correction.messages WHERE texte = '\(marker)'"
                #expect(try await Self.count(db, written) == 0)
                #expect(try await Self.send(http, .POST, messages, json: #"{"texte":"\#(marker)"}"#, token: token).status == 201)
                #expect(try await Self.count(db, written) == 1)

                // Left aside once its health check fails: no request tries it any more.
                let instance = try #require(Replicas.instances.first { replicas.pid($0) == nil })
                let url = urls[Replicas.instances.firstIndex(of: instance)!]
                let up = "upstream=\"\(url)\""
                try await waitUntil { try await Self.metric(http, gateway, "ece_upstream_up", up) == 0 }
                let retries = try await Self.metric(http, gateway, "ece_upstream_retries_total")
                #expect(retries >= 1, "the reads were sent again")
                for _ in 0..<20 { #expect(try await Self.send(http, .GET, messages, token: token).status == 200) }
                #expect(try await Self.metric(http, gateway, "ece_upstream_retries_total") == retries)

                // Restarted, it is checked healthy and serves again.
                try await replicas.script("start", instance)
                try await waitUntil { try await Self.metric(http, gateway, "ece_upstream_up", up) == 1 }
                let restarted = try await Self.metric(http, url, "ece_http_requests_total")
                for _ in 0..<30 { #expect(try await Self.send(http, .GET, messages, token: token).status == 200) }
                #expect(try await Self.metric(http, url, "ece_http_requests_total") - restarted >= 10)
            }
        }
    }

    /// A replica that refuses connections (stopped, not yet seen by its health check): a write sent
    /// to it reached nothing, so it goes to another replica, and that one is left aside at once.
    @Test(.timeLimit(.minutes(5))) func aWriteThatReachedNoReplicaGoesToAnother() async throws {
        let token = try await TestKeys.token(Self.gestionnaire)
        try await Self.withReplicas { _, urls, gateway, http in
            let fil = try await Self.ouvrirFil(http, gateway, token: token)
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.retryConnectionEstablishment = false
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let upstream = Upstream(service: "correction", bases: ["http://127.0.0.1:1", urls[0]], client: client)
            var request = HTTPClientRequest(url: "")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: #"{"texte":"Détour"}"#))
            let response = try await upstream.execute(request, path: "/api/correction/fils/\(fil)/messages", replayable: true,
                                                      timeout: .seconds(30), logger: Self.logger)
            #expect(response.status == .created)
            #expect(!upstream.replicas[0].isUp && upstream.replicas[1].isUp)
            try await client.shutdown()
        }
    }

    @Test(.timeLimit(.minutes(5))) func relaysAndConsumersOfTwoReplicasShareTheWork() async throws {
        let academie = "R\(UUID().uuidString.prefix(5))"
        let gestionnaire = Identity(userId: UUID(), login: "gest.\(academie)", role: .gestionnaire, scope: .academie(academie))
        let token = try await TestKeys.token(gestionnaire)
        try await Self.withReplicas { _, urls, gateway, http in
            // Consumers: 60 examiners convoked in the académie, each event delivered twice, on the
            // queue both replicas consume.
            let publisher = AMQPPublisher(configuration: try AMQPConfiguration(url: LocalInfrastructure.amqpURL), appId: "test",
                                          logger: Self.logger)
            let running = Running(publisher)
            try await waitUntil { publisher.isConnected }
            var ids: [UUID] = []
            for i in 0..<60 {
                let person = Intervenant(id: UUID(), login: "\(academie.lowercased()).ex\(i)", nom: "Examinateur", prenom: "\(i)",
                                         uai: "0251080N")
                let convocation = ConvocationIssued(convocationId: UUID(), missionId: UUID(), kind: .examinateur, session: 2099,
                                                    epreuve: "T011B", academie: academie, centreUAI: "0251080N", intervenant: person,
                                                    activationCodeSHA256: ActivationCode.sha256(ActivationCode.generate()))
                let envelope = EventEnvelope(producer: "missions", correlationId: "replicas", payload: convocation)
                try await MissionsTests.publish(publisher, envelope)
                try await MissionsTests.publish(publisher, envelope)
                ids.append(envelope.id)
            }
            await running.stop()
            try await Processed.inbox(of: "correction", ids)
            let correction = try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("correction"))
            let convoques = try await withPostgresClient(correction, logger: Self.logger) { db in
                try await Self.count(db, "SELECT count(*)::int FROM correction.examinateurs WHERE academie = '\(academie)'")
            }
            #expect(convoques == 60)
            var handled: [Double] = []
            for url in urls { handled.append(try await Self.metric(http, url, "ece_events_handled_total")) }
            #expect(handled.allSatisfy { $0 > 0 }, "both replicas consume: \(handled)")
            // Every second copy is recognised by the inbox, whichever replica got it.
            try await waitUntil {
                var skipped = 0.0
                for url in urls { skipped += try await Self.metric(http, url, "ece_events_duplicated_total") }
                return skipped >= 60
            }

            // Relays: 40 messages to those examiners, ten at a time over both replicas, 41
            // `message.posted` with the thread's first. Missions' mails await them (queue missions.avis):
            // on a fresh vhost no Missions has declared it yet, and the relays rightly keep an event
            // nobody awaits as unroutable; the queue is made for the test and removed after it.
            let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
            let avis = QueueSpec(name: "missions.avis", bindings: [MessagePosted.eventType])
            let madeHere = await BrokerAdmin.queueDepth(amqp, queue: avis.name) == nil
            if madeHere {
                try await BrokerAdmin.onThread { let connection = try AMQPConnection.open(amqp); defer { connection.close() }; try connection.declare(avis) }
            }
            let fil = try await Self.ouvrirFil(http, gateway, token: token)
            for _ in 0..<4 {
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for i in 0..<10 {
                        group.addTask {
                            try await Self.send(http, .POST, "\(gateway)/api/correction/fils/\(fil)/messages",
                                                json: #"{"texte":"Message \#(i)"}"#, token: token).status
                        }
                    }
                    for try await status in group { #expect(status == 201) }
                }
            }
            let rows = "FROM correction.outbox WHERE event_type = 'message.posted' AND body ILIKE '%\(fil)%'"
            try await withPostgresClient(correction, logger: Self.logger) { db in
                try await waitUntil { try await Self.count(db, "SELECT count(*)::int \(rows) AND status = 'sent'") == 41 }
                // Each row claimed by one relay and published once: at its first attempt.
                #expect(try await Self.count(db, "SELECT count(*)::int \(rows) AND attempts = 1") == 41)
            }
            var published: [Double] = []
            for url in urls { published.append(try await Self.metric(http, url, "ece_events_published_total")) }
            #expect(published.reduce(0, +) >= 41 && published.allSatisfy { $0 > 0 }, "both relays publish: \(published)")
            Self.logger.info("events handled per replica: \(handled), published: \(published)")
            if madeHere { await BrokerAdmin.deleteQueues(amqp, [avis.name, avis.deadLetterQueue]) }
        }
    }
}
