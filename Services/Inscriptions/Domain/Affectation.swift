import Foundation

/// The road map's "Affecter les candidats": who may put which candidate in which centre d'épreuve.
enum Affectation {
    /// What the rules need to know of a candidate.
    struct Candidat: Sendable, Equatable {
        var categorie: String
        var filiere: String
        var academie: String
        var uaiOrigine: String?
        /// Whether the school of origin is autonomous (false: the académie assigns its pupils).
        var origineAutonome: Bool
    }

    /// A centre d'épreuve for one exam: where it is and how much room is left.
    struct Centre: Sendable, Equatable {
        var uai: String
        var academie: String
        var epreuves: Set<String>
        /// Candidates it can take for one exam over the session (capacity per half-day × half-days).
        var capacite: Int
        var affectes: Int
        var latitude: Double?
        var longitude: Double?

        var aDeLaPlace: Bool { affectes < capacite }
    }

    /// Who assigns: the académie's gestionnaire, or a school for the exams delegated to it.
    enum Acteur: Sendable, Equatable {
        case gestionnaire(academie: String)
        case etablissement(uai: String, delegations: Set<String>)
    }

    /// The special cases only the gestionnaire assigns (road map): individual STL candidates,
    /// CNED scolaires for NSI, scolaires and MOREA of non-autonomous schools. nil when any actor may.
    static func casParticulier(_ candidat: Candidat, epreuve: String) -> String? {
        if candidat.categorie == "individuel" && candidat.filiere == "BTN" {
            return "candidat individuel STL : affecté par le gestionnaire / individual STL candidate"
        }
        if candidat.categorie == "cned" && epreuve == "T010B" {
            return "candidat CNED scolaire en NSI : affecté par le gestionnaire / CNED candidate for NSI"
        }
        if (candidat.categorie == "scolaire" || candidat.categorie == "morea") && !candidat.origineAutonome {
            return "établissement d'origine non autonome : affecté par le gestionnaire / non-autonomous school"
        }
        return nil
    }

    /// Why `acteur` may not assign `candidat` to `centre` for `epreuve`; nil when it may.
    /// `dejaAffecteIci` says the candidate already sits in this centre (a re-assignment there needs no room).
    static func refus(_ candidat: Candidat, epreuve: String, centre: Centre, acteur: Acteur,
                      dejaAffecteIci: Bool = false) -> String? {
        switch acteur {
        case .gestionnaire(let academie):
            if candidat.academie != academie { return "candidat d'une autre académie / another académie's candidate" }
        case .etablissement(let uai, let delegations):
            if candidat.uaiOrigine != uai { return "candidat d'un autre établissement / another school's candidate" }
            if !delegations.contains(epreuve) {
                return "affectation de \(epreuve) non déléguée à l'établissement / assignment not delegated"
            }
            if let reason = casParticulier(candidat, epreuve: epreuve) { return reason }
        }
        if centre.academie != candidat.academie { return "centre d'une autre académie / another académie's centre" }
        if !centre.epreuves.contains(epreuve) {
            return "le centre \(centre.uai) n'accueille pas \(epreuve) / the centre does not host this exam"
        }
        if !dejaAffecteIci && !centre.aDeLaPlace {
            return "centre \(centre.uai) complet (\(centre.capacite) places) / centre full"
        }
        return nil
    }

    /// The suggestion: the candidate's own school if it hosts the exam and has room, otherwise the
    /// nearest centre of the académie that hosts it and has room (straight-line distance).
    static func suggestion(_ candidat: Candidat, epreuve: String, centres: [Centre],
                           origine: (latitude: Double, longitude: Double)?) -> Centre? {
        let possibles = centres.filter {
            $0.academie == candidat.academie && $0.epreuves.contains(epreuve) && $0.aDeLaPlace
        }
        if let own = possibles.first(where: { $0.uai == candidat.uaiOrigine }) { return own }
        guard let origine else { return possibles.min { $0.uai < $1.uai } }
        return possibles.min { a, b in
            distance(origine, a) < distance(origine, b) || (distance(origine, a) == distance(origine, b) && a.uai < b.uai)
        }
    }

    /// Great-circle distance in km (haversine); centres without a position come last.
    static func distance(_ from: (latitude: Double, longitude: Double), _ centre: Centre) -> Double {
        guard let lat = centre.latitude, let lon = centre.longitude else { return .infinity }
        let r = 6371.0, rad = Double.pi / 180
        let dLat = (lat - from.latitude) * rad, dLon = (lon - from.longitude) * rad
        let a = sin(dLat / 2) * sin(dLat / 2)
            + cos(from.latitude * rad) * cos(lat * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * r * asin(min(1, sqrt(a)))
    }
}
