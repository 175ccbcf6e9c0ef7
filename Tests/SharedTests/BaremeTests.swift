import Foundation
import Testing
import TestSupport
@testable import Shared

// MARK: - Fixtures

private func f(_ numerator: Int, _ denominator: Int = 1) -> Fraction { Fraction(numerator, denominator) }

private func niveaux(_ a: Fraction, _ b: Fraction, _ c: Fraction, _ d: Fraction) -> Echelle {
    .niveaux(ValeursNiveaux(a: a, b: b, c: c, d: d))
}

/// Physique-chimie: APP 2, ANA 4, REA 8, VAL 4, COM 2, default values (A 1, B 2/3, C 1/3, D 0).
private let physiqueChimie = Bareme(
    criteres: [
        Critere(code: "APP", libelle: "S'approprier", poids: 2),
        Critere(code: "ANA", libelle: "Analyser / Raisonner", poids: 4),
        Critere(code: "REA", libelle: "Réaliser", poids: 8),
        Critere(code: "VAL", libelle: "Valider", poids: 4),
        Critere(code: "COM", libelle: "Communiquer", poids: 2),
    ],
    appels: [Appel(code: "APPEL1", libelle: "Présenter le protocole"),
             Appel(code: "APPEL2", libelle: "Présenter les mesures")]
)

/// SVT in two parts, with its own level values (A 1, B 3/4, C 1/2, D 1/4).
private let svt = Bareme(criteres: [
    Critere(code: "PRO", libelle: "Proposer une démarche", partie: "A", poids: 5, echelle: svtValeurs),
    Critere(code: "REA", libelle: "Mettre en œuvre le protocole", partie: "B", poids: 7, echelle: svtValeurs),
    Critere(code: "COM", libelle: "Communiquer les résultats", partie: "B", poids: 3, echelle: svtValeurs),
    Critere(code: "EXP", libelle: "Exploiter les résultats", partie: "B", poids: 5, echelle: svtValeurs),
])
private let svtValeurs = niveaux(f(1), f(3, 4), f(1, 2), f(1, 4))

/// NSI: two exercises of 10 points graded by half points.
private let nsi = Bareme(criteres: [
    Critere(code: "EX1", libelle: "Exercice 1", partie: "exercice 1", poids: 10, echelle: .points),
    Critere(code: "EX2", libelle: "Exercice 2", partie: "exercice 2", poids: 10, echelle: .points),
])

private func niveau(_ code: String, _ niveau: Niveau, _ aides: [Aide] = []) -> EvaluationCritere {
    EvaluationCritere(code: code, evaluation: .niveau(niveau), aides: aides)
}

private func points(_ code: String, _ demiPoints: Int, _ aides: [Aide] = []) -> EvaluationCritere {
    EvaluationCritere(code: code, evaluation: .points(demiPoints: demiPoints), aides: aides)
}

/// APP, ANA, REA, VAL, COM at the given levels.
private func pc(_ levels: [Niveau], aides: [String: [Aide]] = [:]) -> [EvaluationCritere] {
    zip(["APP", "ANA", "REA", "VAL", "COM"], levels).map { niveau($0, $1, aides[$0] ?? []) }
}

// MARK: - Fraction

@Suite struct FractionTests {
    @Test func normalisation() {
        #expect(f(2, 4) == f(1, 2))
        #expect(f(2, 4).numerator == 1 && f(2, 4).denominator == 2)
        let negative = f(3, -6)
        #expect(negative.numerator == -1 && negative.denominator == 2)
        #expect(f(-3, -6) == f(1, 2))
        let zero = f(0, -5)
        #expect(zero.numerator == 0 && zero.denominator == 1 && zero == .zero)
        #expect(f(6, 3) == f(2) && f(6, 3).denominator == 1)
        #expect(f(2, 3).description == "2/3" && f(1).description == "1" && f(0).description == "0")
        #expect(f(-1, 2).description == "-1/2")
    }

    @Test func arithmetic() {
        #expect(f(1, 2) + f(1, 3) == f(5, 6))
        #expect(f(1, 2) - f(1, 3) == f(1, 6))
        #expect(f(1, 3) - f(1, 2) == f(-1, 6))
        #expect(f(2, 3) * f(3, 4) == f(1, 2))
        #expect(4 * f(2, 3) == f(8, 3))
        #expect(f(2, 3) * 3 == f(2))
        #expect(-f(2, 3) == f(-2, 3))
        #expect(f(2, 3) + f(1, 3) == .one)
        var sum = Fraction.zero
        for _ in 0..<3 { sum += f(1, 3) }
        #expect(sum == .one)
        sum -= f(1, 4)
        #expect(sum == f(3, 4))
    }

    @Test func ordering() {
        #expect(f(1, 3) < f(1, 2))
        #expect(f(-1, 2) < .zero)
        #expect(f(2, 3) > f(3, 5))
        #expect(max(f(1, 3), f(2, 7)) == f(1, 3))
        #expect(!(f(2, 4) < f(1, 2)) && !(f(1, 2) < f(2, 4)))
        // Cross-products beyond Int: still compared exactly.
        #expect(f(Int.max - 1, Int.max) < f(Int.max, Int.max - 1))
        #expect(f(1, Int.max) < f(1, Int.max - 1))
    }

    @Test func staysReducedSoLongSumsDoNotOverflow() {
        // Telescoping sum of 1/k − 1/(k+1) for k = 1…2000 is 1 − 1/2001; unreduced, the
        // denominators would be the product of all k and overflow at once.
        var sum = Fraction.zero
        for k in 1...2000 { sum += f(1, k) - f(1, k + 1) }
        #expect(sum == f(2000, 2001))
        // The harmonic-like denominators stay exact while they fit.
        var thirds = Fraction.zero
        for _ in 0..<3000 { thirds += f(2, 3) }
        #expect(thirds == f(2000))
    }

    @Test func checkedArithmeticReportsOverflow() {
        #expect(f(Int.max).checkedAdding(.one) == nil)
        #expect(f(1, Int.max).checkedAdding(f(1, Int.max - 1)) == nil)
        #expect(f(Int.max).checkedMultiplying(f(2)) == nil)
        #expect(f(Int.min).checkedNegated() == nil)
        // Cross-reduction avoids overflow that a naive product would hit.
        #expect(f(Int.max, 2).checkedMultiplying(f(2, Int.max)) == .one)
        #expect(Fraction.normalised(1, 0) == nil)
        #expect(Fraction.normalised(Int.min, -1) == nil)
        #expect(Fraction.normalised(Int.min, 1) == f(Int.min))
    }

    @Test func codableRoundTrip() throws {
        let values = [f(2, 3), f(1), f(0), f(1, 2), f(-7, 4), f(Int.max), f(Int.min)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let data = try encoder.encode(values)
        #expect(String(decoding: data, as: UTF8.self)
            == #"["2/3","1","0","1/2","-7/4","9223372036854775807","-9223372036854775808"]"#)
        #expect(try JSONDecoder().decode([Fraction].self, from: data) == values)
        // Unreduced input is accepted and reduced.
        #expect(try JSONDecoder().decode([Fraction].self, from: Data(#"["4/6","0/9","10/5"]"#.utf8))
            == [f(2, 3), f(0), f(2)])
    }

    @Test(arguments: ["", "abc", "1/0", "0/0", "1/", "/2", "1/2/3", " 1/2", "1/2 ", "1.5", "0,5", "+1",
                      "1/-2", "--1", "-", "½", "١", "99999999999999999999", "1/99999999999999999999"])
    func rejectsBadStrings(_ text: String) throws {
        #expect(Fraction(text) == nil)
        let json = try JSONEncoder().encode([text])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Fraction].self, from: json) }
    }

    @Test func rejectsNonStrings() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Fraction].self, from: Data("[0.5]".utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([Fraction].self, from: Data("[1]".utf8)) }
    }
}

// MARK: - Barème

@Suite struct BaremeTests {
    // MARK: Validation

    @Test func validPhysiqueChimie() {
        #expect(physiqueChimie.validate() == [])
        #expect(svt.validate() == [])
        #expect(nsi.validate() == [])
    }

    @Test func brokenBaremeReportsEveryProblem() throws {
        let broken = Bareme(criteres: [
            Critere(code: "APP", libelle: "S'approprier", poids: 2),
            Critere(code: "ANA", libelle: "Analyser", poids: 4, echelle: niveaux(f(3, 2), f(2, 3), f(1, 3), f(0))),
            Critere(code: "REA", libelle: "Réaliser", poids: 8, echelle: niveaux(f(1), f(1, 3), f(2, 3), f(0))),
            Critere(code: "VAL", libelle: "  ", poids: 3),
            Critere(code: "app", libelle: "Communiquer", poids: 2),
        ])
        let violations = broken.validate()
        // 2 + 4 + 8 + 3 + 2 = 19; A = 3/2 > 1; C = 2/3 > B = 1/3; blank libellé; "app" repeats "APP".
        #expect(violations.map(\.field) == [
            "criteres",
            "criteres[1].echelle.valeurs.A",
            "criteres[2].echelle.valeurs.C",
            "criteres[3].libelle",
            "criteres[4].code",
        ])
        try #require(violations.count == 5)
        #expect(violations[0].reason.contains("19"))
        #expect(violations[4].reason.contains("criteres[0].code"))
        #expect(violations.allSatisfy { !$0.reason.isEmpty })
        // And the mark refuses to be computed on it.
        #expect(throws: EvaluationError.invalidBareme(violations)) {
            try broken.noteSuggeree(pc([.A, .A, .A, .A, .A]))
        }
    }

    @Test func otherRules() {
        #expect(Bareme(criteres: []).validate().map(\.field) == ["criteres"])

        var bareme = physiqueChimie
        bareme.criteres[0].poids = 0            // 0 + 4 + 8 + 4 + 2 = 18
        bareme.criteres[1].code = String(repeating: "X", count: 17)
        bareme.criteres[2].code = ""
        bareme.criteres[3].libelle = String(repeating: "é", count: 201)
        bareme.criteres[4].partie = ""
        bareme.appels = [Appel(code: "A1", libelle: "Protocole"), Appel(code: "a1", libelle: ""),
                         Appel(code: " ", libelle: "Mesures")]
        bareme.plafonds = PlafondsAide(mineure: .C, majeure: .B, solution: .A)
        #expect(bareme.validate().map(\.field) == [
            "criteres",
            "criteres[0].poids",
            "criteres[1].code",
            "criteres[2].code",
            "criteres[3].libelle",
            "criteres[4].partie",
            "appels[1].code",
            "appels[1].libelle",
            "appels[2].code",
            "plafonds.majeure",
            "plafonds.solution",
        ])

        // Limits are inclusive: 16-character code, 200-character libellé, one criterion of 20.
        let limits = Bareme(criteres: [
            Critere(code: String(repeating: "C", count: 16), libelle: String(repeating: "l", count: 200), poids: 20),
        ])
        #expect(limits.validate() == [])

        // A weight above 20 and an absurd one are reported without trapping.
        let heavy = Bareme(criteres: [Critere(code: "A", libelle: "a", poids: 21),
                                      Critere(code: "B", libelle: "b", poids: Int.max)])
        #expect(heavy.validate().map(\.field) == ["criteres", "criteres[0].poids", "criteres[1].poids"])

        // Negative values, and D above C.
        let negative = Bareme(criteres: [
            Critere(code: "A", libelle: "a", poids: 20, echelle: niveaux(f(1), f(1, 2), f(-1, 2), f(0))),
        ])
        #expect(negative.validate().map(\.field) == ["criteres[0].echelle.valeurs.C", "criteres[0].echelle.valeurs.D"])
    }

    @Test func jsonShape() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        #expect(String(decoding: try encoder.encode(Echelle.niveaux(ValeursNiveaux())), as: UTF8.self)
            == #"{"type":"niveaux","valeurs":{"A":"1","B":"2/3","C":"1/3","D":"0"}}"#)
        #expect(String(decoding: try encoder.encode(Echelle.points), as: UTF8.self) == #"{"type":"points"}"#)
        #expect(String(decoding: try encoder.encode(Evaluation.points(demiPoints: 15)), as: UTF8.self)
            == #"{"demiPoints":15,"type":"points"}"#)
        #expect(String(decoding: try encoder.encode(Evaluation.niveau(.B)), as: UTF8.self)
            == #"{"niveau":"B","type":"niveau"}"#)

        for bareme in [physiqueChimie, svt, nsi] {
            #expect(try JSONDecoder().decode(Bareme.self, from: encoder.encode(bareme)) == bareme)
        }

        // Omitted appels, plafonds, valeurs and aides take their defaults.
        let minimal = #"{"criteres":[{"code":"EX","libelle":"Exercice","poids":20,"echelle":{"type":"niveaux"}}]}"#
        let decoded = try JSONDecoder().decode(Bareme.self, from: Data(minimal.utf8))
        #expect(decoded == Bareme(criteres: [Critere(code: "EX", libelle: "Exercice", poids: 20)]))
        #expect(decoded.plafonds == PlafondsAide(mineure: .B, majeure: .C, solution: .D))
        let partial = try JSONDecoder().decode(PlafondsAide.self, from: Data(#"{"mineure":"C"}"#.utf8))
        #expect(partial == PlafondsAide(mineure: .C))
        let evaluation = try JSONDecoder().decode(
            EvaluationCritere.self, from: Data(#"{"code":"EX","evaluation":{"type":"niveau","niveau":"A"}}"#.utf8))
        #expect(evaluation == niveau("EX", .A))

        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Echelle.self, from: Data(#"{"type":"bogus"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Echelle.self, from: Data(#"{"type":"niveaux","valeurs":{"A":"1","B":"1/0","C":"0","D":"0"}}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(Evaluation.self, from: Data(#"{"type":"points","demiPoints":7.5}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(NoteSurVingt.self, from: Data(#"{"demiPoints":41}"#.utf8))
        }
        #expect(try JSONDecoder().decode(NoteSurVingt.self, from: Data(#"{"demiPoints":27}"#.utf8)).description == "13,5")
    }

    // MARK: Marks

    @Test func physiqueChimieMarks() throws {
        // 2×1 + 4×2/3 + 8×2/3 + 4×1/3 + 2×1 = 4 + 28/3 = 40/3 ≈ 13.33 → floor(80/3 + 1/2) = 27 → 13,5
        let mark = try physiqueChimie.noteSuggeree(pc([.A, .B, .B, .C, .A]))
        #expect(mark.demiPoints == 27 && mark.description == "13,5" && mark.doubleValue == 13.5)
        // 2×1 + 4×1/3 + 8×1/3 + 4×0 + 2×2/3 = 2 + 4/3 + 8/3 + 4/3 = 22/3 ≈ 7.33 → floor(44/3 + 1/2) = 15 → 7,5
        #expect(try physiqueChimie.noteSuggeree(pc([.A, .C, .C, .D, .B])).description == "7,5")
        // 2×2/3 + 4×2/3 + 8×2/3 + 4×2/3 + 2×2/3 = 40/3 → 13,5 again
        #expect(try physiqueChimie.noteSuggeree(pc([.B, .B, .B, .B, .B])).description == "13,5")
        // All A: 20; all D: 0.
        #expect(try physiqueChimie.noteSuggeree(pc([.A, .A, .A, .A, .A])).description == "20")
        #expect(try physiqueChimie.noteSuggeree(pc([.D, .D, .D, .D, .D])).description == "0")
        // 2×2/3 + 4×1 + 8×1/3 + 4×1 + 2×1/3 = 4/3 + 4 + 8/3 + 4 + 2/3 = 38/3 ≈ 12.67 → floor(76/3 + 1/2) = 25 → 12,5
        #expect(try physiqueChimie.noteSuggeree(pc([.B, .A, .C, .A, .C])).description == "12,5")
        // Order of the evaluations does not matter.
        #expect(try physiqueChimie.noteSuggeree(pc([.B, .A, .C, .A, .C]).reversed()).description == "12,5")
    }

    @Test func svtMarks() throws {
        // Part A: PRO B = 5×3/4 = 3.75. Part B: REA A = 7, COM A = 3, EXP C = 5×1/2 = 2.5.
        // 3.75 + 7 + 3 + 2.5 = 16.25 → floor(32.5 + 0.5) = 33 → 16,5 (a quarter rounds up).
        let evaluations = [niveau("PRO", .B), niveau("REA", .A), niveau("COM", .A), niveau("EXP", .C)]
        #expect(try svt.noteSuggeree(evaluations).description == "16,5")
        // Each part, exactly: A = 15/4, B = 7 + 3 + 5/2 = 25/2.
        let exact = try svt.criteres.map { critere in
            (critere.partie, try svt.points(critere, evaluations.first { $0.code == critere.code }!))
        }
        #expect(exact.filter { $0.0 == "A" }.map(\.1).reduce(.zero, +) == f(15, 4))
        #expect(exact.filter { $0.0 == "B" }.map(\.1).reduce(.zero, +) == f(25, 2))
        // D is worth 1/4 here: 5/4 + 7/4 + 3/4 + 5/4 = 5 → 5.
        #expect(try svt.noteSuggeree([niveau("PRO", .D), niveau("REA", .D), niveau("COM", .D), niveau("EXP", .D)])
            .description == "5")
        // PRO B 3.75 + REA B 5.25 + COM B 2.25 + EXP A 5 = 16.25 → 16,5; with a minor aid on EXP
        // (A → B, 5×3/4 = 3.75): 3.75 + 5.25 + 2.25 + 3.75 = 15 → 15.
        #expect(try svt.noteSuggeree([niveau("PRO", .B), niveau("REA", .B), niveau("COM", .B), niveau("EXP", .A)])
            .description == "16,5")
        let withAid = [niveau("PRO", .B), niveau("REA", .B), niveau("COM", .B), niveau("EXP", .A, [.mineure])]
        #expect(try svt.noteSuggeree(withAid).description == "15")
    }

    @Test func nsiMarks() throws {
        // 15 half points + 12 half points = 7.5 + 6 = 13.5
        #expect(try nsi.noteSuggeree([points("EX1", 15), points("EX2", 12)]).description == "13,5")
        #expect(try nsi.noteSuggeree([points("EX1", 20), points("EX2", 20)]).description == "20")
        #expect(try nsi.noteSuggeree([points("EX1", 0), points("EX2", 1)]).description == "0,5")
        // Minor aid on EX1: capped at 10 × 2/3 = 20/3; 20/3 + 6 = 38/3 ≈ 12.67 → floor(76/3 + 1/2) = 25 → 12,5
        #expect(try nsi.noteSuggeree([points("EX1", 15, [.mineure]), points("EX2", 12)]).description == "12,5")
        // Below the cap the aid changes nothing: 5 + 6 = 11.
        #expect(try nsi.noteSuggeree([points("EX1", 10, [.mineure]), points("EX2", 12)]).description == "11")
        // Major aid on EX1 (cap 10/3) and solution on EX2 (cap 0): 10/3 ≈ 3.33 → floor(20/3 + 1/2) = 7 → 3,5
        #expect(try nsi.noteSuggeree([points("EX1", 20, [.majeure]), points("EX2", 20, [.solution])]).description
            == "3,5")
    }

    @Test func evaluationErrors() {
        #expect(throws: EvaluationError.missingCriterion("COM")) {
            try physiqueChimie.noteSuggeree(Array(pc([.A, .A, .A, .A, .A]).prefix(4)))
        }
        #expect(throws: EvaluationError.unknownCriterion("XYZ")) {
            try physiqueChimie.noteSuggeree(pc([.A, .A, .A, .A, .A]) + [niveau("XYZ", .A)])
        }
        #expect(throws: EvaluationError.duplicateEvaluation("REA")) {
            try physiqueChimie.noteSuggeree(pc([.A, .A, .A, .A, .A]) + [niveau("REA", .D)])
        }
        #expect(throws: EvaluationError.scaleMismatch("EX2")) {
            try nsi.noteSuggeree([points("EX1", 15), niveau("EX2", .A)])
        }
        #expect(throws: EvaluationError.scaleMismatch("APP")) {
            try physiqueChimie.noteSuggeree([points("APP", 2)] + pc([.A, .A, .A, .A, .A]).dropFirst())
        }
        #expect(throws: EvaluationError.pointsOutOfRange("EX1", demiPoints: 21, maximum: 20)) {
            try nsi.noteSuggeree([points("EX1", 21), points("EX2", 12)])
        }
        #expect(throws: EvaluationError.pointsOutOfRange("EX2", demiPoints: -1, maximum: 20)) {
            try nsi.noteSuggeree([points("EX1", 0), points("EX2", -1)])
        }
        // Codes match exactly: validation already forbids codes differing only by case.
        #expect(throws: EvaluationError.unknownCriterion("app")) {
            try physiqueChimie.noteSuggeree([niveau("app", .A)] + pc([.A, .A, .A, .A, .A]).dropFirst())
        }
        #expect(EvaluationError.missingCriterion("COM").description.contains("COM"))
    }

    @Test func hugeDenominatorsThrowInsteadOfTrapping() {
        // Valid values, but 20 unrelated large primes as denominators: the exact sum cannot fit in Int.
        let primes = [1_000_003, 1_000_033, 1_000_037, 1_000_039, 1_000_081, 1_000_099, 1_000_117, 1_000_121,
                      1_000_133, 1_000_151, 1_000_159, 1_000_171, 1_000_183, 1_000_187, 1_000_193, 1_000_199,
                      1_000_211, 1_000_213, 1_000_231, 1_000_249]
        let bareme = Bareme(criteres: primes.enumerated().map { index, prime in
            Critere(code: "C\(index)", libelle: "c", poids: 1, echelle: niveaux(f(1), f(1, prime), f(0), f(0)))
        })
        #expect(bareme.validate() == [])
        #expect(throws: EvaluationError.overflow) {
            try bareme.noteSuggeree(bareme.criteres.map { niveau($0.code, .B) })
        }
    }

    // MARK: Rounding

    @Test func roundingRule() {
        #expect(Bareme.arrondi(f(1224, 100)).description == "12")
        #expect(Bareme.arrondi(f(1225, 100)).description == "12,5")
        #expect(Bareme.arrondi(f(1274, 100)).description == "12,5")
        #expect(Bareme.arrondi(f(1275, 100)).description == "13")
        #expect(Bareme.arrondi(f(0)).demiPoints == 0)
        #expect(Bareme.arrondi(f(20)).demiPoints == 40)
        #expect(Bareme.arrondi(f(1, 3)).description == "0,5")      // floor(2/3 + 1/2) = 1
        #expect(Bareme.arrondi(f(1, 5)).description == "0")        // floor(2/5 + 1/2) = 0
        #expect(Bareme.arrondi(f(79, 4)).description == "20")      // 19.75 → 40
        #expect(Bareme.arrondi(f(1, Int.max)).demiPoints == 0)
        #expect(Bareme.arrondi(f(Int.max / 4 + 1, Int.max)).demiPoints == 1)   // just above 1/4
        #expect(Bareme.arrondi(f(Int.max / 4, Int.max)).demiPoints == 0)       // just below 1/4
        // Out of range (impossible for a valid barème): clamped.
        #expect(Bareme.arrondi(f(-1, 2)).demiPoints == 0)
        #expect(Bareme.arrondi(f(21)).demiPoints == 40)
        // Against the definition on every quarter and a few neighbours, in 1/100 steps.
        for hundredths in 0...2000 {
            let exact = f(hundredths, 100)
            let expected = (4 * hundredths + 100) / 200     // floor((2h/100 + 1/2)) = floor((4h + 100) / 200)
            #expect(Bareme.arrondi(exact).demiPoints == expected, "\(exact)")
        }
    }

    @Test func noteSurVingt() {
        #expect(NoteSurVingt(demiPoints: 0).description == "0")
        #expect(NoteSurVingt(demiPoints: 1).description == "0,5")
        #expect(NoteSurVingt(demiPoints: 27).description == "13,5")
        #expect(NoteSurVingt(demiPoints: 40).description == "20")
        #expect(NoteSurVingt(demiPoints: 26).doubleValue == 13)
        #expect(NoteSurVingt(demiPoints: 26) < NoteSurVingt(demiPoints: 27))
    }

    // MARK: Aids

    @Test func aidCaps() throws {
        let plafonds = PlafondsAide()
        #expect(plafonds.plafond(for: []) == nil)
        #expect(plafonds.plafond(for: [.mineure]) == .B)
        #expect(plafonds.plafond(for: [.majeure]) == .C)
        #expect(plafonds.plafond(for: [.solution]) == .D)
        // The worst cap wins, whatever the order.
        #expect(plafonds.plafond(for: [.mineure, .majeure]) == .C)
        #expect(plafonds.plafond(for: [.solution, .mineure]) == .D)
        #expect(plafonds.plafond(for: [.mineure, .mineure]) == .B)

        #expect(physiqueChimie.niveauEffectif(.A, aides: [.mineure]) == .B)
        #expect(physiqueChimie.niveauEffectif(.A, aides: [.majeure]) == .C)
        #expect(physiqueChimie.niveauEffectif(.A, aides: [.solution]) == .D)
        #expect(physiqueChimie.niveauEffectif(.A, aides: [.majeure, .mineure]) == .C)
        #expect(physiqueChimie.niveauEffectif(.B, aides: []) == .B)
        // Caps never improve a level.
        #expect(physiqueChimie.niveauEffectif(.C, aides: [.mineure]) == .C)
        #expect(physiqueChimie.niveauEffectif(.D, aides: [.mineure]) == .D)
        for level in Niveau.allCases {
            for aides in [[], [Aide.mineure], [.majeure], [.solution], [.mineure, .majeure], Aide.allCases] {
                let effectif = physiqueChimie.niveauEffectif(level, aides: aides)
                #expect(effectif >= level)
                if let cap = plafonds.plafond(for: aides) { #expect(effectif >= cap) }
            }
        }

        // In marks: all A (20) but REA (8 points) with an aid.
        // Minor: REA counts as B, 8×2/3 = 16/3: 12 + 16/3 = 52/3 ≈ 17.33 → floor(104/3 + 1/2) = 35 → 17,5
        #expect(try physiqueChimie.noteSuggeree(pc([.A, .A, .A, .A, .A], aides: ["REA": [.mineure]])).description
            == "17,5")
        // Major: REA counts as C, 8/3: 12 + 8/3 = 44/3 ≈ 14.67 → floor(88/3 + 1/2) = 29 → 14,5
        #expect(try physiqueChimie.noteSuggeree(pc([.A, .A, .A, .A, .A], aides: ["REA": [.majeure]])).description
            == "14,5")
        // Solution: REA counts as D, 0: 12
        #expect(try physiqueChimie.noteSuggeree(pc([.A, .A, .A, .A, .A], aides: ["REA": [.solution]])).description
            == "12")
        #expect(try physiqueChimie.noteSuggeree(
            pc([.A, .A, .A, .A, .A], aides: ["REA": [.mineure, .solution]])).description == "12")
        // REA already at C: a minor aid changes nothing: 12 + 8/3 → 14,5
        #expect(try physiqueChimie.noteSuggeree(pc([.A, .A, .C, .A, .A], aides: ["REA": [.mineure]])).description
            == "14,5")

        // A barème's own caps: minor aid at C.
        var strict = physiqueChimie
        strict.plafonds = PlafondsAide(mineure: .C)
        #expect(strict.validate() == [])
        #expect(strict.niveauEffectif(.A, aides: [.mineure]) == .C)
    }

    @Test func levelOrder() {
        #expect(Niveau.A < .B && Niveau.B < .C && Niveau.C < .D)
        #expect(max(Niveau.B, .D) == .D)
        #expect(Niveau.A.capped(at: .C) == .C && Niveau.D.capped(at: .B) == .D && Niveau.B.capped(at: nil) == .B)
        #expect(Niveau.A.better == nil && Niveau.B.better == .A && Niveau.D.worse == nil && Niveau.C.worse == .D)
        #expect(Niveau.allCases.map(\.rank) == [0, 1, 2, 3])
    }

    // MARK: Properties

    @Test func randomBaremes() throws {
        var random = SplitMix64(seed: 0xECE_2025)
        for iteration in 0..<2_000 {
            let bareme = random.bareme()
            try #require(bareme.validate() == [], "iteration \(iteration): generator produced \(bareme.validate())")
            let evaluations = bareme.criteres.map { random.evaluation(for: $0) }
            let mark = try bareme.noteSuggeree(evaluations)

            // On a half point within [0, 20], and within a quarter of the exact sum:
            // floor(2x + 1/2) = m  ⇔  m/2 − 1/4 ≤ x < m/2 + 1/4.
            #expect((0...40).contains(mark.demiPoints))
            let exact = try zip(bareme.criteres, evaluations).map { try bareme.points($0, $1) }.reduce(.zero, +)
            let gap = exact - f(mark.demiPoints, 2)
            #expect(gap >= f(-1, 4) && gap < f(1, 4), "iteration \(iteration): \(exact) → \(mark)")

            // Order-independent.
            #expect(try bareme.noteSuggeree(evaluations.reversed()) == mark)

            // Monotone in every criterion.
            for index in evaluations.indices {
                if let better = improved(evaluations[index], bareme.criteres[index]) {
                    var changed = evaluations
                    changed[index] = better
                    #expect(try bareme.noteSuggeree(changed) >= mark, "iteration \(iteration), criterion \(index)")
                }
                for aide in Aide.allCases {
                    var changed = evaluations
                    changed[index].aides.append(aide)
                    #expect(try bareme.noteSuggeree(changed) <= mark, "iteration \(iteration), criterion \(index)")
                }
            }
        }
    }

    @Test func randomExtremes() throws {
        var random = SplitMix64(seed: 0x5EED_0020)
        for iteration in 0..<2_000 {
            // A = 1 and D = 0: the extremes are then exactly 20 and 0.
            let bareme = random.bareme(fixedEnds: true)
            try #require(bareme.validate() == [])
            let best = bareme.criteres.map { critere in
                switch critere.echelle {
                case .niveaux: niveau(critere.code, .A)
                case .points: points(critere.code, 2 * critere.poids)
                }
            }
            #expect(try bareme.noteSuggeree(best).demiPoints == 40, "iteration \(iteration)")
            // Worst, with or without aids.
            let worst = bareme.criteres.map { critere in
                let aides = random.aides()
                return switch critere.echelle {
                case .niveaux: niveau(critere.code, .D, aides)
                case .points: points(critere.code, 0, aides)
                }
            }
            #expect(try bareme.noteSuggeree(worst).demiPoints == 0, "iteration \(iteration)")
        }
    }

    /// One step better on the criterion's own scale; nil when already at the top.
    private func improved(_ evaluation: EvaluationCritere, _ critere: Critere) -> EvaluationCritere? {
        var result = evaluation
        switch evaluation.evaluation {
        case .niveau(let level):
            guard let better = level.better else { return nil }
            result.evaluation = .niveau(better)
        case .points(let demiPoints):
            guard demiPoints < 2 * critere.poids else { return nil }
            result.evaluation = .points(demiPoints: demiPoints + 1)
        }
        return result
    }
}

// MARK: - Deterministic generator

/// The barème generator of the property tests, on the shared deterministic generator.
private extension SplitMix64 {
    mutating func chance(_ numerator: Int, in denominator: Int) -> Bool { int(1...denominator) <= numerator }

    /// 1–10 criteria with weights ≥ 1 summing to 20, mixed scales, valid level values
    /// (non-increasing within [0, 1]; A = 1 and D = 0 when `fixedEnds`), valid caps.
    mutating func bareme(fixedEnds: Bool = false) -> Bareme {
        let count = int(1...10)
        var weights = Array(repeating: 1, count: count)
        for _ in 0..<(20 - count) { weights[int(0...(count - 1))] += 1 }
        let criteres = weights.enumerated().map { index, poids in
            Critere(code: "C\(index)", libelle: "Critère \(index)", partie: chance(1, in: 2) ? "A" : "B",
                    poids: poids, echelle: chance(1, in: 4) ? .points : .niveaux(valeurs(fixedEnds: fixedEnds)))
        }
        let caps = (0..<3).map { _ in niveau() }.sorted()
        return Bareme(criteres: criteres, plafonds: PlafondsAide(mineure: caps[0], majeure: caps[1], solution: caps[2]))
    }

    mutating func niveau() -> Niveau { Niveau.allCases[int(0...3)] }

    mutating func valeurs(fixedEnds: Bool) -> ValeursNiveaux {
        let denominator = int(1...12)
        var numerators = (0..<4).map { _ in int(0...denominator) }.sorted(by: >)
        if fixedEnds {
            numerators[0] = denominator
            numerators[3] = 0
        }
        let values = numerators.map { Fraction($0, denominator) }
        return ValeursNiveaux(a: values[0], b: values[1], c: values[2], d: values[3])
    }

    mutating func aides() -> [Aide] {
        Aide.allCases.filter { _ in chance(1, in: 4) }
    }

    mutating func evaluation(for critere: Critere) -> EvaluationCritere {
        let evaluation: Evaluation = switch critere.echelle {
        case .niveaux: .niveau(niveau())
        case .points: .points(demiPoints: int(0...(2 * critere.poids)))
        }
        return EvaluationCritere(code: critere.code, evaluation: evaluation, aides: aides())
    }
}
