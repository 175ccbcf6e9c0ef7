import Foundation
import Shared
import Synchronization

/// Decoded barèmes by subject and version. A validated barème is frozen (any change is a new
/// version), so what a subject's version decodes to never changes; decoding it again at every
/// read of a sheet cost 5 % of Correction's CPU while grading (perf, `ece-bench national`).
final class BaremesFiges: Sendable {
    static let shared = BaremesFiges()
    /// Subjects × versions of a session are a few hundred; past this, start over.
    private let capacity = 2_000
    private struct Key: Hashable { var sujet: UUID; var version: Int }
    private let decoded = Mutex<[Key: Bareme]>([:])

    func bareme(sujet: UUID, version: Int, json: String) throws -> Bareme {
        let key = Key(sujet: sujet, version: version)
        if let bareme = decoded.withLock({ $0[key] }) { return bareme }
        let bareme = try JSONDecoder.iso.decode(Bareme.self, from: Data(json.utf8))
        decoded.withLock { decoded in
            if decoded.count >= capacity { decoded.removeAll(keepingCapacity: true) }
            decoded[key] = bareme
        }
        return bareme
    }
}
