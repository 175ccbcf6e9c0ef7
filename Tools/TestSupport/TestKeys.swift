import Foundation
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

    /// The token with its payload raised to an administrator's, under the original signature.
    public static func elevated(_ token: String) -> String {
        var parts = token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        var payload = (try? JSONSerialization.jsonObject(with: Data(base64Encoded: base64) ?? Data())) as? [String: Any] ?? [:]
        payload["role"] = "admin"
        payload["scope"] = "national"
        parts[1] = (try! JSONSerialization.data(withJSONObject: payload)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        return parts.joined(separator: ".")
    }
}
