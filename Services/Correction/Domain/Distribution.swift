import Foundation

/// Distributing candidates to examiner groups (road map: "Distribuer les candidats"). Two rules always
/// hold: an examiner never assesses a pupil they teach, and a group takes at most four candidates per
/// examiner in a half-day slot (an examiner assesses at most four candidates at once).
enum Distribution {
    static let candidatsParExaminateurEtCreneau = 4

    struct Candidat: Sendable, Equatable {
        var id: UUID
        var nom: String
        var uaiOrigine: String?
        var division: String?
        var creneau: UUID?
    }

    struct Membre: Sendable, Equatable {
        var uai: String?
        var divisions: [String]
    }

    struct Groupe: Sendable {
        var id: UUID
        var membres: [Membre]
        /// Candidates already in the group's lot, per slot.
        var parCreneau: [UUID: Int] = [:]
        var total: Int = 0

        var capaciteParCreneau: Int { Distribution.candidatsParExaminateurEtCreneau * membres.count }

        func place(_ creneau: UUID) -> Int { capaciteParCreneau - parCreneau[creneau, default: 0] }
    }

    /// Whether one of the group's examiners teaches the candidate this year (same school, one of their divisions).
    static func conflit(_ candidat: Candidat, _ membres: [Membre]) -> Bool {
        guard let uai = candidat.uaiOrigine, let division = candidat.division else { return false }
        return membres.contains { $0.uai == uai && $0.divisions.contains(division) }
    }

    enum Refus: String, Codable, Sendable {
        case sansCreneau = "sans_creneau"
        case capacite
        case conflit
    }

    struct Resultat: Sendable, Equatable {
        var affectations: [UUID: UUID] = [:]
        var refus: [UUID: Refus] = [:]
    }

    /// Automatic distribution: balances the lots (the least loaded group with room first), keeps a
    /// division together when a group can take it whole and `garderDivisions` is set, never breaks
    /// the two rules. Deterministic for the same input.
    static func automatique(_ candidats: [Candidat], groupes: [Groupe], garderDivisions: Bool) -> Resultat {
        var groupes = groupes
        var resultat = Resultat()
        let ordre = candidats.sorted { ($0.division ?? "", $0.nom, $0.id.uuidString) < ($1.division ?? "", $1.nom, $1.id.uuidString) }
        var parCreneau: [UUID: [Candidat]] = [:]
        for candidat in ordre {
            guard let creneau = candidat.creneau else {
                resultat.refus[candidat.id] = .sansCreneau
                continue
            }
            parCreneau[creneau, default: []].append(candidat)
        }
        func moinsCharge(_ indices: [Int]) -> Int? {
            indices.min { (groupes[$0].total, groupes[$0].id.uuidString) < (groupes[$1].total, groupes[$1].id.uuidString) }
        }
        func affecte(_ candidat: Candidat, _ g: Int, _ creneau: UUID) {
            resultat.affectations[candidat.id] = groupes[g].id
            groupes[g].parCreneau[creneau, default: 0] += 1
            groupes[g].total += 1
        }
        for creneau in parCreneau.keys.sorted(by: { $0.uuidString < $1.uuidString }) {
            let candidatsDuCreneau = parCreneau[creneau]!
            var blocs: [[Candidat]] = []
            if garderDivisions {
                var courant: [Candidat] = []
                for c in candidatsDuCreneau {
                    if let last = courant.last, last.division != c.division || c.division == nil {
                        blocs.append(courant)
                        courant = []
                    }
                    courant.append(c)
                }
                if !courant.isEmpty { blocs.append(courant) }
            } else {
                blocs = candidatsDuCreneau.map { [$0] }
            }
            for bloc in blocs {
                // The whole division in one group when one can take it.
                let entiers = groupes.indices.filter { g in
                    groupes[g].place(creneau) >= bloc.count && !bloc.contains { conflit($0, groupes[g].membres) }
                }
                if bloc.count > 1, let g = moinsCharge(entiers) {
                    bloc.forEach { affecte($0, g, creneau) }
                    continue
                }
                for candidat in bloc {
                    let libres = groupes.indices.filter { groupes[$0].place(creneau) > 0 }
                    let possibles = libres.filter { !conflit(candidat, groupes[$0].membres) }
                    if let g = moinsCharge(possibles) {
                        affecte(candidat, g, creneau)
                    } else {
                        resultat.refus[candidat.id] = libres.isEmpty ? .capacite : .conflit
                    }
                }
            }
        }
        return resultat
    }
}
