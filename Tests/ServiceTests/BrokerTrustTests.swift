import AsyncHTTPClient
import Foundation
import Logging
import PostgresNIO
@testable import Shared
import Testing
import TestSupport
@testable import Inscriptions

/// The broker trusts no one by default (issue 18, item 5): each service logs in as its own user
/// (scripts/broker-users.sh), may publish only the event types it owns and touch only its own
/// queues; the broker stamps and validates `user_id`, and a consumer parks an event whose publisher
/// does not own its type.
@Suite(.serialized) struct BrokerTrustTests {
    static let services = ["referentiel", "inscriptions", "missions", "correction", "gateway"]

    /// The service's own broker user, as the service logs in (local passwords), on the tests' vhost.
    static func amqp(as service: String) throws -> AMQPConfiguration {
        try AMQPConfiguration(url: LocalInfrastructure.serviceAMQPURL(service))
    }

    /// What the broker enforces is what the contract says: each user's topic permission on
    /// `ece.events` lets it publish exactly the types `EventOwners` gives it.
    @Test func theBrokersTopicPermissionsAreTheContractsOwners() async throws {
        struct TopicPermission: Decodable { var user: String; var vhost: String; var exchange: String; var write: String; var read: String }
        let client = HTTPClient.shared
        var request = HTTPClientRequest(url: "http://127.0.0.1:15673/api/vhosts/\(LocalInfrastructure.managementVhost)/topic-permissions")
        request.headers.add(name: "Authorization", value: "Basic " + Data("guest:guest".utf8).base64EncodedString())
        let response = try await client.execute(request, timeout: .seconds(10))
        #expect(response.status == .ok)
        let permissions = try JSONDecoder().decode([TopicPermission].self, from: Data(buffer: try await response.body.collect(upTo: 1 << 20)))
        for service in Self.services {
            let permission = try #require(permissions.first { $0.user == service && $0.exchange == EventTopology.exchange },
                                          "\(service) has no topic permission: run scripts/infra.sh up")
            let publishes = try Regex(permission.write), binds = try Regex(permission.read)
            let consumed = Set(PoisonEvents.consumers.filter { $0.queue.hasPrefix(service + ".") }.flatMap(\.types))
            for (type, owner) in EventOwners.byType {
                #expect((try publishes.wholeMatch(in: type) != nil) == (owner == service),
                        "\(service) \(owner == service ? "cannot" : "can") publish \(type)")
                #expect((try binds.wholeMatch(in: type) != nil) == consumed.contains(type),
                        "\(service) \(consumed.contains(type) ? "cannot" : "can") bind a queue to \(type)")
            }
            #expect(try binds.wholeMatch(in: "#") == nil && binds.wholeMatch(in: "*.*") == nil, "\(service) may bind a wildcard")
        }
        // Nor may a service configure (hence delete) the shared exchanges or another's queues.
        struct Permission: Decodable { var user: String; var configure: String }
        var listing = HTTPClientRequest(url: "http://127.0.0.1:15673/api/vhosts/\(LocalInfrastructure.managementVhost)/permissions")
        listing.headers.add(name: "Authorization", value: "Basic " + Data("guest:guest".utf8).base64EncodedString())
        let configured = try JSONDecoder().decode([Permission].self, from: Data(buffer: try await client.execute(listing, timeout: .seconds(10))
            .body.collect(upTo: 1 << 20)))
        for service in Self.services {
            let configure = try Regex(try #require(configured.first { $0.user == service }).configure)
            for resource in [EventTopology.exchange, EventTopology.deadLetterExchange, "inscriptions.notes", "correction.sujets"]
                where !resource.hasPrefix(service + ".") {
                #expect(try configure.wholeMatch(in: resource) == nil, "\(service) may configure \(resource)")
            }
            #expect(try configure.wholeMatch(in: "\(service).notes") != nil)
        }
    }

    /// A service's user cannot publish a type it does not own, nor in another user's name, nor read
    /// another service's queue; it can publish what it owns.
    @Test func aServiceUserIsLimitedToWhatItOwns() async throws {
        let logger = Logger(label: "test")
        let type = EpreuveClosed.eventType
        func outcome(as service: String, _ type: String, userId: String? = nil) async throws -> PublishOutcome? {
            let publisher = AMQPPublisher(configuration: try Self.amqp(as: service), appId: "test", logger: logger)
            let running = Running(publisher)
            defer { Task { await running.stop() } }
            try await waitUntil { publisher.isConnected }
            let message = OutgoingMessage(routingKey: type, body: Data("{}".utf8), messageId: UUID().uuidString, type: type,
                                          correlationId: "trust", userId: userId)
            return try? await publisher.publish([message]).first
        }
        // Refused by the broker: the channel is closed (ACCESS_REFUSED / PRECONDITION_FAILED), nothing is routed.
        #expect(try await outcome(as: "missions", type) != .acked, "missions published epreuve.closed")
        #expect(try await outcome(as: "gateway", type) != .acked, "the gateway owns no event")
        #expect(try await outcome(as: "missions", MissionsImported.eventType, userId: "correction") != .acked,
                "missions published under correction's name")
        // Its own announcement (no queue is bound to it: acked, unroutable, harmless).
        let own = try await outcome(as: "missions", MissionsImported.eventType)
        if case .returned? = own {} else { #expect(own == .acked, "\(String(describing: own))") }

        await #expect(throws: (any Error).self, "the gateway read Inscriptions' queue") {
            _ = try await BrokerAdmin.take(try Self.amqp(as: "gateway"), queue: "inscriptions.notes.dlq", count: 1, timeout: 1)
        }
        let gateway = try Self.amqp(as: "gateway")
        await #expect(throws: (any Error).self, "the gateway declared a queue outside its own") {
            try await BrokerAdmin.onThread { try AMQPConnection.open(gateway).declare(QueueSpec(name: "correction.espion", bindings: [])) }
        }
        // Its own queue, bound to everything or to a type it does not consume: refused by the broker.
        for binding in ["#", EpreuveClosed.eventType] {
            await #expect(throws: (any Error).self, "the gateway bound a queue to \(binding)") {
                try await BrokerAdmin.onThread { try AMQPConnection.open(gateway).declare(QueueSpec(name: "gateway.espion", bindings: [binding])) }
            }
        }
        try await BrokerAdmin.onThread { try AMQPConnection.open(gateway).declare(QueueSpec(name: "gateway.espion", bindings: [ConvocationIssued.eventType])) }
        await BrokerAdmin.deleteQueues(gateway, ["gateway.espion", "gateway.espion.dlq"])
    }

    /// An event whose publisher does not own its type reaches no handler: Inscriptions parks a
    /// well-formed `epreuve.closed` published as Missions (by the impersonating administrator, as a
    /// compromised service could not) with the reason, and applies the same event from Correction.
    @Test func aConsumerParksAnEventFromAServiceThatDoesNotOwnIt() async throws {
        let configuration = HealthTests.configuration("inscriptions", 8081)
        let guest = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
        let app = try await Inscriptions.buildApplication(configuration)
        try await app.test(.live) { client in
            try await waitUntil(timeout: .seconds(60)) { try await client.execute(uri: "/health", method: .get) { $0.status } == .ok }
            let publisher = AMQPPublisher(configuration: guest, appId: "test", logger: Logger(label: "test"))
            let running = Running(publisher)
            try await waitUntil { publisher.isConnected }
            let closure = EpreuveClosed(closureId: UUID(), session: 2099, academie: "03", epreuve: "T011B", centreUAI: "0251080N",
                                        chunk: 1, chunks: 1, notes: [], servicesFaits: [])
            func message(_ envelope: EventEnvelope<EpreuveClosed>, as user: String) throws -> OutgoingMessage {
                OutgoingMessage(routingKey: EpreuveClosed.eventType, body: try EventCoding.encoder.encode(envelope),
                                messageId: envelope.id.uuidString, type: EpreuveClosed.eventType, correlationId: "trust", userId: user)
            }
            // Published as Missions, claiming in the parking header to come from Correction.
            let forged = EventEnvelope(producer: "correction", correlationId: "trust", payload: closure)
            let body = try EventCoding.encoder.encode(forged)
            try await BrokerAdmin.onThread {
                try AMQPConnection.open(guest).publish(exchange: EventTopology.exchange, routingKey: EpreuveClosed.eventType, body: body,
                                                  messageId: forged.id.uuidString, type: EpreuveClosed.eventType, correlationId: "trust",
                                                  appId: "test", mandatory: false,
                                                  headers: [DeadLetter.publishedByHeader: "correction"], userId: "missions")
            }
            let parked = try await BrokerAdmin.takeMatching(guest, queue: "inscriptions.notes.dlq", ids: [forged.id.uuidString])
            let letter = DeadLetter(try #require(parked.first, "the forged event was not parked"))
            #expect(letter.rejection?.contains("only correction publishes epreuve.closed") == true, "\(letter.rejection ?? "-")")
            #expect(letter.userId == "inscriptions" && letter.publishedBy == "missions",
                    "parked by the consumer, the broker's user_id kept, the sender's header overwritten")
            if case .failure(let refusal) = letter.publisher(parkedIn: "inscriptions.notes.dlq") { Issue.record("\(refusal)") }

            let genuine = EventEnvelope(producer: "correction", correlationId: "trust", payload: closure)
            #expect(try await publisher.publish([try message(genuine, as: "correction")]) == [.acked])
            try await PoisonEventTests.withDatabase(configuration) { db in
                try await waitUntil(timeout: .seconds(30)) {
                    try await db.query("SELECT 1 FROM \(unescaped: configuration.schema).inbox WHERE message_id = \(genuine.id)").collect().count == 1
                }
                #expect(try await db.query("SELECT 1 FROM \(unescaped: configuration.schema).inbox WHERE message_id = \(forged.id)").collect().isEmpty)
            }
            await running.stop()
        }
    }

    /// A payload evolves by adding optional fields (README, "Events"): a consumer that does not know
    /// them yet applies the event all the same — here `epreuve.closed` with a new field in the
    /// envelope and in the payload (session 2099, no grade: no real data touched).
    @Test func aConsumerAppliesAnEventCarryingFieldsItDoesNotKnow() async throws {
        let configuration = HealthTests.configuration("inscriptions", 8081)
        let app = try await Inscriptions.buildApplication(configuration)
        try await app.test(.live) { client in
            try await waitUntil(timeout: .seconds(60)) { try await client.execute(uri: "/health", method: .get) { $0.status } == .ok }
            let publisher = AMQPPublisher(configuration: try AMQPConfiguration(url: LocalInfrastructure.amqpURL), appId: "test",
                                          logger: Logger(label: "test"))
            let running = Running(publisher)
            try await waitUntil { publisher.isConnected }
            let closure = EpreuveClosed(closureId: UUID(), session: 2099, academie: "03", epreuve: "T011B", centreUAI: "0251080N",
                                        chunk: 1, chunks: 1, notes: [], servicesFaits: [])
            let envelope = EventEnvelope(producer: "correction", correlationId: "evolution", payload: closure)
            var json = try #require(JSONSerialization.jsonObject(with: try EventCoding.encoder.encode(envelope)) as? [String: Any])
            var payload = try #require(json["payload"] as? [String: Any])
            payload["salle"] = "B12"
            json["payload"] = payload
            json["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
            let body = try JSONSerialization.data(withJSONObject: json)
            #expect(try await publisher.publish([OutgoingMessage(routingKey: EpreuveClosed.eventType, body: body,
                                                                 messageId: envelope.id.uuidString, type: EpreuveClosed.eventType,
                                                                 correlationId: "evolution", userId: "correction")]) == [.acked])
            // In the inbox = applied (a refusal rolls the inbox row back with the handler's work).
            try await PoisonEventTests.withDatabase(configuration) { db in
                try await waitUntil(timeout: .seconds(30)) {
                    try await db.query("SELECT 1 FROM \(unescaped: configuration.schema).inbox WHERE message_id = \(envelope.id)")
                        .collect().count == 1
                }
            }
            await running.stop()
        }
    }

    /// A replay publishes a letter in its original publisher's name only when that name can be
    /// trusted: the broker kept it, or the service consuming the queue parked it.
    @Test func aReplayBelievesOnlyTheQueuesOwnConsumer() {
        func letter(userId: String?, parkedWith headers: [String: String]?) -> DeadLetter {
            var table: [String: AMQPFieldValue] = [:]
            if let headers {
                table[DeadLetter.rejectedReasonHeader] = .string("stray")
                for (key, value) in headers { table[key] = .string(value) }
            }
            return DeadLetter(AMQPMessage(body: Data(), messageId: nil, type: nil, correlationId: nil, routingKey: "", exchange: "",
                                          redelivered: false, deliveryTag: 0, headers: table, userId: userId))
        }
        func publisher(_ letter: DeadLetter) -> String? { try? letter.publisher(parkedIn: "inscriptions.notes.dlq").get() }
        #expect(publisher(letter(userId: "correction", parkedWith: nil)) == "correction", "dead-lettered by the broker")
        #expect(publisher(letter(userId: nil, parkedWith: nil)) == nil)
        #expect(publisher(letter(userId: "inscriptions", parkedWith: [DeadLetter.publishedByHeader: "correction"])) == "correction")
        #expect(publisher(letter(userId: "missions", parkedWith: [DeadLetter.publishedByHeader: "correction"])) == nil,
                "parked in Inscriptions' queue by another service")
        #expect(publisher(letter(userId: "inscriptions", parkedWith: [:])) == nil, "parked without its publisher")
        #expect(publisher(letter(userId: "inscriptions", parkedWith: [DeadLetter.publishedByHeader: ""])) == nil,
                "published without user_id")
    }
}
