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

/// Resource abuse (issue 18, item 7): what a visitor can make the gateway and the services spend
/// (bodies, bcrypt, broker connections) and how they answer when the database is gone.
@Suite(.serialized) struct ResourceAbuseTests {
    static let unauthorizedHead = "HTTP/1.1 401"

    // MARK: the proxy

    @Test func theDocumentedBodyLimitIsTheDefault() {
        #expect(GatewaySettings([:]).maxBodySize == 25_000_000)
    }

    /// An anonymous upload is refused before a byte of its body is read: the gateway answers 401 to
    /// the head alone (the body never comes), declared or chunked, big or small.
    @Test func anonymousBodiesAreRefusedBeforeTheyAreRead() async throws {
        let silent = try Blackhole()
        let gateway = try await Gateway.buildApplication(GatewayTests.configuration(
            ["INSCRIPTIONS_URL": "http://127.0.0.1:\(silent.port)"]))
        try await gateway.test(.live) { client in
            let port = client.port!
            for framing in ["Content-Length: 20000000", "Transfer-Encoding: chunked"] {
                let started = ContinuousClock.now
                let answer = await Task.detached {
                    rawHTTP(port: port, Array("POST /api/inscriptions/sessions HTTP/1.1\r\nHost: x\r\n\(framing)\r\nContent-Type: application/json\r\n\r\n".utf8),
                            timeout: 10)
                }.value
                #expect(answer.hasPrefix(Self.unauthorizedHead), "\(framing): \(answer.prefix(200))")
                #expect(answer.contains("application/problem+json"))
                #expect(ContinuousClock.now - started < .seconds(5))
            }
        }
    }

    /// A connection that never finishes its request head, or keeps an answered connection open and
    /// silent, is closed after `HTTP_IDLE_TIMEOUT_SECONDS`: an anonymous client could otherwise hold
    /// the gateway's descriptors until it stopped accepting anyone.
    @Test func silentConnectionsAreClosed() async throws {
        let gateway = try await Gateway.buildApplication(GatewayTests.configuration(["HTTP_IDLE_TIMEOUT_SECONDS": "1"]))
        try await gateway.test(.live) { client in
            let port = client.port!
            for (what, bytes) in [("an unfinished head", "GET /health HTTP/1.1\r\nHost: x\r\n"),
                                  ("an idle keep-alive", "GET /openapi.yaml HTTP/1.1\r\nHost: x\r\n\r\n")] {
                let started = ContinuousClock.now
                // rawHTTP returns at the close, else at its own timeout (30 s).
                let answer = await Task.detached { rawHTTP(port: port, Array(bytes.utf8), waitForClose: true, timeout: 30) }.value
                #expect(ContinuousClock.now - started < .seconds(10), "\(what): still open")
                #expect(what == "an unfinished head" ? answer.isEmpty : answer.hasPrefix("HTTP/1.1 200"), "\(what): \(answer.prefix(100))")
            }
        }
    }

    /// A chunked upload is passed on as it comes and cut off with 413 once it passes the limit.
    @Test func chunkedBodiesAreCountedAgainstTheLimit() async throws {
        let silent = try Blackhole()
        let token = try await TestKeys.token(Identity(userId: UUID(), login: "x", role: .dsii, scope: .national))
        let gateway = try await Gateway.buildApplication(GatewayTests.configuration(
            ["INSCRIPTIONS_URL": "http://127.0.0.1:\(silent.port)", "MAX_BODY_BYTES": "1000"]))
        try await gateway.test(.live) { client in
            let port = client.port!
            var request = "POST /api/inscriptions/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n"
                + "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n"
            for _ in 0..<3 { request += "258\r\n" + String(repeating: "x", count: 600) + "\r\n" }
            request += "0\r\n\r\n"
            let bytes = Array(request.utf8)
            let answer = await Task.detached { rawHTTP(port: port, bytes, timeout: 20) }.value
            #expect(answer.hasPrefix("HTTP/1.1 413"), "\(answer.prefix(300))")
            #expect(answer.contains("application/problem+json") && answer.contains("too-large"))
        }
    }

    /// A service that refuses a chunked upload before its end, sent slowly: the gateway passes the
    /// refusal on and keeps serving. Its HTTP client was still reading the body when the server read
    /// it too, to skip what was left, and the process died (NIO allows one reader).
    @Test func aServiceAnsweringBeforeTheEndOfASlowUploadLeavesTheGatewayUp() async throws {
        let early = try EarlyAnswer()
        let token = try await TestKeys.token(Identity(userId: UUID(), login: "x", role: .dsii, scope: .national))
        let gateway = try await Gateway.buildApplication(GatewayTests.configuration(["INSCRIPTIONS_URL": "http://127.0.0.1:\(early.port)"]))
        try await gateway.test(.live) { client in
            let port = client.port!
            let head = "POST /api/inscriptions/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n"
                + "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5\r\n{\"a\":\r\n"
            let rest = "2\r\n1}\r\n0\r\n\r\n"
            for _ in 0..<3 {
                let answer = await Task.detached { rawHTTP(port: port, Array(head.utf8), rest: Array(rest.utf8), after: 0.5, timeout: 20) }.value
                let passedOn = answer.hasPrefix("HTTP/1.1 403") && answer.hasSuffix("{\"title\":\"early\"}")
                #expect(passedOn, "\(answer.prefix(300))")
            }
            let after = try await client.execute(uri: "/nowhere", method: .get)
            #expect(after.status == .notFound)
        }
    }

    /// The gateway's database gone while a chunked upload waits on its client: the outage answer
    /// (503) stops the forwarding's read, then the server skips the rest; it used to crash, the
    /// read being the HTTP client's task's, out of reach of the request's cancellation.
    @Test func anUploadAbandonedForADatabaseOutageLeavesTheGatewayUp() async throws {
        let relay = try TCPRelay(to: 5433)
        defer { relay.stop() }
        let silent = try Blackhole()
        let token = try await TestKeys.token(Identity(userId: UUID(), login: "x", role: .dsii, scope: .national))
        let gateway = try await Gateway.buildApplication(GatewayTests.configuration([
            "INSCRIPTIONS_URL": "http://127.0.0.1:\(silent.port)", "DATABASE_TIMEOUT_SECONDS": "1",
            "DATABASE_URL": LocalInfrastructure.serviceDatabaseURL("gateway", port: relay.port),
            // No broker: the gateway's consumer would hold other tests' events against the dead database.
            "AMQP_URL": "amqp://guest:guest@127.0.0.1:1/"]))
        let run = Task {
            try await gateway.test(.live) { client in
                let port = client.port!
                relay.cut()
                // The head and the body's first chunk, then nothing: the client's read waits.
                let head = "POST /api/inscriptions/sessions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(token)\r\n"
                    + "Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5\r\n{\"a\":\r\n"
                let answer = await Task.detached { rawHTTP(port: port, Array(head.utf8), timeout: 20) }.value
                #expect(answer.hasPrefix("HTTP/1.1 503"), "\(answer.prefix(300))")
                let after = try await client.execute(uri: "/nowhere", method: .get)
                #expect(after.status == .notFound)
            }
        }
        try await Self.stopWithoutDatabase(run, "gateway")
    }

    // MARK: metrics

    /// `/metrics` needs the operators' token; without `METRICS_TOKEN` it is not served at all.
    @Test func metricsNeedTheOperatorsToken() async throws {
        let accessToken = try await TestKeys.token(Identity(userId: UUID(), login: "a", role: .admin, scope: .national))
        let gateway = try await Gateway.buildApplication(GatewayTests.configuration(["METRICS_TOKEN": "s3cret-metrics"]))
        try await gateway.test(.live) { client in
            #expect(try await client.execute(uri: "/metrics", method: .get).status == .unauthorized)
            for wrong in ["Bearer s3cret-metricz", "Bearer ", "s3cret-metrics", "Bearer \(accessToken)"] {
                #expect(try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: wrong]).status == .unauthorized)
            }
            try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer s3cret-metrics"]) {
                #expect($0.status == .ok && String(buffer: $0.body).contains("ece_http_requests_total"))
            }
        }
        let closed = try await Gateway.buildApplication(GatewayTests.configuration(["METRICS_TOKEN": ""]))
        try await closed.test(.live) { client in
            let status = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer "]).status
            #expect(status == .notFound)
        }
    }

    /// Scrapes while the broker hangs (it accepts connections and never speaks) must not stall the
    /// service: the depth of each dead-letter queue is asked on threads of its own, not on the
    /// cooperative pool that serves requests.
    @Test func metricsNeverBlockTheCooperativePool() async throws {
        let silentBroker = try Blackhole()
        let gateway = try await Gateway.buildApplication(GatewayTests.configuration(
            ["AMQP_URL": "amqp://guest:guest@127.0.0.1:\(silentBroker.port)/"]))
        try await gateway.test(.live) { client in
            let port = client.port!
            let scrapes = ProcessInfo.processInfo.activeProcessorCount * 2 + 2
            for _ in 0..<scrapes {
                Thread.detachNewThread {
                    _ = rawHTTP(port: port, Array("GET /metrics HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(HealthTests.metricsToken)\r\n\r\n".utf8),
                                timeout: 60)
                }
            }
            try await Task.sleep(for: .milliseconds(500))
            // Answered from another thread, timed there: the test's own tasks share the pool.
            let elapsed = await Task.detached {
                let start = Date()
                _ = rawHTTP(port: port, Array("GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n".utf8), timeout: 30)
                return Date().timeIntervalSince(start)
            }.value
            #expect(elapsed < 2, "a request waited \(elapsed) s behind the scrapes")
        }
    }

    // MARK: sign-in

    static func withController(_ policy: Authentification.Policy = .init(), passwords: Passwords = Passwords(cost: 4),
                               _ body: (Authentification) async throws -> Void) async throws {
        let logger = Logger(label: "test")
        try await withPostgresClient(try DatabaseConfiguration.client(url: LocalInfrastructure.serviceDatabaseURL("gateway")),
                                     logger: logger) { client in
            let accounts = AccountRepository(client: client, schema: try SQLIdentifier("gateway"), logger: logger)
            try await body(Authentification(accounts: accounts, passwords: passwords,
                                          signer: await TokenSigner(privateKey: TestKeys.privateKey), policy: policy))
        }
    }

    /// Thirty wrong passwords at once check no more than the threshold's five; the right one
    /// afterwards is refused (locked).
    @Test func aParallelBurstChecksNoMoreGuessesThanTheThreshold() async throws {
        let account = try await GatewayTests.makeAccount()
        var policy = Authentification.Policy()
        policy.failureDelayStep = .milliseconds(1)
        policy.loginBurst = 1000
        let passwords = Passwords(cost: 4)
        try await Self.withController(policy, passwords: passwords) { auth in
            let logger = Logger(label: "test")
            let refused = await withTaskGroup(of: Bool.self) { group in
                for i in 0..<30 {
                    group.addTask {
                        (try? await auth.authenticate(.init(login: account.login, password: "wrong guess \(i)"), client: "c", logger: logger)) == nil
                    }
                }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(refused == 30)
            #expect(passwords.bcrypts.current <= policy.lockThreshold, "\(passwords.bcrypts.current) passwords checked")
            await #expect(throws: Problem.self) {
                try await auth.authenticate(.init(login: account.login, password: GatewayTests.password), client: "c", logger: logger)
            }
        }
    }

    /// The per-client throttle answers 429 with `Retry-After` before bcrypt; `X-Forwarded-For`
    /// counts only behind a trusted proxy.
    @Test func signInsAreThrottledPerClient() async throws {
        let account = try await GatewayTests.makeAccount()
        let json: HTTPFields = [.contentType: "application/json"]
        let body = GatewayTests.json(["login": account.login, "password": "not the password"])
        let app = try await Gateway.buildApplication(GatewayTests.configuration(["LOGIN_BURST": "3", "LOGIN_RATE_PER_MINUTE": "1"]))
        try await app.test(.live) { client in
            for _ in 0..<3 {
                #expect(try await client.execute(uri: "/api/auth/login", method: .post, headers: json, body: body).status == .unauthorized)
            }
            try await client.execute(uri: "/api/auth/login", method: .post, headers: json, body: body) {
                #expect($0.status == .tooManyRequests)
                #expect($0.headers[.contentType] == "application/problem+json")
                #expect(($0.headers[.retryAfter].flatMap(Int.init) ?? 0) > 0)
            }
            // A forwarded address from an untrusted peer changes nothing.
            var forwarded = json
            forwarded[HTTPField.Name("X-Forwarded-For")!] = "203.0.113.9"
            #expect(try await client.execute(uri: "/api/auth/login", method: .post, headers: forwarded, body: body).status == .tooManyRequests)
        }
        let behindProxy = try await Gateway.buildApplication(GatewayTests.configuration(
            ["LOGIN_BURST": "1", "LOGIN_RATE_PER_MINUTE": "1", "TRUSTED_PROXIES": "127.0.0.1"]))
        try await behindProxy.test(.live) { client in
            for address in ["203.0.113.1", "203.0.113.2"] {
                var forwarded = json
                forwarded[HTTPField.Name("X-Forwarded-For")!] = "\(address), 127.0.0.1"
                let first = try await client.execute(uri: "/api/auth/login", method: .post, headers: forwarded, body: body).status
                let second = try await client.execute(uri: "/api/auth/login", method: .post, headers: forwarded, body: body).status
                #expect(first == .unauthorized && second == .tooManyRequests, "\(address)")
            }
        }
    }

    /// An IPv6 client is its /64: a host that walks through the addresses of its network keeps one
    /// bucket; the next /64, and each IPv4 address, has its own.
    @Test func anIPv6ClientIsThrottledPerSlash64() {
        #expect(ClientThrottle.bucket(of: "2001:db8:1:2::1") == "2001:db8:1:2::/64")
        #expect(ClientThrottle.bucket(of: "2001:0DB8:0001:0002:ffff:ffff:ffff:fffe") == "2001:db8:1:2::/64")
        #expect(ClientThrottle.bucket(of: "::ffff:203.0.113.9") == "203.0.113.9")
        #expect(ClientThrottle.bucket(of: "203.0.113.9") == "203.0.113.9")
        #expect(ClientThrottle.bucket(of: "unknown") == "unknown")
        let throttle = ClientThrottle(burst: 2, perMinute: 1)
        #expect(throttle.take("2001:db8:1:2::1") == nil && throttle.take("2001:db8:1:2::2") == nil)
        #expect(throttle.take("2001:db8:1:2:a:b:c:d") != nil, "a third address of the same /64 is throttled")
        #expect(throttle.take("2001:db8:1:3::1") == nil, "the next /64 is another client")
        throttle.giveBack("2001:db8:1:2::99")
        #expect(throttle.take("2001:db8:1:2::1") == nil, "a success gives back to the /64")
        #expect(throttle.take("203.0.113.1") == nil && throttle.take("203.0.113.1") == nil && throttle.take("203.0.113.2") == nil)
        #expect(throttle.take("203.0.113.1") != nil)
    }

    /// A throttle full of clients that are all still paying (an attacker's /64s, kept busy) forgets
    /// them all when a new one comes, rather than scanning them for each newcomer, under the lock
    /// every sign-in takes: a flood could otherwise make each request pay for all the others.
    @Test func aThrottleFloodedWithNewClientsForgetsThemAtOnce() {
        let throttle = ClientThrottle(burst: 1, perMinute: 1, capacity: 4)
        for client in ["203.0.113.1", "203.0.113.2", "203.0.113.3", "203.0.113.4"] { #expect(throttle.take(client) == nil) }
        #expect(throttle.take("203.0.113.2") != nil)
        throttle.giveBack("203.0.113.1")   // the one client that is not paying: its bucket is full again
        #expect(throttle.take("203.0.113.5") == nil)
        #expect(throttle.take("203.0.113.2") == nil, "the flooded memory started over")
        #expect(throttle.take("203.0.113.2") != nil)
    }

    /// A client that spent more than half its burst keeps what it spent when a flood of new clients
    /// empties the throttle's memory (while such clients fit in half of it), even after pausing long
    /// enough to get a check back: a flood gives a guesser back at most half its burst.
    @Test func aFloodDoesNotFreeAClientHeldBack() async throws {
        let throttle = ClientThrottle(burst: 4, perMinute: 30, capacity: 4)
        let (guesser, others) = ("203.0.113.2", ["203.0.113.1", "203.0.113.3", "203.0.113.4"])
        for _ in 0..<4 { #expect(throttle.take(guesser) == nil) }
        #expect(throttle.take(guesser) != nil)
        for client in others { for _ in 0..<3 { #expect(throttle.take(client) == nil) } }
        // 3 s at half a check a second: the guesser has 1.5 checks, the others 2.5 (none full again).
        try await Task.sleep(for: .seconds(3))
        #expect(throttle.take("203.0.113.5") == nil)   // full, most still spending: the memory starts over
        #expect(throttle.take(guesser) == nil)
        #expect(throttle.take(guesser) != nil, "the flood gave the guesser back its burst")
        for _ in 0..<4 { #expect(throttle.take("203.0.113.3") == nil, "a client that spent less starts over with a full bucket") }
    }

    /// A wrong activation code costs no bcrypt: the code is checked before the password is hashed.
    @Test func activationChecksTheCodeBeforeHashing() async throws {
        let account = try await GatewayTests.makeAccount(password: nil)
        let passwords = Passwords(cost: 4)
        try await Self.withController(passwords: passwords) { auth in
            await #expect(throws: Problem.self) {
                try await auth.activate(.init(login: account.login, activationCode: "AAAAA-BBBBB-CCCCC", password: "un mot de passe assez long"),
                                        client: "c", logger: Logger(label: "test"))
            }
        }
        #expect(passwords.bcrypts.current == 0)
    }

    /// Wrong activation codes are throttled per client like passwords (429 with `Retry-After`), and
    /// are no sign-in failures: posting codes for someone's login does not lock its owner out.
    @Test func wrongActivationCodesAreThrottledAndLockNobodyOut() async throws {
        let account = try await GatewayTests.makeAccount()
        let json: HTTPFields = [.contentType: "application/json"]
        let body = GatewayTests.json(["login": account.login, "activationCode": "AAAAA-BBBBB-CCCCC", "password": "un mot de passe assez long"])
        let burst = Authentification.Policy().lockThreshold + 1
        let app = try await Gateway.buildApplication(GatewayTests.configuration(["LOGIN_BURST": "\(burst)", "LOGIN_RATE_PER_MINUTE": "1"]))
        try await app.test(.live) { client in
            for _ in 0..<burst {
                #expect(try await client.execute(uri: "/api/auth/activate", method: .post, headers: json, body: body).status == .unauthorized)
            }
            try await client.execute(uri: "/api/auth/activate", method: .post, headers: json, body: body) {
                #expect($0.status == .tooManyRequests)
                #expect($0.headers[.contentType] == "application/problem+json")
                #expect(($0.headers[.retryAfter].flatMap(Int.init) ?? 0) > 0)
            }
            // The same client's sign-ins share the bucket: the guesser cannot switch to passwords.
            #expect(try await GatewayTests.login(client, account.login, GatewayTests.password).status == .tooManyRequests)
        }
        // The owner, from another address, signs in: the login is not locked.
        try await Self.withController { auth in
            let tokens = try await auth.authenticate(.init(login: account.login, password: GatewayTests.password),
                                                     client: "the owner", logger: Logger(label: "test"))
            #expect(tokens.user.login == account.login)
        }
    }

    // MARK: database outage

    /// With its database gone (the relay in front of it cut), a service answers 503 problem+json
    /// with `Retry-After` within a few seconds, not a 500 nor a minute's hang.
    @Test(arguments: ["gateway", "inscriptions"])
    func aDatabaseOutageAnswers503Quickly(service: String) async throws {
        let relay = try TCPRelay(to: 5433)
        defer { relay.stop() }
        // No broker: the service's consumers would otherwise take events other tests left in the
        // shared queues and hold them against the dead database until the pool gives up (a minute).
        let overrides = ["DATABASE_URL": LocalInfrastructure.serviceDatabaseURL(service, port: relay.port), "DATABASE_TIMEOUT_SECONDS": "1",
                         "AMQP_URL": "amqp://guest:guest@127.0.0.1:1/"]
        let token = try await TestKeys.token(Identity(userId: UUID(), login: "x", role: .dsii, scope: .national))
        let run = Task {
            let app: any ApplicationProtocol
            if service == "gateway" {
                app = try await Gateway.buildApplication(GatewayTests.configuration(overrides))
            } else {
                app = try await Inscriptions.buildApplication(HealthTests.configuration("inscriptions", 8081, overrides))
            }
            try await app.test(.live) { client in
                func call() async throws -> TestResponse {
                    service == "gateway"
                        ? try await GatewayTests.login(client, "nobody.\(UUID().uuidString.prefix(8))", "not the password")
                        : try await client.execute(uri: "/api/inscriptions/sessions", method: .get, headers: [.authorization: "Bearer \(token)"])
                }
                let before = try await call()
                #expect(before.status == .unauthorized || before.status == .ok, "\(before.status)")
                relay.cut()
                for _ in 0..<2 {
                    let started = ContinuousClock.now
                    let during = try await call()
                    #expect(during.status == .serviceUnavailable, "\(during.status) \(String(buffer: during.body))")
                    #expect(during.headers[.contentType] == "application/problem+json")
                    #expect(during.headers[.retryAfter] != nil)
                    #expect(ContinuousClock.now - started < .seconds(8))
                }
            }
        }
        try await Self.stopWithoutDatabase(run, service)
    }

    /// A service stops within seconds even with its database still gone: its outbox relay's pass and
    /// listener, stuck on a connection that died under them (PostgresNIO never answers a query written
    /// to a closed channel), are abandoned at the shutdown (`abandoning`) instead of holding it.
    static func stopWithoutDatabase(_ run: Task<Void, any Error>, _ service: String) async throws {
        guard let stopped = await outcome(of: run, within: .seconds(30)) else {
            Issue.record("\(service) did not stop within 30 s of the end of the test")
            return
        }
        try stopped.get()
    }

    /// The task's result, or nil if it has not finished within `limit` (it then runs on, abandoned).
    static func outcome<T: Sendable>(of task: Task<T, any Error>, within limit: Duration) async -> Result<T, any Error>? {
        let first = FirstAnswer<Result<T, any Error>?>()
        return await withCheckedContinuation { continuation in
            first.continuation = continuation
            Task { first.give(await task.result) }
            Task {
                try? await Task.sleep(for: limit)
                first.give(nil)
            }
        }
    }
}

/// The first of several answers, to one waiter.
private final class FirstAnswer<Value: Sendable>: @unchecked Sendable {
    let lock = NSLock()
    var continuation: CheckedContinuation<Value, Never>?

    func give(_ value: Value) {
        lock.withLock { () -> CheckedContinuation<Value, Never>? in
            defer { continuation = nil }
            return continuation
        }?.resume(returning: value)
    }
}
