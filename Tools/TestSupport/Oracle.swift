import Foundation

/// The expected mark, computed apart from the platform (issue 26): written from the README's
/// definition ("The mark"), with its own rationals and its own barème, never calling
/// `Shared/Bareme`. The end-to-end and chaos drivers publish these barèmes, keep what they
/// submitted, and compare every grade the platform stores with what this says; a wrong, stale or
/// swapped barème, a cap misapplied or a rounding off by a half point then fails the run.
///
/// The rule: each criterion contributes `poids × value(level)` (default A 1, B 2/3, C 1/3, D 0,
/// configurable per barème) or its points (NSI: half points, at most the weight), after the aid
/// caps (minor aid → at best B, major → at best C, solution given → D; configurable); the exact sum
/// is rounded to the half point, halves of a half point going up: `demiPoints = ⌊2 × sum + ½⌋`.
public enum Oracle {
    /// A rational in lowest terms, positive denominator. Small on purpose: weights ≤ 20 and level
    /// values with small denominators keep every intermediate far from `Int`'s range.
    public struct Rationnel: Equatable, Comparable, Sendable, CustomStringConvertible {
        public let num: Int
        public let den: Int

        public init(_ num: Int, _ den: Int = 1) {
            precondition(den != 0, "Oracle.Rationnel: zero denominator")
            var (a, b) = (abs(num), abs(den))
            while b != 0 { (a, b) = (b, a % b) }
            let g = max(a, 1), sign = den < 0 ? -1 : 1
            (self.num, self.den) = (sign * num / g, sign * den / g)
        }

        public static func + (l: Rationnel, r: Rationnel) -> Rationnel { Rationnel(l.num * r.den + r.num * l.den, l.den * r.den) }
        public static func * (l: Rationnel, r: Rationnel) -> Rationnel { Rationnel(l.num * r.num, l.den * r.den) }
        public static func < (l: Rationnel, r: Rationnel) -> Bool { l.num * r.den < r.num * l.den }

        /// ⌊x⌋, towards minus infinity.
        public var plancher: Int { num >= 0 ? num / den : -((-num + den - 1) / den) }

        /// "2/3", "1", "0": how the API writes level values.
        public var description: String { den == 1 ? "\(num)" : "\(num)/\(den)" }
    }

    public static let niveaux = ["A", "B", "C", "D"]

    /// One criterion as the DSII publishes it: graded by level (`valeurs` for A, B, C, D) or in points.
    public struct Critere: Sendable {
        public var code: String
        public var libelle: String
        public var partie: String?
        public var poids: Int
        /// nil: points (half points from 0 to 2 × poids).
        public var valeurs: [Rationnel]?

        public init(_ code: String, _ libelle: String, partie: String? = nil, poids: Int,
                    valeurs: [Rationnel]? = Oracle.valeursParDefaut) {
            (self.code, self.libelle, self.partie, self.poids, self.valeurs) = (code, libelle, partie, poids, valeurs)
        }

        public static func points(_ code: String, _ libelle: String, partie: String? = nil, poids: Int) -> Critere {
            Critere(code, libelle, partie: partie, poids: poids, valeurs: nil)
        }
    }

    public static let valeursParDefaut = [Rationnel(1), Rationnel(2, 3), Rationnel(1, 3), Rationnel(0)]
    public static let plafondsParDefaut = ["mineure": "B", "majeure": "C", "solution": "D"]

    /// A barème as published; encodes to the API's JSON (`PUT /api/referentiel/sujets/{id}/bareme`).
    public struct Bareme: Sendable, Encodable {
        public var criteres: [Critere]
        public var appels: [String]
        /// The best level after each kind of aid ("mineure", "majeure", "solution").
        public var plafonds: [String: String]

        public init(_ criteres: [Critere], appels: [String] = [], plafonds: [String: String] = Oracle.plafondsParDefaut) {
            (self.criteres, self.appels, self.plafonds) = (criteres, appels, plafonds)
        }

        private enum Keys: String, CodingKey { case criteres, appels, plafonds, code, libelle, partie, poids, echelle, type, valeurs }

        public func encode(to encoder: any Encoder) throws {
            var root = encoder.container(keyedBy: Keys.self)
            var list = root.nestedUnkeyedContainer(forKey: .criteres)
            for critere in criteres {
                var c = list.nestedContainer(keyedBy: Keys.self)
                try c.encode(critere.code, forKey: .code)
                try c.encode(critere.libelle, forKey: .libelle)
                try c.encodeIfPresent(critere.partie, forKey: .partie)
                try c.encode(critere.poids, forKey: .poids)
                var echelle = c.nestedContainer(keyedBy: Keys.self, forKey: .echelle)
                if let valeurs = critere.valeurs {
                    try echelle.encode("niveaux", forKey: .type)
                    try echelle.encode(Dictionary(uniqueKeysWithValues: zip(Oracle.niveaux, valeurs.map(\.description))), forKey: .valeurs)
                } else {
                    try echelle.encode("points", forKey: .type)
                }
            }
            try root.encode(appels.map { ["code": $0, "libelle": "Appel \($0)"] }, forKey: .appels)
            try root.encode(plafonds, forKey: .plafonds)
        }
    }

    /// What the examiner entered for one criterion: a level or half points, and the aids given on it.
    public struct Saisie: Sendable {
        public var code: String
        public var niveau: String?
        public var demiPoints: Int?
        public var aides: [String]

        public init(_ code: String, niveau: String, aides: [String] = []) { (self.code, self.niveau, self.demiPoints, self.aides) = (code, niveau, nil, aides) }
        public init(_ code: String, demiPoints: Int, aides: [String] = []) { (self.code, self.niveau, self.demiPoints, self.aides) = (code, nil, demiPoints, aides) }
    }

    /// The exact sum of a complete grid.
    public static func somme(_ bareme: Bareme, _ saisies: [Saisie]) -> Rationnel {
        var total = Rationnel(0)
        for critere in bareme.criteres {
            guard let saisie = saisies.first(where: { $0.code == critere.code }) else {
                preconditionFailure("Oracle: \(critere.code) not graded")
            }
            // The worst cap among the aids given on this criterion (a cap never improves a level).
            let plafond = saisie.aides.compactMap { bareme.plafonds[$0].flatMap(rang) }.max()
            if let valeurs = critere.valeurs {
                let niveau = max(rang(saisie.niveau ?? "D") ?? 3, plafond ?? 0)
                total = total + Rationnel(critere.poids) * valeurs[niveau]
            } else {
                // Half points, never above the weight; an aid caps them at the weight times the
                // cap's default value (a points scale has no level values of its own).
                var points = min(Rationnel(saisie.demiPoints ?? 0, 2), Rationnel(critere.poids))
                if let plafond { points = min(points, Rationnel(critere.poids) * valeursParDefaut[plafond]) }
                total = total + points
            }
        }
        return total
    }

    /// The mark out of 20 in half points.
    public static func demiPoints(_ bareme: Bareme, _ saisies: [Saisie]) -> Int { arrondi(somme(bareme, saisies)) }

    /// `⌊2 × sum + ½⌋`: 12.24 → 24 (12), 12.25 → 25 (12.5), 12.74 → 25, 12.75 → 26 (13).
    public static func arrondi(_ somme: Rationnel) -> Int { (Rationnel(2) * somme + Rationnel(1, 2)).plancher }

    private static func rang(_ niveau: String) -> Int? { niveaux.firstIndex(of: niveau) }
}
