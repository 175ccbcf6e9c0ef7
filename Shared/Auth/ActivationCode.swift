import Crypto
import Foundation

/// The one-time code printed on a convocation, with which the convoked person sets their first
/// password. Missions makes it and sends only its hash; the gateway hashes what the person types the
/// same way (case, spaces and dashes do not matter: people copy it from paper).
public enum ActivationCode {
    /// No 0/O, 1/I/L: nothing to confuse on paper.
    static let alphabet = Array("ABCDEFGHJKMNPQRSTUVWXYZ23456789")

    /// 15 random characters in groups of five (≈ 74 bits).
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let characters = (0..<15).map { _ in alphabet.randomElement(using: &generator)! }
        return stride(from: 0, to: 15, by: 5).map { String(characters[$0..<$0 + 5]) }.joined(separator: "-")
    }

    /// SHA-256 (hex) of the code as typed, normalised.
    public static func sha256(_ typed: String) -> String {
        let normalised = typed.uppercased().filter { $0 != "-" && !$0.isWhitespace }
        return sha256Hex(Data(normalised.utf8))
    }
}
