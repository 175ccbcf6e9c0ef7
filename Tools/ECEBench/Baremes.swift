import ECEAPI
import ECEAPIClient
import Foundation
import OpenAPIRuntime
import TestSupport

/// The barèmes the drivers publish (e2e, chaos, national), in the oracle's own terms: the shapes of
/// the real exams, each different, so a barème swapped between subjects or exams, a level value or
/// an aid cap not taken from the subject's own barème changes a mark and fails the comparison.
enum Baremes {
    typealias R = Oracle.Rationnel
    typealias C = Oracle.Critere

    /// Physique-chimie, five competencies; the chemistry subjects weigh them differently.
    static let physique = Oracle.Bareme([C("APP", "S'approprier", poids: 2), C("ANA", "Analyser / raisonner", poids: 4),
                                         C("REA", "Réaliser", poids: 8), C("VAL", "Valider", poids: 4), C("COM", "Communiquer", poids: 2)],
                                        appels: ["APPEL1", "APPEL2"])
    static let chimie = Oracle.Bareme([C("APP", "S'approprier", poids: 3), C("ANA", "Analyser / raisonner", poids: 3),
                                       C("REA", "Réaliser", poids: 7), C("VAL", "Valider", poids: 5), C("COM", "Communiquer", poids: 2)],
                                      appels: ["APPEL1", "APPEL2"])
    /// SVT in two parts, with caps of its own: a minor aid already caps at C, a major one at D.
    static let svt = Oracle.Bareme([C("STR", "Concevoir une stratégie", partie: "A", poids: 5),
                                    C("PRO", "Mettre en œuvre un protocole", partie: "A", poids: 5),
                                    C("COM", "Communiquer les résultats", partie: "B", poids: 4),
                                    C("INT", "Interpréter, regard critique", partie: "B", poids: 6)],
                                   appels: ["APPEL1"], plafonds: ["mineure": "C", "majeure": "D", "solution": "D"])
    static let svtBis = Oracle.Bareme([C("STR", "Concevoir une stratégie", partie: "A", poids: 4),
                                       C("PRO", "Mettre en œuvre un protocole", partie: "A", poids: 6),
                                       C("COM", "Communiquer les résultats", partie: "B", poids: 5),
                                       C("INT", "Interpréter, regard critique", partie: "B", poids: 5)],
                                      appels: ["APPEL1"], plafonds: ["mineure": "C", "majeure": "D", "solution": "D"])
    /// NSI: two exercises in half points.
    static let nsi = Oracle.Bareme([.points("EX1", "Écrire un algorithme", partie: "exercice 1", poids: 12),
                                    .points("EX2", "Compléter un programme", partie: "exercice 2", poids: 8)])
    static let nsiBis = Oracle.Bareme([.points("EX1", "Écrire un algorithme", partie: "exercice 1", poids: 10),
                                       .points("EX2", "Compléter un programme", partie: "exercice 2", poids: 10)])
    /// STL, six competencies, with level values of its own (B 3/4, C 2/5).
    static let stlValeurs = [R(1), R(3, 4), R(2, 5), R(0)]
    static let stl = Oracle.Bareme([C("APP", "S'approprier", poids: 2, valeurs: stlValeurs), C("ANA", "Analyser", poids: 3, valeurs: stlValeurs),
                                    C("REA", "Réaliser", poids: 7, valeurs: stlValeurs), C("VAL", "Valider", poids: 3, valeurs: stlValeurs),
                                    C("COM", "Communiquer", poids: 2, valeurs: stlValeurs),
                                    C("AUT", "Être autonome, faire preuve d'initiative", poids: 3, valeurs: stlValeurs)],
                                   appels: ["APPEL1", "APPEL2"])

    /// The barème of a subject by its code (without a run's prefix): PC-P…, PC-C…, SVT-…, NSI-…, BIO-…, SPCL-….
    static func pour(_ code: String) -> Oracle.Bareme {
        let numero = Int(code.filter(\.isNumber)) ?? 0
        switch code {
        case _ where code.hasPrefix("PC-P") || code.hasPrefix("SPCL-P"): return physique
        case _ where code.hasPrefix("PC-C") || code.hasPrefix("SPCL-C"): return chimie
        case _ where code.hasPrefix("SVT-"): return numero % 2 == 0 ? svtBis : svt
        case _ where code.hasPrefix("NSI-"): return numero % 2 == 0 ? nsiBis : nsi
        default: return stl
        }
    }

    /// A grid for the i-th sheet of an examiner (k varies it between examiners): levels and points
    /// spread over the whole scale, and now and then an aid, so every cap and rounding is met.
    static func grille(_ bareme: Oracle.Bareme, i: Int, k: Int) -> [Oracle.Saisie] {
        bareme.criteres.enumerated().map { j, critere in
            var aides: [String] = []
            if (i + j + k) % 7 == 3 { aides.append("mineure") }
            if (i + 2 * j + k) % 11 == 5 { aides.append("majeure") }
            if (i + j) % 13 == 12 { aides.append("solution") }
            if critere.valeurs == nil {
                return Oracle.Saisie(critere.code, demiPoints: (3 * i + 5 * j + k) % (2 * critere.poids + 1), aides: aides)
            }
            return Oracle.Saisie(critere.code, niveau: Oracle.niveaux[(i + j * (k % 3 + 1) + k) % 4], aides: aides)
        }
    }
}

extension Baremes {
    /// A barème as published (`enregistrerBareme`), from the oracle's.
    static func api(_ bareme: Oracle.Bareme) throws -> Components.Schemas.Bareme {
        let criteres = try bareme.criteres.map { c in
            Components.Schemas.Critere(code: c.code, libelle: c.libelle, partie: c.partie, poids: c.poids, echelle: try c.valeurs.map {
                .init(_type: .niveaux, valeurs: try OpenAPIObjectContainer(unvalidatedValue: Dictionary(
                    uniqueKeysWithValues: zip(Oracle.niveaux, $0.map { $0.description as (any Sendable)? }))))
            } ?? .init(_type: .points))
        }
        let plafonds = bareme.plafonds
        return .init(criteres: criteres, appels: bareme.appels.map { .init(code: $0, libelle: "Appel \($0)") },
                     plafonds: .init(mineure: plafonds["mineure"].flatMap { .init(rawValue: $0) },
                                     majeure: plafonds["majeure"].flatMap { .init(rawValue: $0) },
                                     solution: plafonds["solution"].flatMap { .init(rawValue: $0) }))
    }

    /// Creates a subject, gives it `bareme` and its document, validates and publishes it (visible
    /// from a minute ago); returns its id.
    static func publier(_ dsii: Client, _ sujet: Components.Schemas.SujetInput, _ bareme: Oracle.Bareme) async throws -> String {
        guard let id = try await dsii.creerSujet(body: .json(sujet)).created.body.json.id else {
            throw Refus(status: nil, description: "\(sujet.code): created without an id")
        }
        _ = try await dsii.enregistrerBareme(path: .init(id: id), body: .json(try api(bareme))).ok
        _ = try await dsii.deposerDocument(path: .init(id: id, nature: .sujet), body: .pdf(HTTPBody("%PDF-1.4\n%%EOF\n"))).ok
        _ = try await dsii.validerSujet(path: .init(id: id)).ok
        _ = try await dsii.publierSujet(path: .init(id: id), body: .json(.init(visibleFrom: Date().addingTimeInterval(-60)))).ok
        return id
    }

    /// A grid as the editor saves it (`enregistrerFiche`'s `grille`), written from the oracle's
    /// entries: levels or half points, each aid given on its criterion, the appels made.
    static func soumise(_ saisies: [Oracle.Saisie], appels: [String] = [], heure: Date = Date()) throws -> Components.Schemas.Grille {
        .init(evaluations: try saisies.map { s in
                  .init(code: s.code, evaluation: try OpenAPIObjectContainer(unvalidatedValue: s.niveau.map { ["type": "niveau", "niveau": $0] }
                      ?? ["type": "points", "demiPoints": s.demiPoints]))
              },
              appels: appels.map { .init(code: $0, heure: heure) },
              aides: saisies.flatMap { s in
                  s.aides.compactMap { Components.Schemas.AideDonnee.AidePayload(rawValue: $0) }
                      .map { Components.Schemas.AideDonnee(critere: s.code, aide: $0, heure: heure) }
              })
    }
}
