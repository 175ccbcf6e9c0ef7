import Foundation
import NIOCore
import Shared
import Testing
@testable import Correction

/// Santorin's pure rules (issue 7): distribution, the draw rule, the grid and its aid caps.
@Suite struct CorrectionDomainTests {
    static let matin = UUID(), apresMidi = UUID()

    static func candidat(_ nom: String, division: String?, uai: String? = "0251671F", creneau: UUID? = matin) -> Distribution.Candidat {
        Distribution.Candidat(id: UUID(), nom: nom, uaiOrigine: uai, division: division, creneau: creneau)
    }

    /// « Un groupe par examinateur » names each room as the group form would accept it.
    @Test func aRoomNamedAfterItsExaminerIsAValidGroupName() {
        func salle(_ prenom: String, _ nom: String, login: String = "lou.perrin") -> String {
            CommissionRepository.nomDeSalle(.init(intervenantId: UUID(), login: login, nom: nom, prenom: prenom, uai: nil, divisions: [],
                                                  missionId: UUID()))
        }
        #expect(salle("Lou", "Perrin") == "Lou Perrin")
        #expect(salle(" Lou\u{0}\t", "  de  la\nFontaine ") == "Lou de la Fontaine")
        #expect(salle(" ", "") == "lou.perrin" && salle("", "", login: "") == "Examinateur")
        let long = salle(String(repeating: "é", count: 60), String(repeating: "x", count: 60))
        #expect(long.count == 90 && long == long.trimmingCharacters(in: .whitespaces))
        #expect(salle(String(repeating: "a", count: 89), "b") == String(repeating: "a", count: 89), "no trailing space once cut")
    }

    @Test func anExaminerNeverGetsTheirOwnPupils() {
        let professeur = Distribution.Membre(uai: "0251671F", divisions: ["T1"])
        let autre = Distribution.Membre(uai: "0250007X", divisions: ["T1"])
        let g1 = Distribution.Groupe(id: UUID(), membres: [professeur]), g2 = Distribution.Groupe(id: UUID(), membres: [autre])
        let eleves = (1...3).map { Self.candidat("Eleve\($0)", division: "T1") }
        let result = Distribution.automatique(eleves, groupes: [g1, g2], garderDivisions: false)
        #expect(eleves.allSatisfy { result.affectations[$0.id] == g2.id }, "all to the group that does not teach them")
        // Alone with their teacher, they are refused, not given to them.
        let alone = Distribution.automatique(eleves, groupes: [g1], garderDivisions: false)
        #expect(alone.affectations.isEmpty && alone.refus.values.allSatisfy { $0 == .conflit })
        // Same division name in another school is no conflict.
        #expect(!Distribution.conflit(Self.candidat("X", division: "T1", uai: "0250058C"), [professeur]))
    }

    @Test func atMostFourCandidatesPerExaminerPerSlot() {
        let g1 = Distribution.Groupe(id: UUID(), membres: [.init(uai: nil, divisions: [])])
        let g2 = Distribution.Groupe(id: UUID(), membres: [.init(uai: nil, divisions: []), .init(uai: nil, divisions: [])])
        let morning = (1...14).map { Self.candidat("M\($0)", division: "T\($0 % 3)") }
        let afternoon = (1...3).map { Self.candidat("A\($0)", division: "T9", creneau: Self.apresMidi) }
        let sansCreneau = Self.candidat("Z", division: "T1", creneau: nil)
        let result = Distribution.automatique(morning + afternoon + [sansCreneau], groupes: [g1, g2], garderDivisions: true)
        let inMorning = morning.compactMap { result.affectations[$0.id] }
        #expect(inMorning.filter { $0 == g1.id }.count <= 4 && inMorning.filter { $0 == g2.id }.count <= 8)
        #expect(inMorning.count == 12 && result.refus.values.filter { $0 == .capacite }.count == 2)
        #expect(afternoon.allSatisfy { result.affectations[$0.id] != nil }, "the afternoon has its own room")
        #expect(result.refus[sansCreneau.id] == .sansCreneau)
    }

    @Test func divisionsStayTogetherAndLotsBalance() {
        let groupes = (1...3).map { _ in Distribution.Groupe(id: UUID(), membres: [.init(uai: nil, divisions: []), .init(uai: nil, divisions: [])]) }
        let eleves = ["T1", "T1", "T1", "T2", "T2", "T2", "T3", "T3", "T3"].enumerated().map { Self.candidat("E\($0.offset)", division: $0.element) }
        let together = Distribution.automatique(eleves, groupes: groupes, garderDivisions: true)
        for division in ["T1", "T2", "T3"] {
            #expect(Set(eleves.filter { $0.division == division }.map { together.affectations[$0.id] }).count == 1, "\(division) in one lot")
        }
        let loads = groupes.map { g in together.affectations.values.filter { $0 == g.id }.count }
        #expect(loads.sorted() == [3, 3, 3])
        let mixed = Distribution.automatique(eleves, groupes: groupes, garderDivisions: false)
        #expect(groupes.map { g in mixed.affectations.values.filter { $0 == g.id }.count }.sorted() == [3, 3, 3])
    }

    static func sujet(_ dominante: String?, epreuve: String = "T011B") -> Creneau.SujetOffert {
        Creneau.SujetOffert(id: UUID(), epreuve: epreuve, session: 2099, dominante: dominante, retire: false)
    }

    @Test func physiqueChimieOffersTwoOfEachDominantAndChangesEveryHalfDay() {
        let p = [Self.sujet("physique"), Self.sujet("physique")], c = [Self.sujet("chimie"), Self.sujet("chimie"), Self.sujet("chimie")]
        let ok = Creneau.violations(epreuve: "T011B", session: 2099, demandes: (p + c).map(\.id), connus: p + c, autresCreneaux: [])
        #expect(ok.isEmpty)
        let short = Creneau.violations(epreuve: "T011B", session: 2099, demandes: ([p[0]] + c).map(\.id), connus: p + c, autresCreneaux: [])
        #expect(short.contains { $0.reason.contains("physique") })
        let same = Creneau.violations(epreuve: "T011B", session: 2099, demandes: (p + c).map(\.id), connus: p + c,
                                      autresCreneaux: [Set((p + c).map(\.id))])
        #expect(same.contains { $0.reason.contains("demi-journée") })
        let svt = [Self.sujet(nil, epreuve: "T012B")]
        #expect(Creneau.violations(epreuve: "T012B", session: 2099, demandes: svt.map(\.id), connus: svt, autresCreneaux: []).isEmpty)
        let wrongExam = Creneau.violations(epreuve: "T012B", session: 2099, demandes: [p[0].id], connus: p, autresCreneaux: [])
        #expect(wrongExam.contains { $0.field == "sujets[0]" })
        let unknown = Creneau.violations(epreuve: "T012B", session: 2099, demandes: [UUID()], connus: [], autresCreneaux: [])
        #expect(unknown.contains { $0.field == "sujets[0]" })
    }

    static let bareme = Bareme(criteres: [
        Critere(code: "APP", libelle: "S'approprier", poids: 4, echelle: .niveaux(ValeursNiveaux())),
        Critere(code: "REA", libelle: "Réaliser", poids: 12, echelle: .niveaux(ValeursNiveaux())),
        Critere(code: "VAL", libelle: "Valider", poids: 4, echelle: .points),
    ], appels: [Appel(code: "A1", libelle: "Appel 1")])

    @Test func aidsCapTheLevelAndTheMarkFollows() throws {
        var grille = Grille()
        grille.evaluations = [.init(code: "APP", evaluation: .niveau(.A)), .init(code: "REA", evaluation: .niveau(.A))]
        #expect(grille.noteSuggeree(Self.bareme) == nil && grille.manquants(Self.bareme) == ["VAL"], "a draft has no mark yet")
        grille.evaluations.append(.init(code: "VAL", evaluation: .points(demiPoints: 8)))
        #expect(grille.noteSuggeree(Self.bareme)?.demiPoints == 40)
        // A major aid on REA caps it at C: 12 × 1/3 = 4 points instead of 12.
        grille.aides = [.init(critere: "REA", aide: .majeure, heure: Date())]
        #expect(grille.plafonds(Self.bareme) == ["REA": .C])
        #expect(grille.noteSuggeree(Self.bareme)?.demiPoints == 24)
        // A minor aid on APP still allows B: 4 × 2/3 = 8/3, 4 + 8/3 + 4 = 10.67 → 10.5.
        grille.aides.append(.init(critere: "APP", aide: .mineure, heure: Date()))
        #expect(grille.noteSuggeree(Self.bareme)?.demiPoints == 21)
    }

    @Test func aGridThatDoesNotFitTheBaremeIsRefusedFieldByField() {
        var grille = Grille()
        grille.evaluations = [.init(code: "XXX", evaluation: .niveau(.A)), .init(code: "VAL", evaluation: .points(demiPoints: 9)),
                              .init(code: "REA", evaluation: .points(demiPoints: 2))]
        grille.appels = [.init(code: "A9", heure: Date())]
        let fields = Set(grille.violations(Self.bareme).map(\.field))
        #expect(fields == ["grille.evaluations[0].code", "grille.evaluations[1].evaluation.demiPoints",
                           "grille.evaluations[2].evaluation", "grille.appels[0].code"])
    }

    /// A sheet with long comments goes on over continuation pages; decomposed accents print composed.
    @Test func aLongSheetGoesOnOverPagesAndAccentsSurvive() throws {
        var grille = Grille()
        let long = String(repeating: "Le candidat explique sa démarche avec précision. ", count: 40)
        grille.commentaires = ["APP": long, "REA": long]
        grille.commentaire = long
        let fiche = Fiche(
            id: UUID(), session: 2099, epreuve: "T011B", centre: "0251080N", candidatId: UUID(), numero: "X1",
            nom: "Le\u{0301}on", prenoms: "Zoe\u{0308}", division: "T1", groupeId: nil, lotVerrouille: false, creneauId: nil, sujet: nil,
            sujetMode: nil, bareme: nil, grille: grille, statut: "brouillon", absence: nil, noteSuggeree: nil, noteFinale: nil,
            motifAjustement: nil, saisieDifferee: false, manquants: [], plafonds: [:], appelsManquants: [], version: 1, modifieeLe: Date())
        let bytes = try FicheDocument.pdf([FicheDocument.Feuille(fiche: fiche, criteres: Self.bareme.criteres, appels: nil,
                                                                  lien: "https://ece.example/correction/fiches/x", creneau: nil)], title: "t")
        let buffer = ByteBuffer(bytes: bytes)
        #expect(try (CorrectionTests.pages(buffer) ?? 0) >= 2)
        let text = try CorrectionTests.tool("pdftotext", ["{}", "-"], on: buffer, suffix: ".pdf")
        #expect(text.contains("LÉON Zoë") && text.contains("(suite)"), "\(text.prefix(300))")
    }
}
