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

/// Accounts, login, tokens and routing through the gateway (issue 3), against the real database and broker.
@Suite(.serialized) struct GatewayTests {
    static let password = "correct horse battery"

    static func configuration(_ overrides: [String: String] = [:]) -> ServiceConfiguration {
        HealthTests.configuration("gateway", 8080, ["LOGIN_FAILURE_DELAY_MS": "1"].merging(overrides) { $1 })
    }

    /// Creates an account with a unique login in the gateway's schema.
    static func makeAccount(role: Role = .gestionnaire, scope: Scope = .academie("03"),
                            password: String? = password) async throws -> Account {
        let account = Account(id: UUID(), login: "test.\(UUID().uuidString.prefix(8).lowercased())",
                              displayName: "Test", role: role, scope: scope,
                              passwordHash: try await password.asyncMap { try await Passwords(cost: 4).hash($0) },
                              disabled: false)
        try await withGatewayAccounts { accounts in
            let created = try await accounts.create(account)
            #expect(created)
        }
        return account
    }

    static func withGatewayAccounts(_ body: (AccountRepository) async throws -> Void) async throws {
        let logger = Logger(label: "test")
        try await withPostgresClient(try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("gateway")),
                                     logger: logger) { client in
            try await Migrator.migrate(client, schema: try SQLIdentifier("gateway"), migrations: gatewayMigrations, logger: logger)
            try await body(AccountRepository(client: client, schema: try SQLIdentifier("gateway"), logger: logger))
        }
    }

    /// The text column of every row a query of the gateway's schema answers.
    static func withGatewayRows(_ sql: String) async throws -> [String] {
        var values: [String] = []
        try await withGatewayAccounts { accounts in
            for try await value in try await accounts.client.query(PostgresQuery(unsafeSQL: sql), logger: accounts.logger).decode(String.self) {
                values.append(value)
            }
        }
        return values
    }

    static func json(_ value: [String: String]) -> ByteBuffer {
        ByteBuffer(data: try! JSONSerialization.data(withJSONObject: value))
    }

    struct Tokens: Decodable {
        var accessToken: String
        var refreshToken: String
        var expiresIn: Int
    }

    static func login(_ client: some TestClientProtocol, _ login: String, _ password: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/auth/login", method: .post, headers: [.contentType: "application/json"],
                                 body: json(["login": login, "password": password]))
    }

    @Test func loginGivesTokensThatTheGatewayAccepts() async throws {
        let account = try await Self.makeAccount()
        let app = try await Gateway.buildApplication(Self.configuration())
        try await app.test(.live) { client in
            let response = try await Self.login(client, account.login, Self.password)
            #expect(response.status == .ok)
            let tokens = try JSONDecoder().decode(Tokens.self, from: response.body)
            #expect(tokens.expiresIn <= 900)
            let verified = await TokenVerifier(publicKey: TestKeys.privateKey.publicKey).identity(from: tokens.accessToken)
            #expect(verified == account.identity)
            try await client.execute(uri: "/api/auth/me", method: .get,
                                     headers: [.authorization: "Bearer \(tokens.accessToken)"]) { me in
                #expect(me.status == .ok)
                #expect(String(buffer: me.body).contains(account.login))
                #expect(me.headers[.xContentTypeOptions] == "nosniff")
                #expect(me.headers[.accessControlAllowOrigin] == nil)
            }
        }
    }

    @Test func failuresNeverTellWhetherTheLoginExistsAndEndInALock() async throws {
        let account = try await Self.makeAccount()
        let app = try await Gateway.buildApplication(Self.configuration(["LOGIN_FAILURE_DELAY_MS": "100"]))
        try await app.test(.live) { client in
            let wrong = try await Self.login(client, account.login, "not the password")
            let unknown = try await Self.login(client, "nobody.\(UUID().uuidString)", "not the password")
            #expect(wrong.status == .unauthorized && unknown.status == .unauthorized)
            #expect(String(buffer: wrong.body) == String(buffer: unknown.body))
            #expect(wrong.headers[.contentType] == "application/problem+json")

            // Failures 2, 3, 4: each answers later than the one before (100 ms × failures).
            let start = ContinuousClock.now
            for _ in 0..<3 { _ = try await Self.login(client, account.login, "still wrong") }
            #expect(ContinuousClock.now - start >= .milliseconds(900))
            _ = try await Self.login(client, account.login, "fifth failure")
            // Locked now: even the right password is refused, with the same answer.
            let locked = try await Self.login(client, account.login, Self.password)
            #expect(locked.status == .unauthorized)
            #expect(String(buffer: locked.body) == String(buffer: wrong.body))
        }
    }

    @Test func refreshRotatesAndAReusedTokenEndsTheSession() async throws {
        let account = try await Self.makeAccount()
        // No grace: the replay right after is the thief's (the grace has its own test).
        let app = try await Gateway.buildApplication(Self.configuration(["REFRESH_REUSE_GRACE_SECONDS": "0"]))
        try await app.test(.live) { client in
            let first = try JSONDecoder().decode(Tokens.self, from: try await Self.login(client, account.login, Self.password).body)
            let refreshed = try await client.execute(uri: "/api/auth/refresh", method: .post,
                                                     headers: [.contentType: "application/json"],
                                                     body: Self.json(["refreshToken": first.refreshToken]))
            #expect(refreshed.status == .ok)
            let second = try JSONDecoder().decode(Tokens.self, from: refreshed.body)
            #expect(second.refreshToken != first.refreshToken)

            // The first token again: refused, and the session it started (the second token) is revoked.
            let replay = try await client.execute(uri: "/api/auth/refresh", method: .post,
                                                  headers: [.contentType: "application/json"],
                                                  body: Self.json(["refreshToken": first.refreshToken]))
            #expect(replay.status == .unauthorized)
            let afterTheft = try await client.execute(uri: "/api/auth/refresh", method: .post,
                                                      headers: [.contentType: "application/json"],
                                                      body: Self.json(["refreshToken": second.refreshToken]))
            #expect(afterTheft.status == .unauthorized)

            // Logout revokes a fresh session's refresh token.
            let third = try JSONDecoder().decode(Tokens.self, from: try await Self.login(client, account.login, Self.password).body)
            let logout = try await client.execute(uri: "/api/auth/logout", method: .post,
                                                  headers: [.contentType: "application/json"],
                                                  body: Self.json(["refreshToken": third.refreshToken]))
            #expect(logout.status == .noContent)
            let afterLogout = try await client.execute(uri: "/api/auth/refresh", method: .post,
                                                       headers: [.contentType: "application/json"],
                                                       body: Self.json(["refreshToken": third.refreshToken]))
            #expect(afterLogout.status == .unauthorized)
        }
    }

    static func refresh(_ client: some TestClientProtocol, _ token: String) async throws -> TestResponse {
        try await client.execute(uri: "/api/auth/refresh", method: .post, headers: [.contentType: "application/json"],
                                 body: json(["refreshToken": token]))
    }

    /// A browser's concurrent requests after its access token expired all present the same refresh
    /// token: within the grace each gets a working pair and the session survives; the same token
    /// presented after the grace is a theft, and ends the session.
    @Test func concurrentRefreshesWithinTheGraceKeepTheSession() async throws {
        let account = try await Self.makeAccount()
        let app = try await Gateway.buildApplication(Self.configuration())
        try await app.test(.live) { client in
            let first = try JSONDecoder().decode(Tokens.self, from: try await Self.login(client, account.login, Self.password).body)
            let answers = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for _ in 0..<4 { group.addTask { try await Self.refresh(client, first.refreshToken) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.map(\.status) == Array(repeating: .ok, count: 4))
            let pairs = try answers.map { try JSONDecoder().decode(Tokens.self, from: $0.body) }
            // Every new refresh token works: nothing was revoked.
            var latest: [Tokens] = []
            for pair in pairs {
                let next = try await Self.refresh(client, pair.refreshToken)
                #expect(next.status == .ok)
                latest.append(try JSONDecoder().decode(Tokens.self, from: next.body))
            }
            // After the grace (its first use moved back a minute), the first token revokes the session.
            try await Self.withGatewayAccounts { accounts in
                try await accounts.client.query("""
                    UPDATE gateway.refresh_tokens SET used_at = used_at - interval '60 seconds'
                    WHERE token_sha256 = \(Secrets.sha256(first.refreshToken))
                    """)
            }
            #expect(try await Self.refresh(client, first.refreshToken).status == .unauthorized)
            for pair in latest {
                #expect(try await Self.refresh(client, pair.refreshToken).status == .unauthorized)
            }
        }
    }

    /// The grace serves a page's few concurrent requests, not whoever replays a stolen token in its
    /// 30 s (the security review of issue 18): one replay past them revokes the whole session.
    @Test func theGraceIsAFewRenewalsNotASupplyOfSessions() async throws {
        let account = try await Self.makeAccount()
        let app = try await Gateway.buildApplication(Self.configuration())
        try await app.test(.live) { client in
            let first = try JSONDecoder().decode(Tokens.self, from: try await Self.login(client, account.login, Self.password).body)
            var pairs: [Tokens] = []
            for _ in 0...AccountRepository.graceUses {
                let renewed = try await Self.refresh(client, first.refreshToken)
                #expect(renewed.status == .ok)
                pairs.append(try JSONDecoder().decode(Tokens.self, from: renewed.body))
            }
            #expect(try await Self.refresh(client, first.refreshToken).status == .unauthorized)
            for pair in pairs {
                #expect(try await Self.refresh(client, pair.refreshToken).status == .unauthorized, "the family is revoked")
            }
        }
    }

    @Test func disabledAccountsCannotLogIn() async throws {
        let account = try await Self.makeAccount()
        try await Self.withGatewayAccounts { accounts in
            let disabled = try await accounts.setDisabled(login: account.login, true)
            #expect(disabled)
        }
        let app = try await Gateway.buildApplication(Self.configuration())
        try await app.test(.live) { client in
            let status = try await Self.login(client, account.login, Self.password).status
            #expect(status == .unauthorized)
        }
    }

    @Test func badRequestsGetProblems() async throws {
        let app = try await Gateway.buildApplication(Self.configuration())
        try await app.test(.live) { client in
            for body in ["{", "[]", "{\"login\": 3}", String(repeating: "x", count: 100)] {
                try await client.execute(uri: "/api/auth/login", method: .post,
                                         headers: [.contentType: "application/json"], body: ByteBuffer(string: body)) {
                    #expect($0.status == .badRequest, "\(body)")
                    #expect($0.headers[.contentType] == "application/problem+json")
                }
            }
            try await client.execute(uri: "/api/auth/activate", method: .post, headers: [.contentType: "application/json"],
                                     body: Self.json(["login": "x", "activationCode": "y", "password": "short"])) {
                #expect($0.status == .unprocessableContent)
                #expect(String(buffer: $0.body).contains("\"field\":\"password\""))
            }
        }
    }

    /// Expired, tampered, foreign-key and header-only identities are refused by the gateway and by a
    /// service called directly.
    @Test func badTokensAreRefusedEverywhere() async throws {
        let identity = Identity(userId: UUID(), login: "someone", role: .dsii, scope: .national)
        let valid = try await TestKeys.token(identity)
        let expired = try await TestKeys.token(identity, claims: AccessTokenClaims(
            identity: identity, issuedAt: Date(timeIntervalSinceNow: -3600)))
        let foreign = try await TestKeys.token(identity, key: TestKeys.strangerKey)
        let tampered = TestKeys.elevated(valid)

        let inscriptions = try await Inscriptions.buildApplication(HealthTests.configuration("inscriptions", 8081))
        try await inscriptions.test(.live) { service in
            let gateway = try await Gateway.buildApplication(Self.configuration(
                ["INSCRIPTIONS_URL": "http://127.0.0.1:\(service.port!)"]))
            try await gateway.test(.live) { client in
                for (client, uri) in [(client as any TestClientProtocol, "/api/inscriptions/me"),
                                      (service as any TestClientProtocol, "/api/inscriptions/me")] {
                    for bad in [expired, foreign, tampered, "garbage", ""] {
                        let status = try await client.execute(uri: uri, method: .get,
                                                              headers: [.authorization: "Bearer \(bad)"]) { $0.status }
                        #expect(status == .unauthorized)
                    }
                    let anonymous = try await client.execute(uri: uri, method: .get,
                                                             headers: [HTTPField.Name("X-User")!: "admin"]) { $0.status }
                    #expect(anonymous == .unauthorized)
                    try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(valid)"]) {
                        #expect($0.status == .ok)
                        #expect(String(buffer: $0.body).contains("\"role\":\"dsii\""))
                    }
                }
            }
        }
    }

    @Test func routesToServicesAndAnswers503WhenOneIsDown() async throws {
        let account = try await Self.makeAccount(role: .centre, scope: .etablissement("0251080N"))
        let inscriptions = try await Inscriptions.buildApplication(HealthTests.configuration("inscriptions", 8081))
        try await inscriptions.test(.live) { service in
            let gateway = try await Gateway.buildApplication(Self.configuration([
                "INSCRIPTIONS_URL": "http://127.0.0.1:\(service.port!)", "MISSIONS_URL": "http://127.0.0.1:1",
                "MAX_BODY_BYTES": "1000",
            ]))
            try await gateway.test(.live) { client in
                let tokens = try JSONDecoder().decode(Tokens.self, from: try await Self.login(client, account.login, Self.password).body)
                let auth: HTTPFields = [.authorization: "Bearer \(tokens.accessToken)", .correlationId: "trace-42"]
                try await client.execute(uri: "/api/inscriptions/me", method: .get, headers: auth) {
                    #expect($0.status == .ok)
                    #expect(String(buffer: $0.body).contains("\"scope\":\"uai:0251080N\""))
                    #expect($0.headers[.correlationId] == "trace-42")
                }
                try await client.execute(uri: "/api/missions/me", method: .get, headers: auth) {
                    #expect($0.status == .serviceUnavailable)
                    #expect($0.headers[.contentType] == "application/problem+json")
                }
                try await client.execute(uri: "/api/inscriptions/anything", method: .post,
                                         headers: [.authorization: "Bearer \(tokens.accessToken)", .contentType: "application/json"],
                                         body: ByteBuffer(string: String(repeating: "x", count: 5000))) {
                    #expect($0.status == .contentTooLarge)
                }
            }
        }
    }

    /// Examiner accounts come from Missions' `convocation.issued`; the code sets the password once.
    @Test func convocationCreatesAnAccountActivatedOnce() async throws {
        let app = try await Gateway.buildApplication(Self.configuration())
        let code = ActivationCode.generate()
        let person = Intervenant(id: UUID(), login: "exam.\(UUID().uuidString.prefix(8).lowercased())", nom: "Martin",
                                 prenom: "Camille", email: nil, uai: "0251080N")
        let convocation = ConvocationIssued(
            convocationId: UUID(), missionId: UUID(), kind: .examinateur, session: 2027, epreuve: "T011B",
            academie: "03", centreUAI: "0251080N", intervenant: person, activationCodeSHA256: ActivationCode.sha256(code))
        try await app.test(.live) { client in
            let amqp = try AMQPConfiguration(url: LocalInfrastructure.amqpURL)
            let publisher = AMQPPublisher(configuration: amqp, appId: "test", logger: Logger(label: "test"))
            let running = Running(publisher)
            defer { Task { await running.stop() } }
            while !publisher.isConnected { try await Task.sleep(for: .milliseconds(20)) }
            let envelope = EventEnvelope(producer: "missions", correlationId: "conv", payload: convocation)
            // The gateway's queue may be declared a moment after start: retry until routed.
            var outcome = PublishOutcome.nacked
            for _ in 0..<100 where outcome != .acked {
                outcome = try await publisher.publish([OutgoingMessage(
                    routingKey: ConvocationIssued.eventType, body: try EventCoding.encoder.encode(envelope),
                    messageId: envelope.id.uuidString, type: ConvocationIssued.eventType, correlationId: "conv",
                    userId: EventOwners.byType[ConvocationIssued.eventType])])[0]
                if outcome != .acked { try await Task.sleep(for: .milliseconds(50)) }
            }
            var activated = HTTPResponse.Status.unauthorized
            for _ in 0..<100 where activated != .noContent {
                activated = try await client.execute(
                    uri: "/api/auth/activate", method: .post, headers: [.contentType: "application/json"],
                    body: Self.json(["login": person.login, "activationCode": code.lowercased().replacingOccurrences(of: "-", with: " "), "password": Self.password])) { $0.status }
                if activated != .noContent { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(activated == .noContent)
            let again = try await client.execute(
                uri: "/api/auth/activate", method: .post, headers: [.contentType: "application/json"],
                body: Self.json(["login": person.login, "activationCode": code, "password": "another password!"])) { $0.status }
            #expect(again == .unauthorized, "the code works once")
            let login = try await Self.login(client, person.login, Self.password)
            #expect(login.status == .ok)
            let tokens = try JSONDecoder().decode(Tokens.self, from: login.body)
            let identity = await TokenVerifier(publicKey: TestKeys.privateKey.publicKey).identity(from: tokens.accessToken)
            #expect(identity?.role == .examinateur && identity?.scope == .academie("03"))
        }
    }
}


extension GatewayTests {
    /// Expired refresh tokens and idle failure counters are pruned; live ones stay.
    @Test func housekeepingForgetsOnlyWhatNoLongerMatters() async throws {
        let account = try await Self.makeAccount()
        try await Self.withGatewayAccounts { accounts in
            let s = accounts.schema.name
            let old = "old-\(UUID().uuidString)", live = "live-\(UUID().uuidString)"
            try await accounts.storeRefreshToken(sha256: old, account: account.id, family: UUID(), expiresIn: .seconds(60))
            try await accounts.client.query("UPDATE \(unescaped: s).refresh_tokens SET expires_at = now() - interval '2 days' WHERE token_sha256 = \(old)")
            try await accounts.storeRefreshToken(sha256: live, account: account.id, family: UUID(), expiresIn: .seconds(3600))
            let idle = "idle-\(UUID().uuidString)", locked = "locked-\(UUID().uuidString)"
            try await accounts.client.query("""
                INSERT INTO \(unescaped: s).login_failures (login, failures, locked_until, last_failure_at) VALUES
                    (\(idle), 2, NULL, now() - interval '2 days'), (\(locked), 5, now() + interval '10 minutes', now() - interval '2 days')
                """)
            try await accounts.prune()
            let tokens = try await accounts.client.query(
                "SELECT token_sha256 FROM \(unescaped: s).refresh_tokens WHERE token_sha256 = ANY(\([old, live]))").collect()
                .map { try $0.decode(String.self) }
            #expect(tokens == [live])
            let failures = try await accounts.client.query(
                "SELECT login FROM \(unescaped: s).login_failures WHERE login = ANY(\([idle, locked]))").collect()
                .map { try $0.decode(String.self) }
            #expect(failures == [locked], "a lock still running is kept")
        }
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}

extension ByteBuffer {
    var data: Data { Data(readableBytesView) }
}

extension JSONDecoder {
    func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        try decode(type, from: Data(buffer.readableBytesView))
    }
}
