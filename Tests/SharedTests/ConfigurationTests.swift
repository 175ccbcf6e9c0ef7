import Foundation
import Testing
@testable import Shared

@Suite struct ConfigurationTests {
    @Test func amqpURLIsParsed() throws {
        let plain = try AMQPConfiguration(url: "amqp://user:p%40ss@broker:5673/ece")
        #expect(plain.host == "broker" && plain.port == 5673 && plain.user == "user" && plain.password == "p@ss")
        #expect(plain.vhost == "ece" && !plain.tls && plain.caFile == nil)
        let tls = try AMQPConfiguration(url: "amqps://u:p@broker")
        #expect(tls.tls && tls.port == 5671 && tls.vhost == "/" && tls.caFile != nil)
        #expect(throws: AMQPError.self) { try AMQPConfiguration(url: "http://broker") }
    }

    /// A cluster's nodes, comma-separated: one user, password, vhost and scheme for all of them.
    @Test func aClustersNodesAreParsed() throws {
        let cluster = try AMQPConfiguration(url: "amqp://u:p@n1:5681/ece, amqp://u:p@n2:5682/ece,amqp://u:p@n3/ece")
        #expect(cluster.nodes.map(\.host) == ["n1", "n2", "n3"] && cluster.nodes.map(\.port) == [5681, 5682, 5672])
        #expect(cluster.host == "n1" && cluster.user == "u" && cluster.vhost == "ece")
        for mixed in ["amqp://u:p@n1/ece,amqp://v:p@n2/ece", "amqp://u:p@n1/ece,amqp://u:p@n2/autre",
                      "amqp://u:p@n1/ece,amqps://u:p@n2/ece", "amqp://u:p@n1/ece,", ","] {
            #expect(throws: AMQPError.self, "\(mixed)") { try AMQPConfiguration(url: mixed) }
        }
    }

    @Test func databaseURLIsParsed() throws {
        #expect(throws: DatabaseURLError.self) { try DatabaseConfiguration.client(url: "mysql://x@y/z") }
        #expect(throws: DatabaseURLError.self) {
            try DatabaseConfiguration.client(url: "postgres://a:b@h:5433/ece?sslmode=bogus")
        }
        _ = try DatabaseConfiguration.client(url: "postgres://a:b@h:5433/ece?sslmode=require")
    }

    @Test func serviceDefaultsAndOverrides() {
        let defaults = ServiceConfiguration(service: "missions", defaultPort: 8082, environment: [:])
        #expect(defaults.port == 8082 && defaults.schema == "missions")
        #expect(defaults.databaseURL == "postgres://missions:missions@127.0.0.1:5433/ece")
        let custom = ServiceConfiguration(service: "missions", defaultPort: 8082,
                                          environment: ["PORT": "9000", "LOG_LEVEL": "debug", "HOST": "0.0.0.0"])
        #expect(custom.port == 9000 && custom.logLevel == .debug && custom.host == "0.0.0.0")
    }

    /// Services refuse a plain-http public address unless told it is a development platform.
    @Test func aDeploymentNeedsAnHTTPSPublicURL() throws {
        func check(_ environment: [String: String]) -> Bool {
            (try? ServiceConfiguration(service: "gateway", defaultPort: 8080, environment: environment).checkDeployment()) != nil
        }
        #expect(!check([:]), "the default http://127.0.0.1:8080 is for development only")
        #expect(!check(["PUBLIC_URL": "http://ece.example.fr"]))
        #expect(!check(["PUBLIC_URL": "ece.example.fr"]))
        #expect(!check(["PUBLIC_URL": "ftp://ece.example.fr", "ECE_DEVELOPMENT": "1"]))
        #expect(check(["PUBLIC_URL": "https://ece.example.fr"]))
        #expect(check(["ECE_DEVELOPMENT": "1"]))
        #expect(check(["PUBLIC_URL": "http://127.0.0.1:8080", "ECE_DEVELOPMENT": "1"]))
    }

    @Test func onlySafeIdentifiersAreSpliced() throws {
        _ = try SQLIdentifier("correction")
        _ = try SQLIdentifier("bus_1a2b")
        for bad in ["", "Correction", "x; DROP TABLE y", "a-b", "1abc", String(repeating: "a", count: 64)] {
            #expect(throws: SQLIdentifierError.self) { try SQLIdentifier(bad) }
        }
    }

    struct Sample: EventPayload {
        static let eventType = "sample.done"
        static let eventVersion = 2
        var value: Int
    }

    @Test func envelopeRoundTripsAndChecksTheMessageId() throws {
        let envelope = EventEnvelope(producer: "test", correlationId: "c-1", payload: Sample(value: 7))
        #expect(envelope.type == "sample.done" && envelope.version == 2)
        let body = try EventCoding.encoder.encode(envelope)
        let message = AMQPMessage(body: body, messageId: envelope.id.uuidString, type: nil, correlationId: nil,
                                  routingKey: "sample.done", exchange: "ece.events", redelivered: false,
                                  deliveryTag: 1, headers: [:])
        let incoming = try IncomingEvent(message: message)
        #expect(incoming.id == envelope.id && incoming.correlationId == "c-1")
        #expect(try incoming.payload(as: Sample.self).value == 7)

        var forged = message
        forged.messageId = UUID().uuidString
        #expect(throws: EventRejected.self) { try IncomingEvent(message: forged) }
        var garbage = message
        garbage.body = Data("not json".utf8)
        #expect(throws: EventRejected.self) { try IncomingEvent(message: garbage) }
    }
}

@Suite struct EventCodingTests {
    struct Stamp: Codable { var at: Date }

    @Test func datesKeepMillisecondsAndAcceptWholeSeconds() throws {
        let date = Date(timeIntervalSince1970: 1_780_000_000.125)
        let json = String(decoding: try EventCoding.encoder.encode(Stamp(at: date)), as: UTF8.self)
        #expect(json.contains(".125Z"), "\(json)")
        let back = try EventCoding.decoder.decode(Stamp.self, from: Data(json.utf8))
        #expect(abs(back.at.timeIntervalSince(date)) < 0.001)
        let whole = try EventCoding.decoder.decode(Stamp.self, from: Data(#"{"at":"2026-06-02T08:00:00Z"}"#.utf8))
        #expect(whole.at == Date(timeIntervalSince1970: 1_780_387_200))
        #expect(throws: DecodingError.self) {
            try EventCoding.decoder.decode(Stamp.self, from: Data(#"{"at":"yesterday"}"#.utf8))
        }
    }
}
