import Foundation
import Shared

/// Malformed events for every queue a service consumes (issue 18, item 6): broken envelopes and
/// payloads that each consumer must park in its dead-letter queue, with the reason, without
/// trapping and without changing anything. Used by the poison tests and `ece-bench poison`.
public enum PoisonEvents {
    /// Every queue the services consume, and the event types it is bound to.
    public static let consumers: [(queue: String, types: [String])] = [
        ("correction.candidats", [AffectationsPublished.eventType]),
        ("correction.convocations", [ConvocationIssued.eventType, ConvocationCancelled.eventType]),
        ("correction.sujets", [SujetPublished.eventType, SujetWithdrawn.eventType]),
        ("gateway.convocations", [ConvocationIssued.eventType, ConvocationCancelled.eventType]),
        ("inscriptions.notes", [EpreuveClosed.eventType]),
        ("missions.avis", [LotUnlocked.eventType, MessagePosted.eventType]),
        ("missions.exports", [IntervenantsExported.eventType]),
        ("missions.services-faits", [EpreuveClosed.eventType]),
    ]

    /// One malformed message: published straight to `queue` (the default exchange), so exactly
    /// that consumer sees it; `messageId` finds it in the dead-letter queue afterwards.
    public struct Message: Sendable {
        public var queue: String
        public var flaw: String
        public var body: Data
        public var messageId: String
        public var type: String
        public var correlationId: String
        /// The broker user it is published as: the type's owner, so that the flaw is what gets it
        /// refused (the publisher's user needs the `impersonator` tag), except for the stray publisher.
        public var userId: String?

        public var outgoing: OutgoingMessage {
            OutgoingMessage(routingKey: queue, body: body, messageId: messageId, type: type, correlationId: correlationId,
                            userId: userId)
        }
    }

    /// `count` malformed messages for `queue`, cycling through every flaw its event types allow.
    public static func messages(for queue: String, count: Int, run: String = UUID().uuidString.prefix(8).lowercased())
        -> [Message] {
        guard let types = consumers.first(where: { $0.queue == queue })?.types else { return [] }
        let flaws = types.flatMap { type in envelopeFlaws(type) + payloadFlaws(type) }
        return (0..<count).map { n in
            let (flaw, make) = flaws[n % flaws.count]
            let id = UUID()
            let (body, amqpType, messageId) = make(id)
            return Message(queue: queue, flaw: flaw, body: body, messageId: messageId ?? id.uuidString,
                           type: amqpType, correlationId: "poison-\(run)-\(n)",
                           userId: flaw == strayPublisher ? "gateway" : EventOwners.byType[amqpType])
        }
    }

    typealias Maker = (UUID) -> (body: Data, type: String, messageId: String?)

    /// A valid event published by a service that does not own its type (the gateway owns none).
    static let strayPublisher = "published by a service that does not own the type"

    /// An envelope as JSON text around `payload` (already JSON), with fields overridden.
    static func envelope(_ id: UUID, type: String, version: Int = 1, payload: String,
                         producer: String = "poison", correlationId: String = "poison") -> Data {
        Data("""
            {"id":"\(id.uuidString)","type":"\(type)","version":\(version),"occurredAt":"2027-06-01T08:00:00.000Z",\
            "producer":"\(producer)","correlationId":"\(correlationId)","payload":\(payload)}
            """.utf8)
    }

    static func envelopeFlaws(_ type: String) -> [(String, Maker)] {
        let good = validPayload(type)
        return [
            (strayPublisher, { id in (envelope(id, type: type, payload: good), type, nil) }),
            ("not JSON", { _ in (Data("{not json".utf8), type, nil) }),
            ("empty body", { _ in (Data(), type, nil) }),
            ("JSON array", { _ in (Data("[1,2,3]".utf8), type, nil) }),
            ("envelope without id", { _ in (Data(#"{"type":"\#(type)","version":1,"payload":\#(good)}"#.utf8), type, nil) }),
            ("id not a UUID", { id in
                (Data(String(decoding: envelope(id, type: type, payload: good), as: UTF8.self)
                    .replacingOccurrences(of: id.uuidString, with: "pas-un-uuid").utf8), type, nil)
            }),
            ("unknown version", { id in (envelope(id, type: type, version: 99, payload: good), type, nil) }),
            ("version 0", { id in (envelope(id, type: type, version: 0, payload: good), type, nil) }),
            ("negative version", { id in (envelope(id, type: type, version: -1, payload: good), type, nil) }),
            ("type nobody handles", { id in (envelope(id, type: "poison.unknown", payload: good), "poison.unknown", nil) }),
            ("AMQP type differs", { id in (envelope(id, type: type, payload: good), "poison.other", nil) }),
            ("message_id differs", { id in (envelope(id, type: type, payload: good), type, UUID().uuidString) }),
            ("empty producer", { id in (envelope(id, type: type, payload: good, producer: ""), type, nil) }),
            ("empty correlationId", { id in (envelope(id, type: type, payload: good, correlationId: ""), type, nil) }),
            ("bad date", { id in
                (Data(String(decoding: envelope(id, type: type, payload: good), as: UTF8.self)
                    .replacingOccurrences(of: "2027-06-01T08:00:00.000Z", with: "hier").utf8), type, nil)
            }),
            ("payload null", { id in (envelope(id, type: type, payload: "null"), type, nil) }),
            ("payload empty object", { id in (envelope(id, type: type, payload: "{}"), type, nil) }),
            ("payload a string", { id in (envelope(id, type: type, payload: #""x""#), type, nil) }),
            ("NUL in payload", { id in
                (envelope(id, type: type, payload: good.replacingOccurrences(of: "\"T011B\"", with: #""T011B\u0000""#)), type, nil)
            }),
        ]
    }

    /// A valid payload of `type` (JSON), which the flaws then break one field at a time.
    static func validPayload(_ type: String) -> String {
        let person = #"{"id":"\#(UUID())","login":"poison.login","nom":"Poison","prenom":"Ivy","uai":"0251080N","divisions":["T1"]}"#
        switch type {
        case AffectationsPublished.eventType:
            return #"{"publicationId":"\#(UUID())","session":2027,"academie":"03","epreuve":"T011B","centreUAI":"0251080N","chunk":1,"chunks":1,"candidats":[{"candidatId":"\#(UUID())","numero":"P1","nom":"Poison","prenoms":"Ivy","categorie":"scolaire","uaiOrigine":"0251671F","division":"T1"}]}"#
        case ConvocationIssued.eventType:
            return #"{"convocationId":"\#(UUID())","missionId":"\#(UUID())","kind":"examinateur","session":2027,"epreuve":"T011B","academie":"03","centreUAI":"0251080N","intervenant":\#(person),"activationCodeSHA256":"\#(String(repeating: "a", count: 64))"}"#
        case ConvocationCancelled.eventType:
            return #"{"convocationId":"\#(UUID())","missionId":"\#(UUID())","intervenantId":"\#(UUID())","epreuve":"T011B"}"#
        case SujetPublished.eventType:
            return #"{"sujetId":"\#(UUID())","epreuve":"T011B","session":2027,"code":"P-1","titre":"Poison","materiel":[],"baremeVersion":1,"bareme":{"criteres":[{"code":"C1","libelle":"Tout","poids":20,"echelle":{"type":"points"}}]},"document":{"path":"/p.pdf","sha256":"\#(String(repeating: "0", count: 64))","taille":1},"visibleFrom":"2027-06-01T08:00:00Z"}"#
        case SujetWithdrawn.eventType:
            return #"{"sujetId":"\#(UUID())","epreuve":"T011B","session":2027}"#
        case EpreuveClosed.eventType:
            return #"{"closureId":"\#(UUID())","session":2027,"academie":"03","epreuve":"T011B","centreUAI":"0251080N","chunk":1,"chunks":1,"notes":[{"candidatId":"\#(UUID())","numero":"P1","resultat":{"type":"note","demiPoints":20}}],"servicesFaits":[]}"#
        case LotUnlocked.eventType:
            return #"{"lotId":"\#(UUID())","session":2027,"academie":"03","epreuve":"T011B","centreUAI":"0251080N","motif":"Poison","by":"\#(UUID())","examinateurs":["\#(UUID())"]}"#
        case MessagePosted.eventType:
            return #"{"filId":"\#(UUID())","session":2027,"academie":"03","epreuve":"T011B","centreUAI":"0251080N","titre":"Poison","auteur":"Ivy Poison","role":"examinateur","destinataires":["\#(UUID())"]}"#
        case IntervenantsExported.eventType:
            return #"{"session":2027,"academie":"03","epreuve":"T011B","role":"examinateur","centreUAI":"0251080N","exportVersion":1,"intervenants":[\#(person)]}"#
        default:
            return "{}"
        }
    }

    /// Payloads that decode but must be refused: each replaces one fragment of the valid payload.
    static func payloadFlaws(_ type: String) -> [(String, Maker)] {
        func broken(_ flaw: String, _ from: String, _ to: String) -> (String, Maker) {
            (flaw, { id in
                let payload = validPayload(type)
                precondition(payload.contains(from), "\(type): \(from) not in the payload")
                return (envelope(id, type: type, payload: payload.replacingOccurrences(of: from, with: to)), type, nil)
            })
        }
        // A cancellation carries ids only: what decodes is valid, so only undecodable ids are flaws.
        if type == ConvocationCancelled.eventType {
            return [broken("convocation id not a UUID", #""convocationId":""#, #""convocationId":"x"#),
                    broken("mission id missing", #""missionId":""#, #""autre":""#)]
        }
        var flaws = [
            broken("session out of range", #""session":2027"#, #""session":99999999999"#),
            broken("unknown exam", #""epreuve":"T011B""#, #""epreuve":"X""#),
            broken("exam name absurdly long", #""epreuve":"T011B""#, "\"epreuve\":\"\(String(repeating: "T", count: 100_000))\""),
        ]
        if type != SujetWithdrawn.eventType && type != SujetPublished.eventType {
            flaws += [broken("académie empty", #""academie":"03""#, #""academie":"""#)]
        }
        if [AffectationsPublished.eventType, EpreuveClosed.eventType, ConvocationIssued.eventType, IntervenantsExported.eventType,
            LotUnlocked.eventType, MessagePosted.eventType].contains(type) {
            flaws += [broken("centre not a UAI", #""centreUAI":"0251080N""#, #""centreUAI":"0251080N; DROP""#)]
        }
        if [AffectationsPublished.eventType, EpreuveClosed.eventType].contains(type) {
            flaws += [
                broken("chunks 0 (1...0 trapped)", #""chunks":1"#, #""chunks":0"#),
                broken("chunk 0", #""chunk":1,"#, #""chunk":0,"#),
                broken("chunk beyond chunks", #""chunk":1,"#, #""chunk":7,"#),
                broken("negative chunks", #""chunks":1"#, #""chunks":-3"#),
                broken("absurd chunks", #""chunks":1"#, #""chunks":9223372036854775807"#),
            ]
        }
        switch type {
        case EpreuveClosed.eventType:
            flaws += [
                broken("grade above 20", #""demiPoints":20"#, #""demiPoints":41"#),
                broken("negative grade", #""demiPoints":20"#, #""demiPoints":-1"#),
                broken("unknown result", #""type":"note""#, #""type":"bonus""#),
                broken("negative work", #""servicesFaits":[]"#, #""servicesFaits":[{"intervenantId":"\#(UUID())","candidatsEvalues":-5}]"#),
                broken("empty numero", #""numero":"P1""#, #""numero":"""#),
            ]
        case AffectationsPublished.eventType:
            flaws += [
                broken("empty name", #""nom":"Poison""#, #""nom":"""#),
                broken("name of 100,000 characters", #""nom":"Poison""#, "\"nom\":\"\(String(repeating: "é", count: 100_000))\""),
                broken("candidate id not a UUID", #""candidatId":""#, #""candidatId":"x"#),
            ]
        case ConvocationIssued.eventType:
            flaws += [
                broken("empty login", #""login":"poison.login""#, #""login":"""#),
                broken("activation hash not hex", String(repeating: "a", count: 64), String(repeating: "z", count: 64)),
                broken("coordinator at a centre", #""kind":"examinateur""#, #""kind":"coordinateur""#),
                broken("unknown kind", #""kind":"examinateur""#, #""kind":"directeur""#),
            ]
        case IntervenantsExported.eventType:
            flaws += [
                broken("negative export version", #""exportVersion":1"#, #""exportVersion":-1"#),
                broken("empty login", #""login":"poison.login""#, #""login":"""#),
                broken("coordinators at a centre", #""role":"examinateur""#, #""role":"coordinateur""#),
            ]
        case SujetPublished.eventType:
            flaws += [
                broken("barème not summing to 20", #""poids":20"#, #""poids":19"#),
                broken("barème weight absurd", #""poids":20"#, #""poids":9223372036854775807"#),
                broken("barème version 0", #""baremeVersion":1"#, #""baremeVersion":0"#),
                broken("negative document size", #""taille":1"#, #""taille":-1"#),
                broken("empty title", #""titre":"Poison""#, #""titre":"""#),
            ]
        default:
            break
        }
        return flaws
    }
}
