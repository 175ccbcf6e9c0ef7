import Foundation

/// The competency grading scheme ("barème à compétences") of an exam subject, and the exact mark
/// it suggests. Pure value types on Foundation only, so every service (and the tests) can share it.

// MARK: - Fraction

/// An exact rational, always reduced with a positive denominator, so that `==` and `hash` are
/// structural and marks never drift the way floating point would (2/3 + 1/3 is exactly 1).
///
/// Encoded as a string: "2/3", "1", "0", "-1/2". The operators trap on overflow, like `Int`'s;
/// code that handles untrusted values uses the checked variants instead.
public struct Fraction: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    public static let zero = Fraction(unchecked: 0, 1)
    public static let one = Fraction(unchecked: 1, 1)

    /// Traps on a zero denominator, like division by zero does.
    public init(_ numerator: Int, _ denominator: Int = 1) {
        precondition(denominator != 0, "Fraction: zero denominator")
        guard let value = Fraction.normalised(numerator, denominator) else {
            preconditionFailure("Fraction: \(numerator)/\(denominator) overflows")
        }
        self = value
    }

    /// Parses "n" or "n/d" (optional minus on n only, decimal digits, no spaces); nil on anything
    /// else, a zero denominator or an overflow.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, Fraction.isInteger(first, allowMinus: true),
              let numerator = Int(first) else { return nil }
        var denominator = 1
        if parts.count == 2 {
            guard Fraction.isInteger(parts[1], allowMinus: false), let parsed = Int(parts[1]) else { return nil }
            denominator = parsed
        }
        guard let value = Fraction.normalised(numerator, denominator) else { return nil }
        self = value
    }

    private init(unchecked numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public var description: String {
        denominator == 1 ? "\(numerator)" : "\(numerator)/\(denominator)"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let value = Fraction(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not a fraction such as \"2/3\" or \"1\"")
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // MARK: Checked arithmetic (nil on overflow)

    /// Reduces n/d with a positive denominator, working on magnitudes so that even Int.min cannot trap.
    static func normalised(_ numerator: Int, _ denominator: Int) -> Fraction? {
        guard denominator != 0 else { return nil }
        let divisor = gcd(numerator.magnitude, denominator.magnitude)
        let top = numerator.magnitude / divisor
        let bottom = denominator.magnitude / divisor
        guard let den = Int(exactly: bottom) else { return nil }
        if top == 0 { return Fraction(unchecked: 0, 1) }
        if (numerator < 0) != (denominator < 0) {
            // -top fits when top <= 2^63 (Int.min).
            guard top <= UInt(Int.max) + 1 else { return nil }
            return Fraction(unchecked: Int(bitPattern: 0 &- top), den)
        }
        guard let num = Int(exactly: top) else { return nil }
        return Fraction(unchecked: num, den)
    }

    func checkedAdding(_ other: Fraction) -> Fraction? {
        // Over the lcm rather than b·d, which keeps intermediates as small as possible.
        let g = Int(Fraction.gcd(denominator.magnitude, other.denominator.magnitude))
        let (left, o1) = numerator.multipliedReportingOverflow(by: other.denominator / g)
        let (right, o2) = other.numerator.multipliedReportingOverflow(by: denominator / g)
        let (sum, o3) = left.addingReportingOverflow(right)
        let (den, o4) = (denominator / g).multipliedReportingOverflow(by: other.denominator)
        guard !(o1 || o2 || o3 || o4) else { return nil }
        return Fraction.normalised(sum, den)
    }

    func checkedNegated() -> Fraction? {
        numerator == Int.min ? nil : Fraction(unchecked: -numerator, denominator)
    }

    func checkedSubtracting(_ other: Fraction) -> Fraction? {
        other.checkedNegated().flatMap(checkedAdding)
    }

    func checkedMultiplying(_ other: Fraction) -> Fraction? {
        // Cross-reduce first: the product is then already reduced and as small as it can be.
        let g1 = Int(Fraction.gcd(numerator.magnitude, other.denominator.magnitude))
        let g2 = Int(Fraction.gcd(other.numerator.magnitude, denominator.magnitude))
        let (num, o1) = (numerator / g1).multipliedReportingOverflow(by: other.numerator / g2)
        let (den, o2) = (denominator / g2).multipliedReportingOverflow(by: other.denominator / g1)
        guard !(o1 || o2) else { return nil }
        return Fraction.normalised(num, den)
    }

    /// The greatest integer not above the value (Swift's `/` truncates towards zero instead).
    var floor: Int {
        let quotient = numerator / denominator
        return numerator % denominator < 0 ? quotient - 1 : quotient
    }

    // MARK: Operators

    public static func + (lhs: Fraction, rhs: Fraction) -> Fraction {
        guard let result = lhs.checkedAdding(rhs) else { preconditionFailure("Fraction: \(lhs) + \(rhs) overflows") }
        return result
    }

    public static func - (lhs: Fraction, rhs: Fraction) -> Fraction {
        guard let result = lhs.checkedSubtracting(rhs) else { preconditionFailure("Fraction: \(lhs) - \(rhs) overflows") }
        return result
    }

    public static prefix func - (value: Fraction) -> Fraction {
        guard let result = value.checkedNegated() else { preconditionFailure("Fraction: -(\(value)) overflows") }
        return result
    }

    public static func * (lhs: Fraction, rhs: Fraction) -> Fraction {
        guard let result = lhs.checkedMultiplying(rhs) else { preconditionFailure("Fraction: \(lhs) * \(rhs) overflows") }
        return result
    }

    public static func * (lhs: Int, rhs: Fraction) -> Fraction { Fraction(lhs) * rhs }
    public static func * (lhs: Fraction, rhs: Int) -> Fraction { lhs * Fraction(rhs) }
    public static func += (lhs: inout Fraction, rhs: Fraction) { lhs = lhs + rhs }
    public static func -= (lhs: inout Fraction, rhs: Fraction) { lhs = lhs - rhs }

    /// Cross-multiplication on 128 bits, so comparing never overflows.
    public static func < (lhs: Fraction, rhs: Fraction) -> Bool {
        let left = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
        let right = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
        return left.high != right.high ? left.high < right.high : left.low < right.low
    }

    // MARK: Helpers

    private static func gcd(_ a: UInt, _ b: UInt) -> UInt {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    private static func isInteger(_ text: Substring, allowMinus: Bool) -> Bool {
        let digits = allowMinus && text.hasPrefix("-") ? text.dropFirst() : text
        return !digits.isEmpty && digits.allSatisfy { ("0"..."9").contains($0) }
    }
}

// MARK: - Levels and aids

/// A competency level, A the best and D the worst.
///
/// Ordered by worseness: `A < B < C < D`, so `max` of two levels is the worse one and a cap is
/// applied with `max(level, cap)`.
public enum Niveau: String, Codable, Sendable, CaseIterable, Comparable {
    case A, B, C, D

    /// 0 for A … 3 for D.
    public var rank: Int {
        switch self {
        case .A: 0
        case .B: 1
        case .C: 2
        case .D: 3
        }
    }

    public static func < (lhs: Niveau, rhs: Niveau) -> Bool { lhs.rank < rhs.rank }

    /// This level, or the cap when the cap is worse: a cap can only make a level worse.
    public func capped(at cap: Niveau?) -> Niveau {
        guard let cap else { return self }
        return max(self, cap)
    }

    /// The next better level (nil for A).
    public var better: Niveau? { Niveau.allCases.first { $0.rank == rank - 1 } }
    /// The next worse level (nil for D).
    public var worse: Niveau? { Niveau.allCases.first { $0.rank == rank + 1 } }
}

/// An aid given to the candidate during the exam; it caps the competency it concerns.
public enum Aide: String, Codable, Sendable, CaseIterable {
    case mineure, majeure, solution
}

/// The best level reachable after each kind of aid.
public struct PlafondsAide: Codable, Sendable, Equatable, Hashable {
    public var mineure: Niveau
    public var majeure: Niveau
    public var solution: Niveau

    public init(mineure: Niveau = .B, majeure: Niveau = .C, solution: Niveau = .D) {
        self.mineure = mineure
        self.majeure = majeure
        self.solution = solution
    }

    /// Missing keys take the official defaults, so a barème only states the caps it changes.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = PlafondsAide()
        mineure = try container.decodeIfPresent(Niveau.self, forKey: .mineure) ?? defaults.mineure
        majeure = try container.decodeIfPresent(Niveau.self, forKey: .majeure) ?? defaults.majeure
        solution = try container.decodeIfPresent(Niveau.self, forKey: .solution) ?? defaults.solution
    }

    public func plafond(for aide: Aide) -> Niveau {
        switch aide {
        case .mineure: mineure
        case .majeure: majeure
        case .solution: solution
        }
    }

    /// The worst cap among the aids given; nil when no aid was given.
    public func plafond(for aides: [Aide]) -> Niveau? {
        aides.map(plafond(for:)).max()
    }

    /// The level the grader saw, worsened by the caps of the aids given (never improved).
    public func niveauEffectif(_ niveau: Niveau, aides: [Aide]) -> Niveau {
        niveau.capped(at: plafond(for: aides))
    }
}

// MARK: - Scales

/// The share of a criterion's weight each level earns.
public struct ValeursNiveaux: Codable, Sendable, Equatable, Hashable {
    public var a: Fraction
    public var b: Fraction
    public var c: Fraction
    public var d: Fraction

    public init(a: Fraction = .one, b: Fraction = Fraction(2, 3), c: Fraction = Fraction(1, 3), d: Fraction = .zero) {
        self.a = a
        self.b = b
        self.c = c
        self.d = d
    }

    public subscript(niveau: Niveau) -> Fraction {
        get {
            switch niveau {
            case .A: a
            case .B: b
            case .C: c
            case .D: d
            }
        }
        set {
            switch niveau {
            case .A: a = newValue
            case .B: b = newValue
            case .C: c = newValue
            case .D: d = newValue
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case a = "A", b = "B", c = "C", d = "D"
    }
}

/// How a criterion is graded.
///
/// JSON: `{"type":"niveaux","valeurs":{"A":"1","B":"2/3","C":"1/3","D":"0"}}` (`valeurs` may be
/// omitted for the defaults) or `{"type":"points"}`.
public enum Echelle: Codable, Sendable, Equatable, Hashable {
    /// Levels A–D, each worth a share of the weight (physique-chimie, SVT).
    case niveaux(ValeursNiveaux)
    /// Points from 0 to the weight by half points (NSI).
    case points

    private enum CodingKeys: String, CodingKey { case type, valeurs }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "niveaux":
            self = .niveaux(try container.decodeIfPresent(ValeursNiveaux.self, forKey: .valeurs) ?? ValeursNiveaux())
        case "points":
            self = .points
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown scale \"\(type)\" (niveaux, points)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .niveaux(let valeurs):
            try container.encode("niveaux", forKey: .type)
            try container.encode(valeurs, forKey: .valeurs)
        case .points:
            try container.encode("points", forKey: .type)
        }
    }
}

// MARK: - Barème

/// One graded competency or exercise.
public struct Critere: Codable, Sendable, Equatable, Hashable {
    /// APP, ANA, REA, VAL, COM, …
    public var code: String
    public var libelle: String
    /// The part of the subject it belongs to: SVT "A"/"B", NSI "exercice 1"/"exercice 2".
    public var partie: String?
    /// Points out of 20.
    public var poids: Int
    public var echelle: Echelle

    public init(code: String, libelle: String, partie: String? = nil, poids: Int,
                echelle: Echelle = .niveaux(ValeursNiveaux())) {
        self.code = code
        self.libelle = libelle
        self.partie = partie
        self.poids = poids
        self.echelle = echelle
    }
}

/// A mandatory call to the examiner at a key step of the subject.
public struct Appel: Codable, Sendable, Equatable, Hashable {
    public var code: String
    public var libelle: String

    public init(code: String, libelle: String) {
        self.code = code
        self.libelle = libelle
    }
}

/// One problem in a barème, in the shape of the API's field errors.
public struct BaremeViolation: Codable, Sendable, Equatable, Hashable, CustomStringConvertible {
    /// JSON path of the offending value, e.g. "criteres[2].poids".
    public var field: String
    /// Bilingual, "français / English".
    public var reason: String

    public init(field: String, reason: String) {
        self.field = field
        self.reason = reason
    }

    public var description: String { "\(field): \(reason)" }
}

public struct Bareme: Codable, Sendable, Equatable, Hashable {
    public static let total = 20
    public static let longueurMaxCode = 16
    public static let longueurMaxLibelle = 200

    public var criteres: [Critere]
    public var appels: [Appel]
    public var plafonds: PlafondsAide

    public init(criteres: [Critere], appels: [Appel] = [], plafonds: PlafondsAide = PlafondsAide()) {
        self.criteres = criteres
        self.appels = appels
        self.plafonds = plafonds
    }

    /// `appels` and `plafonds` may be omitted: no call, official caps.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        criteres = try container.decode([Critere].self, forKey: .criteres)
        appels = try container.decodeIfPresent([Appel].self, forKey: .appels) ?? []
        plafonds = try container.decodeIfPresent(PlafondsAide.self, forKey: .plafonds) ?? PlafondsAide()
    }

    /// Every problem at once, so an author fixes a barème in one round trip. Empty means valid.
    public func validate() -> [BaremeViolation] {
        var violations: [BaremeViolation] = []
        func add(_ field: String, _ reason: String) { violations.append(BaremeViolation(field: field, reason: reason)) }

        if criteres.isEmpty {
            add("criteres", "au moins un critère / at least one criterion")
        } else {
            // Weights come from JSON: sum without trapping on absurd values.
            var sum = 0
            var overflow = false
            for critere in criteres where !overflow {
                (sum, overflow) = sum.addingReportingOverflow(critere.poids)
            }
            if overflow || sum != Bareme.total {
                add("criteres", "la somme des poids doit être \(Bareme.total) (\(overflow ? "débordement" : "\(sum)")) / "
                    + "weights must sum to \(Bareme.total) (\(overflow ? "overflow" : "\(sum)"))")
            }
        }

        var firstIndex: [String: Int] = [:]
        for (index, critere) in criteres.enumerated() {
            let path = "criteres[\(index)]"
            checkCode(critere.code, list: "criteres", index: index, seen: &firstIndex, add: add)
            checkLibelle(critere.libelle, field: "\(path).libelle", add: add)
            if let partie = critere.partie {
                if partie.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    add("\(path).partie", "vide : omettre ou renseigner / empty: omit it or fill it in")
                } else if partie.count > Bareme.longueurMaxLibelle {
                    add("\(path).partie", "\(Bareme.longueurMaxLibelle) caractères au plus / "
                        + "at most \(Bareme.longueurMaxLibelle) characters")
                }
            }
            if !(1...Bareme.total).contains(critere.poids) {
                add("\(path).poids", "entre 1 et \(Bareme.total) points / between 1 and \(Bareme.total) points")
            }
            if case .niveaux(let valeurs) = critere.echelle {
                for niveau in Niveau.allCases where valeurs[niveau] < .zero || valeurs[niveau] > .one {
                    add("\(path).echelle.valeurs.\(niveau.rawValue)", "entre 0 et 1 / between 0 and 1")
                }
                // Adjacent pairs suffice: A ≥ B ≥ C ≥ D follows by transitivity.
                for (better, worse) in zip(Niveau.allCases, Niveau.allCases.dropFirst())
                where valeurs[worse] > valeurs[better] {
                    add("\(path).echelle.valeurs.\(worse.rawValue)",
                        "ne doit pas dépasser la valeur de \(better.rawValue) / must not exceed the value of \(better.rawValue)")
                }
            }
        }

        var firstAppel: [String: Int] = [:]
        for (index, appel) in appels.enumerated() {
            let path = "appels[\(index)]"
            checkCode(appel.code, list: "appels", index: index, seen: &firstAppel, add: add)
            checkLibelle(appel.libelle, field: "\(path).libelle", add: add)
        }

        // A bigger aid never allows a better level than a smaller one.
        if plafonds.majeure < plafonds.mineure {
            add("plafonds.majeure", "ne peut être meilleur que le plafond mineure / cannot be better than the minor aid's cap")
        }
        if plafonds.solution < plafonds.majeure {
            add("plafonds.solution", "ne peut être meilleur que le plafond majeure / cannot be better than the major aid's cap")
        }
        return violations
    }

    private func checkCode(_ code: String, list: String, index: Int, seen: inout [String: Int],
                           add: (String, String) -> Void) {
        let path = "\(list)[\(index)]"
        let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            add("\(path).code", "obligatoire / required")
            return
        }
        if code.count > Bareme.longueurMaxCode {
            add("\(path).code", "\(Bareme.longueurMaxCode) caractères au plus / at most \(Bareme.longueurMaxCode) characters")
        }
        // Case-insensitive: "APP" and "app" would read as the same competency on a grading sheet.
        let key = trimmed.lowercased()
        if let first = seen[key] {
            add("\(path).code", "doublon de \(list)[\(first)].code / duplicate of \(list)[\(first)].code")
        } else {
            seen[key] = index
        }
    }

    private func checkLibelle(_ libelle: String, field: String, add: (String, String) -> Void) {
        if libelle.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            add(field, "obligatoire / required")
        } else if libelle.count > Bareme.longueurMaxLibelle {
            add(field, "\(Bareme.longueurMaxLibelle) caractères au plus / at most \(Bareme.longueurMaxLibelle) characters")
        }
    }

    /// The level that counts: the grader's, worsened by the caps of the aids given.
    public func niveauEffectif(_ niveau: Niveau, aides: [Aide]) -> Niveau {
        plafonds.niveauEffectif(niveau, aides: aides)
    }

    /// The suggested mark out of 20, computed exactly then rounded once with `arrondi`.
    ///
    /// - A levels criterion earns `poids × valeurs[niveauEffectif]`.
    /// - A points criterion earns `demiPoints / 2` (0…`poids`); when aids were given it is further
    ///   capped at `poids × v` where `v` is the value of the aids' cap under the *default* level
    ///   values (A 1, B 2/3, C 1/3, D 0), as a points scale has no level values of its own.
    ///
    /// Every criterion must be evaluated exactly once, with an evaluation of its own scale; the
    /// barème itself must be valid.
    public func noteSuggeree(_ evaluations: [EvaluationCritere]) throws(EvaluationError) -> NoteSurVingt {
        let violations = validate()
        guard violations.isEmpty else { throw .invalidBareme(violations) }
        return try noteSuggeree(valide: evaluations)
    }

    /// `noteSuggeree(_:)` for a barème its holder validated once and froze (Correction's frozen
    /// barèmes): the wording's checks, most of the marking's cost, are not repeated at every save.
    public func noteSuggeree(valide evaluations: [EvaluationCritere]) throws(EvaluationError) -> NoteSurVingt {
        let codes = Set(criteres.map(\.code))
        var byCode: [String: EvaluationCritere] = [:]
        for evaluation in evaluations {
            guard codes.contains(evaluation.code) else { throw .unknownCriterion(evaluation.code) }
            guard byCode[evaluation.code] == nil else { throw .duplicateEvaluation(evaluation.code) }
            byCode[evaluation.code] = evaluation
        }

        var total = Fraction.zero
        for critere in criteres {
            guard let evaluation = byCode[critere.code] else { throw .missingCriterion(critere.code) }
            // Valid weights and values keep this far from Int's range, unless the level values use
            // huge unrelated denominators; report that rather than trap.
            guard let next = total.checkedAdding(try points(critere, evaluation)) else { throw .overflow }
            total = next
        }
        return Bareme.arrondi(total)
    }

    /// The exact points one criterion earns.
    func points(_ critere: Critere, _ evaluation: EvaluationCritere) throws(EvaluationError) -> Fraction {
        switch (critere.echelle, evaluation.evaluation) {
        case (.niveaux(let valeurs), .niveau(let niveau)):
            let effectif = niveauEffectif(niveau, aides: evaluation.aides)
            guard let earned = Fraction(critere.poids).checkedMultiplying(valeurs[effectif]) else { throw .overflow }
            return earned
        case (.points, .points(let demiPoints)):
            let maximum = 2 * critere.poids
            guard (0...maximum).contains(demiPoints) else {
                throw .pointsOutOfRange(critere.code, demiPoints: demiPoints, maximum: maximum)
            }
            let earned = Fraction(demiPoints, 2)
            guard let cap = plafonds.plafond(for: evaluation.aides) else { return earned }
            return min(earned, critere.poids * ValeursNiveaux()[cap])
        case (.niveaux, .points), (.points, .niveau):
            throw .scaleMismatch(critere.code)
        }
    }

    /// The one rounding rule, to the half point, half up at the quarter:
    /// `demiPoints = floor(2 × exact + 1/2)`, so x.25 → x.5 and x.75 → x+1 while x.24 → x and
    /// x.74 → x.5. Values outside [0, 20] (impossible for a valid barème) are clamped.
    public static func arrondi(_ exact: Fraction) -> NoteSurVingt {
        let maximum = 2 * total
        guard exact >= .zero else { return NoteSurVingt(demiPoints: 0) }
        guard exact < Fraction(total) else { return NoteSurVingt(demiPoints: maximum) }
        // exact = q + r/d with 0 ≤ r < d; floor(2r/d + 1/2) is 1 from r/d ≥ 1/4 and 2 from r/d ≥ 3/4.
        // Compared without multiplying r, so no overflow whatever d is.
        let q = exact.floor
        let r = exact.numerator - q * exact.denominator
        let d = exact.denominator
        let quarter = d / 4 + (d % 4 == 0 ? 0 : 1)      // ceil(d/4)
        let threeQuarters = d - d / 4                    // ceil(3d/4)
        let extra = r >= threeQuarters ? 2 : (r >= quarter ? 1 : 0)
        return NoteSurVingt(demiPoints: min(2 * q + extra, maximum))
    }
}

// MARK: - Evaluations and marks

/// What the grader records for one criterion.
///
/// JSON: `{"type":"niveau","niveau":"B"}` or `{"type":"points","demiPoints":15}`.
public enum Evaluation: Codable, Sendable, Equatable, Hashable {
    case niveau(Niveau)
    /// Whole half points, never a float: 15 means 7.5 points.
    case points(demiPoints: Int)

    private enum CodingKeys: String, CodingKey { case type, niveau, demiPoints }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "niveau": self = .niveau(try container.decode(Niveau.self, forKey: .niveau))
        case "points": self = .points(demiPoints: try container.decode(Int.self, forKey: .demiPoints))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .type, in: container, debugDescription: "unknown evaluation \"\(type)\" (niveau, points)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .niveau(let niveau):
            try container.encode("niveau", forKey: .type)
            try container.encode(niveau, forKey: .niveau)
        case .points(let demiPoints):
            try container.encode("points", forKey: .type)
            try container.encode(demiPoints, forKey: .demiPoints)
        }
    }
}

/// The grader's input for one criterion, with the aids given on it.
public struct EvaluationCritere: Codable, Sendable, Equatable, Hashable {
    public var code: String
    public var evaluation: Evaluation
    public var aides: [Aide]

    public init(code: String, evaluation: Evaluation, aides: [Aide] = []) {
        self.code = code
        self.evaluation = evaluation
        self.aides = aides
    }

    /// `aides` may be omitted when none was given.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        code = try container.decode(String.self, forKey: .code)
        evaluation = try container.decode(Evaluation.self, forKey: .evaluation)
        aides = try container.decodeIfPresent([Aide].self, forKey: .aides) ?? []
    }
}

/// A mark out of 20 on a half point, stored as whole half points so it is exact and comparable.
public struct NoteSurVingt: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 0…40.
    public let demiPoints: Int

    /// Traps outside 0…40: a mark out of range is a programming error.
    public init(demiPoints: Int) {
        precondition((0...2 * Bareme.total).contains(demiPoints), "NoteSurVingt: \(demiPoints) half points")
        self.demiPoints = demiPoints
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let demiPoints = try container.decode(Int.self, forKey: .demiPoints)
        guard (0...2 * Bareme.total).contains(demiPoints) else {
            throw DecodingError.dataCorruptedError(
                forKey: .demiPoints, in: container, debugDescription: "\(demiPoints) half points is not within 0…40")
        }
        self.demiPoints = demiPoints
    }

    /// French decimal comma: "13,5", "13".
    public var description: String { FrenchFormat.note(demiPoints) }

    /// For display only; compute with `demiPoints`.
    public var doubleValue: Double { Double(demiPoints) / 2 }

    public static func < (lhs: NoteSurVingt, rhs: NoteSurVingt) -> Bool { lhs.demiPoints < rhs.demiPoints }
}

/// Why a mark could not be suggested.
public enum EvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The barème itself does not validate.
    case invalidBareme([BaremeViolation])
    /// A criterion of the barème has no evaluation.
    case missingCriterion(String)
    /// An evaluation names no criterion of the barème.
    case unknownCriterion(String)
    /// A criterion is evaluated more than once.
    case duplicateEvaluation(String)
    /// A level given for a points criterion, or points for a levels criterion.
    case scaleMismatch(String)
    /// Half points outside 0…2 × poids.
    case pointsOutOfRange(String, demiPoints: Int, maximum: Int)
    /// The level values' denominators are too large to add up exactly.
    case overflow

    public var description: String {
        switch self {
        case .invalidBareme(let violations):
            "barème invalide / invalid barème: " + violations.map(\.description).joined(separator: "; ")
        case .missingCriterion(let code):
            "critère \(code) non évalué / criterion \(code) not evaluated"
        case .unknownCriterion(let code):
            "critère \(code) inconnu / unknown criterion \(code)"
        case .duplicateEvaluation(let code):
            "critère \(code) évalué plusieurs fois / criterion \(code) evaluated more than once"
        case .scaleMismatch(let code):
            "évaluation de \(code) incompatible avec son échelle / evaluation of \(code) does not match its scale"
        case .pointsOutOfRange(let code, let demiPoints, let maximum):
            "\(code) : \(demiPoints) demi-points hors de 0…\(maximum) / \(demiPoints) half points outside 0…\(maximum)"
        case .overflow:
            "valeurs de niveaux trop fines pour un calcul exact / level values too fine for exact arithmetic"
        }
    }
}
