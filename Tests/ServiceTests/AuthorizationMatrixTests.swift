import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import Testing
import TestSupport
@testable import Correction
@testable import Gateway
@testable import Inscriptions
@testable import Missions
@testable import Referentiel

/// For each role and each route family, through the gateway to the real services: allowed or refused.
/// Each service decides on its own data; this matrix grows with every service's resources
/// (scoped data — an académie's candidates, a school's lots — adds in-scope / out-of-scope rows).
@Suite(.serialized) struct AuthorizationMatrixTests {
    static let identities: [Identity] = [
        Identity(userId: UUID(), login: "m.dsii", role: .dsii, scope: .national),
        Identity(userId: UUID(), login: "m.admin", role: .admin, scope: .national),
        Identity(userId: UUID(), login: "m.gest", role: .gestionnaire, scope: .academie("03")),
        Identity(userId: UUID(), login: "m.coord", role: .coordinateur, scope: .academie("03")),
        Identity(userId: UUID(), login: "m.exam", role: .examinateur, scope: .academie("03")),
        Identity(userId: UUID(), login: "m.etab", role: .etablissement, scope: .etablissement("0251080N")),
        Identity(userId: UUID(), login: "m.centre", role: .centre, scope: .etablissement("0251080N")),
        Identity(userId: UUID(), login: "m.ref", role: .referent, scope: .etablissement("0251080N")),
    ]

    /// A route family: a representative request and the roles it lets through (with that status).
    struct Family: Sendable {
        var name: String
        var method: HTTPRequest.Method
        var uri: String
        var body: String?
        var allowed: [Role: HTTPResponse.Status]
    }

    static func families() -> [Family] {
        let everyone = Dictionary(uniqueKeysWithValues: Role.allCases.map { ($0, HTTPResponse.Status.ok) })
        let code = "MX-\(UUID().uuidString.prefix(8))"
        return [
            Family(name: "inscriptions identity", method: .get, uri: "/api/inscriptions/me", allowed: everyone),
            Family(name: "missions identity", method: .get, uri: "/api/missions/me", allowed: everyone),
            Family(name: "correction identity", method: .get, uri: "/api/correction/me", allowed: everyone),
            Family(name: "referentiel identity", method: .get, uri: "/api/referentiel/me", allowed: everyone),
            Family(name: "exams (reference data)", method: .get, uri: "/api/referentiel/epreuves", allowed: everyone),
            Family(name: "subject bank (read)", method: .get, uri: "/api/referentiel/sujets?session=2099",
                   allowed: [.dsii: .ok, .admin: .ok]),
            // A subject that does not exist: those who prepare the laboratory learn only that (404).
            Family(name: "a subject's material list", method: .get, uri: "/api/referentiel/sujets/\(UUID())/materiel",
                   allowed: [.dsii: .notFound, .admin: .notFound, .centre: .notFound, .examinateur: .notFound, .coordinateur: .notFound]),
            Family(name: "subject bank (write)", method: .post, uri: "/api/referentiel/sujets",
                   body: #"{"epreuve":"T012B","session":2099,"code":"\#(code)","titre":"Matrice"}"#,
                   allowed: [.dsii: .created]),
            // Refreshed first, so that reading finds a regulation on a fresh database.
            Family(name: "mission regulation (refresh)", method: .post, uri: "/api/missions/sessions/2099/reglementation",
                   allowed: [.dsii: .ok, .gestionnaire: .ok]),
            Family(name: "mission regulation (read)", method: .get, uri: "/api/missions/sessions/2099/reglementation",
                   allowed: [.dsii: .ok, .gestionnaire: .ok, .etablissement: .ok]),
            Family(name: "missions of a session", method: .get, uri: "/api/missions/sessions/2099/missions",
                   allowed: [.gestionnaire: .ok, .etablissement: .ok]),
            Family(name: "convocations of a session", method: .get, uri: "/api/missions/sessions/2099/convocations",
                   allowed: [.gestionnaire: .ok, .etablissement: .ok]),
            Family(name: "my missions", method: .get, uri: "/api/missions/mes-missions",
                   allowed: [.examinateur: .ok, .coordinateur: .ok]),
            Family(name: "services faits", method: .get, uri: "/api/missions/sessions/2099/services-faits",
                   allowed: [.gestionnaire: .ok]),
            Family(name: "my lots", method: .get, uri: "/api/correction/mes-lots", allowed: [.examinateur: .ok]),
            Family(name: "correction follow-up", method: .get, uri: "/api/correction/sessions/2099/suivi",
                   allowed: [.dsii: .ok, .admin: .ok, .gestionnaire: .ok, .coordinateur: .ok, .centre: .ok, .referent: .ok]),
            Family(name: "my statistics", method: .get, uri: "/api/correction/sessions/2099/mes-statistiques",
                   allowed: [.examinateur: .ok]),
            Family(name: "exam statistics", method: .get, uri: "/api/correction/sessions/2099/epreuves/T012B/statistiques",
                   allowed: [.dsii: .ok, .admin: .ok, .gestionnaire: .ok, .centre: .ok, .referent: .ok]),
            Family(name: "examiners' statistics", method: .get, uri: "/api/correction/sessions/2099/epreuves/T012B/statistiques/examinateurs",
                   allowed: [.dsii: .ok, .admin: .ok, .gestionnaire: .ok, .centre: .ok, .referent: .ok]),
            Family(name: "message threads", method: .get, uri: "/api/correction/sessions/2099/fils",
                   allowed: [.examinateur: .ok, .referent: .ok, .centre: .ok, .coordinateur: .ok, .gestionnaire: .ok]),
            // A commission that does not exist: roles allowed there learn only that (404).
            Family(name: "a commission", method: .get, uri: "/api/correction/sessions/2099/epreuves/T011B/centres/0000000A",
                   allowed: [.centre: .notFound, .referent: .notFound, .gestionnaire: .notFound, .coordinateur: .notFound,
                             .examinateur: .notFound]),
        ]
    }

    @Test func everyRoleOnEveryRouteFamily() async throws {
        let families = Self.families()
        let apps = (
            try await Inscriptions.buildApplication(HealthTests.configuration("inscriptions", 8081)),
            try await Missions.buildApplication(HealthTests.configuration("missions", 8082)),
            try await Referentiel.buildApplication(HealthTests.configuration("referentiel", 8083)),
            try await Correction.buildApplication(HealthTests.configuration("correction", 8084))
        )
        try await apps.0.test(.live) { inscriptions in
            try await apps.1.test(.live) { missions in
                try await apps.2.test(.live) { referentiel in
                    try await apps.3.test(.live) { correction in
                        let gateway = try await Gateway.buildApplication(HealthTests.configuration("gateway", 8080, [
                            "INSCRIPTIONS_URL": "http://127.0.0.1:\(inscriptions.port!)",
                            "MISSIONS_URL": "http://127.0.0.1:\(missions.port!)",
                            "REFERENTIEL_URL": "http://127.0.0.1:\(referentiel.port!)",
                            "CORRECTION_URL": "http://127.0.0.1:\(correction.port!)",
                        ]))
                        try await gateway.test(.live) { client in
                            for family in families {
                                for identity in Self.identities {
                                    let expected = family.allowed[identity.role] ?? .forbidden
                                    var headers: HTTPFields = [.authorization: "Bearer \(try await TestKeys.token(identity))"]
                                    if family.body != nil { headers[.contentType] = "application/json" }
                                    let status = try await client.execute(
                                        uri: family.uri, method: family.method, headers: headers,
                                        body: family.body.map { ByteBuffer(string: $0) }) { $0.status }
                                    #expect(status == expected, "\(identity.role.rawValue) on \(family.name)")
                                }
                                let anonymous = try await client.execute(
                                    uri: family.uri, method: family.method,
                                    body: family.body.map { ByteBuffer(string: $0) }) { $0.status }
                                #expect(anonymous == .unauthorized, "anonymous on \(family.name)")
                            }
                        }
                    }
                }
            }
        }
    }
}
