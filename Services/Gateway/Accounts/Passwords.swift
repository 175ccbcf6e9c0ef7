import Foundation
import HummingbirdBcrypt
import NIOPosix
import Shared
import Synchronization

/// Password hashing with bcrypt, off the cooperative pool (a hash costs a few hundred ms of CPU).
struct Passwords: Sendable {
    /// bcrypt cost (`BCRYPT_COST`, default 12; tests use less).
    let cost: UInt8
    /// A hash of a random secret, verified against for unknown logins so both paths cost the same.
    private let decoy: String
    /// bcrypt runs since start, hashes and checks (the lockout's tests count them).
    let bcrypts = Count()

    final class Count: Sendable {
        private let value = Atomic<Int>(0)
        func add() { value.add(1, ordering: .relaxed) }
        var current: Int { value.load(ordering: .relaxed) }
    }

    init(cost: UInt8) {
        self.cost = cost
        decoy = Bcrypt.hash(UUID().uuidString, cost: cost)
    }

    func hash(_ password: String) async throws -> String {
        let cost = cost
        bcrypts.add()
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, hash: String?) async throws -> Bool {
        let candidate = hash ?? decoy
        bcrypts.add()
        let ok = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: candidate) }
        return ok && hash != nil
    }

    /// The rule for new passwords: long enough to resist guessing (ANSSI recommends length over complexity).
    static func problems(_ password: String) -> String? {
        password.count < 12 ? "au moins 12 caractères / at least 12 characters" :
            password.count > 128 ? "au plus 128 caractères / at most 128 characters" : nil
    }
}

/// Random secrets (refresh tokens, activation codes) and their stored form.
enum Secrets {
    static func token() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func sha256(_ text: String) -> String {
        sha256Hex(Data(text.utf8))
    }
}
