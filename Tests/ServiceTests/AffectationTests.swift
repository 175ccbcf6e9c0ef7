import Testing
@testable import Inscriptions

/// The assignment rules of the road map, without a database.
@Suite struct AffectationTests {
    typealias A = Affectation
    static let pupil = A.Candidat(categorie: "scolaire", filiere: "BCG", academie: "03", uaiOrigine: "0251671F",
                                  origineAutonome: true)
    static let victorHugo = A.Centre(uai: "0251080N", academie: "03", epreuves: ["T011B", "T012B"], capacite: 2,
                                     affectes: 0, latitude: 47.2378, longitude: 6.0241)
    static let cuvier = A.Centre(uai: "0250058C", academie: "03", epreuves: ["T011B"], capacite: 100, affectes: 0,
                                 latitude: 47.5098, longitude: 6.7985)
    static let gestionnaire = A.Acteur.gestionnaire(academie: "03")
    static let school = A.Acteur.etablissement(uai: "0251671F", delegations: ["T011B"])

    @Test func theGestionnaireAssignsWithinTheRules() {
        #expect(A.refus(Self.pupil, epreuve: "T011B", centre: Self.victorHugo, acteur: Self.gestionnaire) == nil)
        #expect(A.refus(Self.pupil, epreuve: "T010B", centre: Self.victorHugo, acteur: Self.gestionnaire)?
            .contains("n'accueille pas") == true)
        var full = Self.victorHugo
        full.affectes = 2
        #expect(A.refus(Self.pupil, epreuve: "T011B", centre: full, acteur: Self.gestionnaire)?.contains("complet") == true)
        #expect(A.refus(Self.pupil, epreuve: "T011B", centre: full, acteur: Self.gestionnaire, dejaAffecteIci: true) == nil)
        #expect(A.refus(Self.pupil, epreuve: "T011B", centre: Self.victorHugo, acteur: .gestionnaire(academie: "01"))?
            .contains("autre académie") == true)
        var paris = Self.victorHugo
        paris.academie = "01"
        #expect(A.refus(Self.pupil, epreuve: "T011B", centre: paris, acteur: Self.gestionnaire)?.contains("centre d'une autre") == true)
    }

    @Test func aSchoolAssignsItsOwnPupilsForDelegatedExamsOnly() {
        #expect(A.refus(Self.pupil, epreuve: "T011B", centre: Self.victorHugo, acteur: Self.school) == nil)
        #expect(A.refus(Self.pupil, epreuve: "T012B", centre: Self.victorHugo, acteur: Self.school)?.contains("non déléguée") == true)
        var other = Self.pupil
        other.uaiOrigine = "0250007X"
        #expect(A.refus(other, epreuve: "T011B", centre: Self.victorHugo, acteur: Self.school)?.contains("autre établissement") == true)
    }

    @Test func specialCasesAreTheGestionnairesOnly() {
        let individuelSTL = A.Candidat(categorie: "individuel", filiere: "BTN", academie: "03", uaiOrigine: "0251671F",
                                       origineAutonome: true)
        let cned = A.Candidat(categorie: "cned", filiere: "BCG", academie: "03", uaiOrigine: "0251671F", origineAutonome: true)
        var nonAutonome = Self.pupil
        nonAutonome.origineAutonome = false
        var morea = nonAutonome
        morea.categorie = "morea"
        let school = A.Acteur.etablissement(uai: "0251671F", delegations: ["T011B", "T010B", "T029B"])
        var stlCentre = Self.cuvier
        stlCentre.epreuves = ["T029B", "T010B", "T011B"]
        for (candidat, epreuve) in [(individuelSTL, "T029B"), (cned, "T010B"), (nonAutonome, "T011B"), (morea, "T011B")] {
            #expect(A.casParticulier(candidat, epreuve: epreuve) != nil)
            #expect(A.refus(candidat, epreuve: epreuve, centre: stlCentre, acteur: school) != nil, "school on a special case")
            #expect(A.refus(candidat, epreuve: epreuve, centre: stlCentre, acteur: Self.gestionnaire) == nil, "gestionnaire")
        }
        #expect(A.casParticulier(cned, epreuve: "T011B") == nil, "CNED is special for NSI only")
        #expect(A.casParticulier(Self.pupil, epreuve: "T011B") == nil)
    }

    @Test func theSuggestionIsTheOwnSchoolElseTheNearestCentreWithRoom() {
        var ownCentre = Self.victorHugo
        ownCentre.uai = "0251671F"
        let origin = (latitude: 47.2301, longitude: 6.0303)
        #expect(A.suggestion(Self.pupil, epreuve: "T011B", centres: [Self.cuvier, ownCentre, Self.victorHugo], origine: origin)?.uai
            == "0251671F")
        #expect(A.suggestion(Self.pupil, epreuve: "T011B", centres: [Self.cuvier, Self.victorHugo], origine: origin)?.uai
            == "0251080N", "Besançon is nearer than Montbéliard")
        var full = Self.victorHugo
        full.affectes = full.capacite
        #expect(A.suggestion(Self.pupil, epreuve: "T011B", centres: [Self.cuvier, full], origine: origin)?.uai == "0250058C")
        #expect(A.suggestion(Self.pupil, epreuve: "T029B", centres: [Self.cuvier, Self.victorHugo], origine: origin) == nil)
        #expect(A.distance(origin, Self.cuvier) > 50 && A.distance(origin, Self.victorHugo) < 2)
    }
}
