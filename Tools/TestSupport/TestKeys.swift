import JWTKit
import Shared

/// A token key pair made for this test process, as the environment variables the services read.
public enum TestKeys {
    public static let privateKey = try! EdDSA.PrivateKey(curve: .ed25519)

    public static var environment: [String: String] {
        ["JWT_PRIVATE_KEY": privateKey.pemRepresentation, "JWT_PUBLIC_KEY": privateKey.publicKey.pemRepresentation]
    }

    /// Another key, for tokens that must be refused.
    public static let strangerKey = try! EdDSA.PrivateKey(curve: .ed25519)

    public static func token(_ identity: Identity, key: EdDSA.PrivateKey = privateKey,
                             claims: AccessTokenClaims? = nil) async throws -> String {
        try await TokenSigner(privateKey: key).sign(claims ?? AccessTokenClaims(identity: identity))
    }
}
