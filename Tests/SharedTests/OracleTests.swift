import Foundation
import Shared
import Testing
import TestSupport

/// The test-only mark oracle (`Tools/TestSupport/Oracle.swift`) checked by numbers worked out by
/// hand from the README's definition, so the end-to-end and chaos runs compare the platform with
/// something that is itself checked, and never with the platform's own function.
@Suite struct OracleTests {
    typealias R = Oracle.Rationnel

    @Test func roundsToTheHalfPointHalvesGoingUp() {
        // The README's four examples, as exact decimals.
        #expect(Oracle.arrondi(R(1224, 100)) == 24)  // 12.24 → 12
        #expect(Oracle.arrondi(R(1225, 100)) == 25)  // 12.25 → 12.5
        #expect(Oracle.arrondi(R(1274, 100)) == 25)  // 12.74 → 12.5
        #expect(Oracle.arrondi(R(1275, 100)) == 26)  // 12.75 → 13
        #expect(Oracle.arrondi(R(0)) == 0)
        #expect(Oracle.arrondi(R(20)) == 40)
        // Thirds: 38/3 = 12.666… → 12.5; 37/3 = 12.333… → 12.5; 14/3 = 4.666… → 4.5.
        #expect(Oracle.arrondi(R(38, 3)) == 25)
        #expect(Oracle.arrondi(R(37, 3)) == 25)
        #expect(Oracle.arrondi(R(14, 3)) == 9)
    }

    @Test func rationalsStayExact() {
        #expect(R(2, 3) + R(1, 3) == R(1))
        #expect(R(4) * R(2, 3) == R(8, 3))
        #expect(R(-7, 2).plancher == -4)
        #expect(R(7, 2).plancher == 3)
        #expect(R(6, -4) == R(-3, 2))
        #expect(R(3, 4).description == "3/4")
    }

    /// Physique-chimie APP 2, ANA 4, REA 8, VAL 4, COM 2 with the default values.
    let pc = Oracle.Bareme([Oracle.Critere("APP", "S'approprier", poids: 2), Oracle.Critere("ANA", "Analyser", poids: 4),
                            Oracle.Critere("REA", "Réaliser", poids: 8), Oracle.Critere("VAL", "Valider", poids: 4),
                            Oracle.Critere("COM", "Communiquer", poids: 2)])

    func grille(_ niveaux: String, aides: [String: [String]] = [:]) -> [Oracle.Saisie] {
        zip(["APP", "ANA", "REA", "VAL", "COM"], niveaux).map { Oracle.Saisie($0.0, niveau: String($0.1), aides: aides[$0.0] ?? []) }
    }

    @Test func levelsTimesWeights() {
        #expect(Oracle.demiPoints(pc, grille("AAAAA")) == 40)
        #expect(Oracle.demiPoints(pc, grille("DDDDD")) == 0)
        // B everywhere: 20 × 2/3 = 13.33… → 13.5.
        #expect(Oracle.demiPoints(pc, grille("BBBBB")) == 27)
        // A B C D A: 2 + 8/3 + 8/3 + 0 + 2 = 28/3 = 9.33… → 9.5.
        #expect(Oracle.demiPoints(pc, grille("ABCDA")) == 19)
    }

    @Test func aidsCapTheLevel() {
        // REA graded A with a major aid counts as C: 2 + 4 + 8/3 + 4 + 2 = 44/3 = 14.67 → 14.5.
        #expect(Oracle.demiPoints(pc, grille("AAAAA", aides: ["REA": ["majeure"]])) == 29)
        // A minor aid on ANA graded C changes nothing (a cap never improves): 2 + 4/3 + 8 + 4 + 2 = 52/3 → 17.5.
        #expect(Oracle.demiPoints(pc, grille("ACAAA", aides: ["ANA": ["mineure"]])) == 35)
        // Minor and solution on REA: the worst cap, D: 12 → 12.
        #expect(Oracle.demiPoints(pc, grille("AAAAA", aides: ["REA": ["mineure", "solution"]])) == 24)
        // A barème of its own: a minor aid caps at C there; values A 1, B 3/4, C 2/5, D 0.
        let stl = Oracle.Bareme([Oracle.Critere("REA", "Réaliser", poids: 10, valeurs: [R(1), R(3, 4), R(2, 5), R(0)]),
                                 Oracle.Critere("VAL", "Valider", poids: 10, valeurs: [R(1), R(3, 4), R(2, 5), R(0)])],
                                plafonds: ["mineure": "C", "majeure": "D", "solution": "D"])
        // REA A with a minor aid → C: 4; VAL B: 7.5; 11.5 → 11.5.
        #expect(Oracle.demiPoints(stl, [Oracle.Saisie("REA", niveau: "A", aides: ["mineure"]), Oracle.Saisie("VAL", niveau: "B")]) == 23)
    }

    @Test func nsiPointsAtMostTheWeight() {
        let nsi = Oracle.Bareme([.points("EX1", "Exercice 1", partie: "exercice 1", poids: 12),
                                 .points("EX2", "Exercice 2", partie: "exercice 2", poids: 8)])
        // 7.5 + 6.5 = 14.
        #expect(Oracle.demiPoints(nsi, [Oracle.Saisie("EX1", demiPoints: 15), Oracle.Saisie("EX2", demiPoints: 13)]) == 28)
        // 30 half points on a 12-point exercise count 12: 12 + 8 = 20.
        #expect(Oracle.demiPoints(nsi, [Oracle.Saisie("EX1", demiPoints: 30), Oracle.Saisie("EX2", demiPoints: 16)]) == 40)
        // A minor aid on EX2 caps it at 8 × 2/3 = 16/3: 6 + 5.33… = 11.33… → 11.5.
        #expect(Oracle.demiPoints(nsi, [Oracle.Saisie("EX1", demiPoints: 12), Oracle.Saisie("EX2", demiPoints: 16, aides: ["mineure"])]) == 23)
    }

    @Test func encodesTheAPIsBareme() throws {
        let bareme = Oracle.Bareme([Oracle.Critere("APP", "S'approprier", partie: "A", poids: 20), .points("EX1", "Ex", poids: 1)],
                                   appels: ["APPEL1"], plafonds: ["mineure": "C", "majeure": "C", "solution": "D"])
        let json = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(bareme)) as? [String: Any])
        let criteres = try #require(json["criteres"] as? [[String: Any]])
        #expect(criteres[0]["partie"] as? String == "A" && criteres[0]["poids"] as? Int == 20)
        let echelle = try #require(criteres[0]["echelle"] as? [String: Any])
        #expect(echelle["type"] as? String == "niveaux")
        #expect(echelle["valeurs"] as? [String: String] == ["A": "1", "B": "2/3", "C": "1/3", "D": "0"])
        #expect((criteres[1]["echelle"] as? [String: String]) == ["type": "points"])
        #expect((json["plafonds"] as? [String: String])?["mineure"] == "C")
        #expect((json["appels"] as? [[String: String]])?.first?["code"] == "APPEL1")
    }

    /// The oracle and the platform's function agree on many grids: the barème goes through the
    /// API's JSON (as the drivers publish it), the grid through `EvaluationCritere`. A difference
    /// means one of the two misreads the README.
    @Test func agreesWithThePlatformsFunctionOnManyGrids() throws {
        let valeurs = [R(1), R(3, 4), R(2, 5), R(0)]
        let baremes = [
            pc,
            Oracle.Bareme([Oracle.Critere("STR", "Stratégie", partie: "A", poids: 7), Oracle.Critere("PRO", "Protocole", partie: "A", poids: 3),
                           Oracle.Critere("COM", "Communiquer", partie: "B", poids: 4, valeurs: valeurs),
                           Oracle.Critere("INT", "Interpréter", partie: "B", poids: 6, valeurs: valeurs)],
                          plafonds: ["mineure": "C", "majeure": "D", "solution": "D"]),
            Oracle.Bareme([.points("EX1", "Exercice 1", poids: 12), .points("EX2", "Exercice 2", poids: 8)]),
            Oracle.Bareme([.points("EX1", "Exercice 1", poids: 9), Oracle.Critere("REA", "Réaliser", poids: 11)],
                          plafonds: ["mineure": "A", "majeure": "B", "solution": "C"]),
        ]
        var generator = SystemRandomNumberGenerator()
        for bareme in baremes {
            let partage = try JSONDecoder().decode(Shared.Bareme.self, from: JSONEncoder().encode(bareme))
            #expect(partage.validate().isEmpty)
            for _ in 0..<500 {
                let saisies = bareme.criteres.map { c -> Oracle.Saisie in
                    let aides = ["mineure", "majeure", "solution"].filter { _ in Int.random(in: 0..<6, using: &generator) == 0 }
                    return c.valeurs == nil
                        ? Oracle.Saisie(c.code, demiPoints: Int.random(in: 0...(2 * c.poids), using: &generator), aides: aides)
                        : Oracle.Saisie(c.code, niveau: Oracle.niveaux.randomElement(using: &generator)!, aides: aides)
                }
                let evaluations = saisies.map { s in
                    EvaluationCritere(code: s.code, evaluation: s.niveau.map { .niveau(Niveau(rawValue: $0)!) } ?? .points(demiPoints: s.demiPoints!),
                                      aides: s.aides.map { Aide(rawValue: $0)! })
                }
                let oracle = Oracle.demiPoints(bareme, saisies)
                let platform = try partage.noteSuggeree(evaluations).demiPoints
                #expect(oracle == platform, "\(saisies)")
                if oracle != platform { return }
            }
        }
    }
}
