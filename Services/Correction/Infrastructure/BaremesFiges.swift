import Foundation
import Shared
import Synchronization

/// Barèmes by subject and version, decoded and encoded once. A validated barème is frozen (any
/// change is a new version), so a subject's version always means the same barème. Decoding it at
/// every read of a sheet, and encoding it again into every answer, cost Correction about a sixth
/// of its CPU while grading (perf, `ece-bench national`).
final class BaremesFiges: Sendable {
    static let shared = BaremesFiges()
    /// Subjects × versions of a session are a few hundred; past this, start over.
    private let capacity = 2_000
    private struct Key: Hashable { var sujet: UUID; var version: Int }
    private struct Fige { var bareme: Bareme; var json: Data }
    private let known = Mutex<[Key: Fige]>([:])

    func bareme(sujet: UUID, version: Int, json: String) throws -> Bareme {
        let key = Key(sujet: sujet, version: version)
        if let fige = known.withLock({ $0[key] }) { return fige.bareme }
        let bareme = try JSONDecoder.iso.decode(Bareme.self, from: Data(json.utf8))
        // Valid by construction (the publication's contract refuses an invalid barème): checked once
        // here, so that the save marks with `noteSuggeree(valide:)`.
        let violations = bareme.validate()
        guard violations.isEmpty else { throw BaremeFigeInvalide(sujet: sujet, version: version, violations: violations) }
        let fige = Fige(bareme: bareme, json: try JSONEncoder.iso.encode(bareme))
        known.withLock { known in
            if known.count >= capacity { known.removeAll(keepingCapacity: true) }
            known[key] = fige
        }
        return bareme
    }

    /// The barème, valid, when this subject's version was read before.
    func bareme(sujet: UUID, version: Int) -> Bareme? {
        known.withLock { $0[Key(sujet: sujet, version: version)]?.bareme }
    }

    /// The barème as the API answers it, when this subject's version was read before.
    func json(sujet: UUID, version: Int) -> Data? {
        known.withLock { $0[Key(sujet: sujet, version: version)]?.json }
    }
}

/// A frozen barème that fails its checks: a broken invariant, not a caller's error.
struct BaremeFigeInvalide: Error, CustomStringConvertible {
    var sujet: UUID
    var version: Int
    var violations: [BaremeViolation]
    var description: String { "frozen barème of subject \(sujet) version \(version) is invalid: \(violations)" }
}
