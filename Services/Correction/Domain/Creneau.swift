import Foundation
import Shared

/// A half-day slot's set of subjects and the draw among them (DESIGN.md §7): in physique-chimie the
/// centre offers at least two physics-dominant and two chemistry-dominant situations; the set changes
/// every half-day.
enum Creneau {
    struct SujetOffert: Sendable {
        var id: UUID
        var epreuve: String
        var session: Int
        var dominante: String?
        var retire: Bool
    }

    static let minimumParDominante = 2

    /// Every reason the set cannot be offered in a slot of `epreuve` (empty when it can).
    static func violations(epreuve: String, session: Int, demandes: [UUID], connus: [SujetOffert],
                           autresCreneaux: [Set<UUID>]) -> [Problem.FieldError] {
        var errors: [Problem.FieldError] = []
        if demandes.isEmpty || demandes.count > 50 {
            errors.append(.init(field: "sujets", reason: "1 à 50 sujets / 1 to 50 subjects"))
        }
        if Set(demandes).count != demandes.count {
            errors.append(.init(field: "sujets", reason: "sujet proposé deux fois / subject offered twice"))
        }
        let byId = Dictionary(connus.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        for (i, id) in demandes.enumerated() {
            guard let sujet = byId[id] else {
                errors.append(.init(field: "sujets[\(i)]", reason: "sujet non publié / not a published subject"))
                continue
            }
            if sujet.retire { errors.append(.init(field: "sujets[\(i)]", reason: "sujet retiré / withdrawn subject")) }
            if sujet.epreuve != epreuve || sujet.session != session {
                errors.append(.init(field: "sujets[\(i)]", reason: "sujet d'une autre épreuve ou session / another exam or session"))
            }
        }
        if epreuve == EpreuvePratique.T011B.rawValue {
            for dominante in ["physique", "chimie"] {
                let count = demandes.compactMap { byId[$0] }.filter { $0.dominante == dominante }.count
                if count < minimumParDominante {
                    errors.append(.init(field: "sujets", reason:
                        "au moins \(minimumParDominante) situations à dominante \(dominante) (\(count)) / at least two \(dominante)-dominant"))
                }
            }
        }
        if autresCreneaux.contains(Set(demandes)) {
            errors.append(.init(field: "sujets", reason:
                "le lot de sujets doit changer à chaque demi-journée / the set must change every half-day"))
        }
        return errors
    }
}
