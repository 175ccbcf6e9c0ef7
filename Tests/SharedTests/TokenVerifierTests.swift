import Foundation
import JWTKit
import Testing
import TestSupport
@testable import Shared

/// The verifier remembers the tokens it checked: the memory must never accept what a full check
/// would refuse.
@Suite struct TokenVerifierTests {
    let identity = Identity(userId: UUID(), login: "examinateur.x", role: .examinateur, scope: .academie("03"))

    @Test func aRememberedTokenStillRefusesItsTamperedCopies() async throws {
        let verifier = await TokenVerifier(publicKey: TestKeys.privateKey.publicKey)
        let valid = try await TestKeys.token(identity)
        #expect(await verifier.identity(from: valid) == identity)
        #expect(await verifier.identity(from: valid) == identity, "the second use, remembered")

        // The same signature on an elevated payload, the same payload signed by another key.
        #expect(await verifier.identity(from: TestKeys.elevated(valid)) == nil)
        #expect(await verifier.identity(from: try await TestKeys.token(identity, key: TestKeys.strangerKey)) == nil)
        #expect(await verifier.identity(from: valid + "x") == nil)
        #expect(await verifier.identity(from: valid) == identity)
    }

    @Test func aRememberedTokenExpiresAtItsOwnExpiry() async throws {
        let verifier = await TokenVerifier(publicKey: TestKeys.privateKey.publicKey)
        let lifetime = AccessTokenClaims.maximumLifetime
        let shortLived = try await TestKeys.token(identity, claims: AccessTokenClaims(
            identity: identity, issuedAt: Date(timeIntervalSinceNow: 2 - lifetime), lifetime: lifetime))
        #expect(await verifier.identity(from: shortLived) == identity)
        try await Task.sleep(for: .seconds(3))
        #expect(await verifier.identity(from: shortLived) == nil, "expired, remembered or not")
    }

    @Test func aFullMemoryForgetsAndStillVerifies() async throws {
        let verifier = await TokenVerifier(publicKey: TestKeys.privateKey.publicKey, remembering: 2)
        var callers: [(Identity, String)] = []
        for k in 0..<5 {
            let caller = Identity(userId: UUID(), login: "examinateur.\(k)", role: .examinateur, scope: .academie("03"))
            callers.append((caller, try await TestKeys.token(caller)))
        }
        for _ in 0..<2 {
            for (caller, token) in callers { #expect(await verifier.identity(from: token) == caller) }
        }
    }

    /// A full memory in which callers keep arriving while a few entries lapse scans itself once per
    /// half of its capacity, not for every newcomer (`Dictionary.makeRoom`): the sum of the scans
    /// stays proportional to the insertions.
    @Test func aFullMemoryIsNotScannedForEveryNewcomer() {
        let capacity = 100, arrivals = 1_000
        var memory = Dictionary(uniqueKeysWithValues: (0..<capacity).map { ($0, true) })
        var examined = 0
        for k in capacity..<(capacity + arrivals) {
            // One remembered entry lapses (the oldest still there) as each newcomer arrives.
            if let lapsed = memory.keys.min() { memory[lapsed] = false }
            memory.makeRoom(capacity: capacity) { examined += 1; return $0 }
            memory[k] = true
            #expect(memory.count <= capacity)
        }
        #expect(examined <= 3 * arrivals, "\(examined) entries examined for \(arrivals) arrivals")
        // Most entries lapsed: only the living stay.
        var lapsing = Dictionary(uniqueKeysWithValues: (0..<4).map { ($0, $0 == 0) })
        lapsing.makeRoom(capacity: 4) { $0 }
        #expect(lapsing == [0: true])
    }
}
