import Crypto
import Foundation

extension JSONEncoder {
    /// ISO-8601 dates and sorted keys: what the services store and answer.
    public static let iso: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()
}

extension JSONDecoder {
    /// ISO-8601 dates, as the services write them.
    public static let iso: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// SHA-256 in lowercase hex: fingerprints of documents and regulations, hashes of secrets.
public func sha256Hex(_ data: some DataProtocol) -> String {
    SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}
