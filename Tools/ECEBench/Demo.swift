import ArgumentParser
import AsyncHTTPClient
import ECEAPI
import ECEAPIClient
import Foundation
import OpenAPIRuntime
import TestSupport

/// `ece-bench demo`: plays the road map through the gateway with the demo accounts, up to the exam
/// day, so that `make up` leaves a platform where the examiners can grade: candidates registered and
/// assigned (Cyclades), examiners and a coordinator designated and convoked (Imag'In), a second
/// examiner's account activated with the code printed on their convocation, and at the centre
/// (Santorin) a room of two examiners, two half-day slots with their subjects (drawn by the platform
/// in the morning, on paper in the afternoon) and the candidates
/// distributed. Safe to run again: what exists is kept.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Demo data through the gateway, up to grading (make up).")

    @Option(help: "The gateway.") var gateway = "http://127.0.0.1:8080"
    @Option(help: "The demo accounts' password.") var password = "ece-demo-2027!"
    @Option(name: .customLong("centre"), help: "The centre d'épreuve (its account centre.<UAI> must exist).") var uai = "0251080N"
    @Option(help: "Prefix of the candidates' numbers.") var prefix = "DEMO"
    @Option(help: "The two examiners' logins (accounts are activated with their convocation's code when new).")
    var examinateurs = "examinateur.demo,examinateur2.demo"
    @Flag(help: "Also the académie's whole session (make up): some 260 candidates of ten schools over the five exams, the special cases, examiners and coordinators for every centre.")
    var academie = false
    @Flag(help: "Leave the candidates out of the half-day slots and undistributed: the browser road map places and distributes them from the centre's page.")
    var sansPlacement = false

    static let session = 2027
    static let prenoms = ["Léa", "Hugo", "Chloé", "Louis", "Inès", "Gabriel", "Manon", "Jules"]
    static let noms = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
                       "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David"]

    typealias Personne = Components.Schemas.Personne

    func run() async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let passerelle = try Passerelle(gateway, http: http)
            try await play(passerelle)
            if academie { try await sessionAcademique(passerelle) }
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    func play(_ passerelle: Passerelle) async throws {
        try await waitUntil(timeout: .seconds(120)) { await passerelle.sante() }
        let gestionnaire = try await passerelle.login("gestionnaire.besancon", password: password)
        let centre = try await passerelle.login("centre.\(uai)", password: password)
        let annee = Self.session
        let (epreuve, uai) = ("T011B", uai)

        // Cyclades: sixteen physique-chimie candidates of the lycée Jules-Haag, four divisions, assigned to Victor-Hugo.
        let lignes = (1...16).map { i in
            "\(prefix)\(String(format: "%04d", i));\(Self.noms[i - 1]);\(Self.prenoms[i % Self.prenoms.count]);\(String(format: "%02d", i))/03/2009;scolaire;0251671F;T\(1 + (i - 1) / 4);BCG;T011B"
        }
        let csv = (["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"] + lignes).joined(separator: "\n")
        _ = try await gestionnaire.importerCandidats(path: .init(annee: annee), body: .csv(HTTPBody(csv))).ok
        // 422: assigned by an earlier run.
        _ = try await sauf([422]) {
            try await gestionnaire.affecterCandidats(path: .init(annee: annee), body: .json(.init(affectations: (1...16).map {
                .init(numero: "\(prefix)\(String(format: "%04d", $0))", epreuve: epreuve, centre: uai) }))).ok
        }
        _ = try await gestionnaire.publierAffectations(path: .init(annee: annee), query: .init(epreuve: epreuve)).ok
        print("  Cyclades: 16 candidates assigned to \(uai) and published")

        // Designations: two teachers examine at the centre (the second teaches T1 at Jules-Haag:
        // never their own pupils), the académie's coordinator.
        let logins = examinateurs.split(separator: ",").map(String.init)
        guard logins.count == 2 else { throw ValidationError("two examiners") }
        let designations: [Components.Schemas.NouvelleDesignation] = [
            .init(role: .examinateur, epreuve: epreuve, centre: uai, intervenant: Personne(
                login: logins[0], nom: "Martin", prenom: "Camille", uai: "0250007X", divisions: ["T2"])),
            .init(role: .examinateur, epreuve: epreuve, centre: uai, intervenant: Personne(
                login: logins[1], nom: "Lambert", prenom: "Yves", uai: "0251671F", divisions: ["T1"])),
            .init(role: .coordinateur, epreuve: epreuve, centre: nil, intervenant: Personne(
                login: "coordinateur.besancon", nom: "Roux", prenom: "Anne")),
        ]
        for designation in designations {
            _ = try await gestionnaire.creerDesignation(path: .init(annee: annee), body: .json(designation)).created
        }

        // Imag'In: regulation, parameters, opening (once the export has arrived), convocations.
        _ = try await gestionnaire.actualiserReglementation(path: .init(annee: annee)).ok
        _ = try await gestionnaire.enregistrerParametres(path: .init(annee: annee), body: .json(.init(
            dateDebut: "2027-06-01", dateFin: "2027-06-12",
            observations: "Se présenter au centre d'épreuve 30 minutes avant le début de chaque demi-journée."))).ok
        var missions: [Components.Schemas.MissionDetail] = []
        try await waitUntil(timeout: .seconds(60)) {
            _ = try await gestionnaire.ouvrirMissions(path: .init(annee: annee)).ok
            missions = try await gestionnaire.listerMissions(path: .init(annee: annee), query: .init(epreuve: epreuve)).ok.body.json.items ?? []
            return Set(Self.logins(missions)).isSuperset(of: Set(logins + ["coordinateur.besancon"]))
        }
        var convocations: [String: String] = [:]
        for (mission, person) in Self.intervenants(missions) where designations.contains(where: { $0.intervenant.login == person.login }) {
            let convoked = try await Self.convoquer(gestionnaire, mission: mission, person)
            convocations[person.login ?? ""] = convoked.id
        }
        print("  Imag'In: session opened, \(convocations.count) convocations")

        // Examiners without a usable account activate it with the code printed on their convocation.
        for login in logins {
            guard (try? await passerelle.login(login, password: password)) == nil, let convocation = convocations[login] else { continue }
            let page = try await String(collecting: gestionnaire.imprimerConvocation(path: .init(id: convocation)).ok.body.textHtmlCharsetUtf8, upTo: 1 << 22)
            guard let code = page.firstMatch(of: /class="code">([A-Z0-9-]+)</)?.1 else { continue }
            try await waitUntil(timeout: .seconds(30)) {
                (try? await passerelle.client().activerCompte(body: .json(.init(
                    login: login, activationCode: String(code), password: password))).noContent) != nil
            }
        }

        // Santorin: the centre waits for its candidates and examiners, then organises the day.
        let commission = Operations.LireCommission.Input.Path(annee: annee, epreuve: epreuve, centre: uai)
        try await waitUntil(timeout: .seconds(60)) {
            guard let vus = try? await centre.listerExaminateurs(path: .init(annee: annee, epreuve: epreuve, centre: uai)).ok.body.json,
                vus.items.count >= 2 else { return false }
            let fiches = try await centre.listerFiches(path: .init(annee: annee, epreuve: epreuve, centre: uai)).ok.body.json.items ?? []
            return fiches.count >= 16
        }
        let examinateurs = try await centre.listerExaminateurs(path: .init(annee: annee, epreuve: epreuve, centre: uai)).ok.body.json.items
            .filter { logins.contains($0.login) }
        var organisation = try await centre.lireCommission(path: commission).ok.body.json
        // Two rooms of one examiner each (four candidates per examiner per half-day).
        if organisation.groupes.isEmpty {
            for (i, login) in logins.enumerated() {
                guard let examinateur = examinateurs.first(where: { $0.login == login }) else { continue }
                _ = try await centre.creerGroupe(path: .init(annee: annee, epreuve: epreuve, centre: uai),
                                                 body: .json(.init(nom: "Salle \(i + 1)", membres: [examinateur.intervenantId]))).created
            }
        }
        if organisation.creneaux.isEmpty {
            // Every subject the slots offer, not merely some: the bank may hold other runs' subjects.
            let offerts: Set = ["PC-201", "PC-202", "PC-203", "PC-301", "PC-302"]
            let sujetsOfferts = { try await centre.listerSujetsOfferts(path: .init(annee: annee, epreuve: epreuve, centre: uai)).ok.body.json.items }
            try await waitUntil(timeout: .seconds(60)) { offerts.isSubset(of: try await sujetsOfferts().map(\.code)) }
            let sujets = Dictionary(uniqueKeysWithValues: try await sujetsOfferts().map { ($0.code, $0.id) })
            // The morning's subjects are drawn by the platform; in the afternoon the candidates draw a
            // paper subject, which the examiner records in the editor.
            for (demiJournee, codes, choix) in [(Components.Schemas.NouveauCreneau.DemiJourneePayload.matin, ["PC-201", "PC-202", "PC-301", "PC-302"], false),
                                                (.apresMidi, ["PC-202", "PC-203", "PC-301", "PC-302"], true)] {
                _ = try await centre.creerCreneau(path: .init(annee: annee, epreuve: epreuve, centre: uai), body: .json(.init(
                    jour: "2027-06-01", demiJournee: demiJournee, sujets: codes.compactMap { sujets[$0] }, choix: choix))).created
            }
            organisation = try await centre.lireCommission(path: commission).ok.body.json
            let fiches = try await centre.listerFiches(path: .init(annee: annee, epreuve: epreuve, centre: uai)).ok.body.json.items ?? []
            for (creneau, part) in zip(organisation.creneaux, [fiches.prefix(8), fiches.dropFirst(8)]) where !sansPlacement {
                _ = try await centre.placerCandidats(path: .init(annee: annee, epreuve: epreuve, centre: uai, creneau: creneau.id),
                                                     body: .json(.init(fiches: part.compactMap(\.id)))).ok
            }
            if !sansPlacement {
                _ = try await centre.distribuerAutomatiquement(path: .init(annee: annee, epreuve: epreuve, centre: uai),
                                                               body: .json(.init(garderDivisions: true))).ok
            }
        }
        print("  Santorin: \(examinateurs.count) rooms of one examiner, 2 half-day slots"
              + (sansPlacement ? "; the candidates wait for the centre's page" : ", candidates distributed"))
    }

    /// The people designated on Imag'In's missions, with their mission's id.
    static func intervenants(_ missions: [Components.Schemas.MissionDetail]) -> [(mission: String, Components.Schemas.IntervenantDesigne)] {
        missions.flatMap { m in (m.intervenants ?? []).map { (m.mission?.id ?? "", $0) } }
    }
    static func logins(_ missions: [Components.Schemas.MissionDetail]) -> [String] { intervenants(missions).compactMap(\.1.login) }

    /// Convokes a person on a mission (200: convoked already, by an earlier run).
    static func convoquer(_ gestionnaire: Client, mission: String, _ person: Components.Schemas.IntervenantDesigne) async throws
        -> Components.Schemas.Convoked
    {
        switch try await gestionnaire.convoquer(path: .init(id: mission), body: .json(.init(intervenantId: person.id ?? ""))) {
        case .ok(let deja): return try deja.body.json
        case .created(let nouvelle): return try nouvelle.body.json
        case let other: throw Refus(status: nil, description: "convoquer \(person.login ?? "?"): \(other)")
        }
    }

    // MARK: the académie's session (make up)

    /// Schools of Besançon's académie in the reference data, and the centres hosting each exam apart
    /// from Victor-Hugo's physique-chimie, which the examiners' road map above keeps to itself.
    static let ecoles = ["0251080N", "0250007X", "0251671F", "0250058C", "0390013C", "0390786T", "0700009E", "0700905D", "0900003P", "0900024M"]
    static let centres = ["T011B": ["0250007X", "0250058C", "0390013C"], "T012B": ["0251080N", "0250007X", "0250058C", "0390013C"],
                          "T010B": ["0251080N", "0250058C"], "T029B": ["0250007X"], "T030B": ["0250007X"]]

    struct Ligne { var numero: String; var nom: String; var prenom: String; var categorie: String; var uai: String?; var division: String?
        var filiere: String; var epreuve: String }

    /// Ten schools' pupils over the five exams, and the special cases: a school without a laboratory
    /// (Lycée du Jura), individual and CNED candidates.
    static func lignes() -> [Ligne] {
        var lignes: [Ligne] = []
        for (s, uai) in ecoles.enumerated() {
            for i in 1...24 {
                let numero = "ACA\(s)\(String(format: "%02d", i))"
                let nom = noms[(s + i) % noms.count], prenom = prenoms[(s * 3 + i) % prenoms.count]
                let epreuves = [["T011B", "T012B"], ["T011B", "T010B"], ["T012B"]][i % 3]
                for epreuve in epreuves {
                    lignes.append(Ligne(numero: numero, nom: nom, prenom: prenom, categorie: "scolaire", uai: uai, division: "TG\(1 + i % 2)",
                                        filiere: "BCG", epreuve: epreuve))
                }
            }
        }
        for i in 1...12 {
            lignes.append(Ligne(numero: "ACASTL\(String(format: "%02d", i))", nom: noms[i % noms.count], prenom: prenoms[i % prenoms.count],
                                categorie: "scolaire", uai: i <= 6 ? "0250007X" : "0251671F", division: "STL\(1 + i % 2)", filiere: "BTN",
                                epreuve: i % 2 == 0 ? "T029B" : "T030B"))
        }
        for i in 1...6 {
            lignes.append(Ligne(numero: "ACAIND\(i)", nom: noms[(i + 5) % noms.count], prenom: prenoms[(i + 2) % prenoms.count],
                                categorie: "individuel", uai: nil, division: nil, filiere: i <= 4 ? "BCG" : "BTN",
                                epreuve: i <= 4 ? "T011B" : "T029B"))
        }
        for i in 1...4 {
            lignes.append(Ligne(numero: "ACACNED\(i)", nom: noms[(i + 9) % noms.count], prenom: prenoms[(i + 4) % prenoms.count],
                                categorie: "cned", uai: "0251671F", division: nil, filiere: "BCG", epreuve: "T010B"))
        }
        return lignes
    }

    /// Imports and assigns the académie's candidates (the nearest centre hosting each exam, a few
    /// per centre in turn), publishes, designates one or two examiners per centre × exam and a
    /// coordinator per exam, reopens the session and convokes them all. Idempotent.
    func sessionAcademique(_ passerelle: Passerelle) async throws {
        let gestionnaire = try await passerelle.login("gestionnaire.besancon", password: password)
        let annee = Self.session
        let lignes = Self.lignes()
        let csv = (["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"] + lignes.map {
            "\($0.numero);\($0.nom);\($0.prenom);12/05/2008;\($0.categorie);\($0.uai ?? "");\($0.division ?? "");\($0.filiere);\($0.epreuve)"
        }).joined(separator: "\n")
        _ = try await gestionnaire.importerCandidats(path: .init(annee: annee), body: .csv(HTTPBody(csv))).ok
        typealias Affectation = Components.Schemas.Affectation
        // Victor-Hugo assigns its own SVT pupils: the académie delegates T012B to it (etab.0251080N's step).
        _ = try await gestionnaire.creerDelegation(path: .init(annee: annee), body: .json(.init(epreuve: "T012B", uai: "0251080N"))).created
        var tour: [String: Int] = [:]
        let affectations = lignes.filter { !($0.uai == "0251080N" && $0.epreuve == "T012B") }.map { ligne in
            let centres = Self.centres[ligne.epreuve] ?? []
            // The pupil's own school when it hosts the exam, else the centres in turn.
            if let uai = ligne.uai, centres.contains(uai) { return Affectation(numero: ligne.numero, epreuve: ligne.epreuve, centre: uai) }
            let n = tour[ligne.epreuve, default: 0]
            tour[ligne.epreuve] = n + 1
            return Affectation(numero: ligne.numero, epreuve: ligne.epreuve, centre: centres[n % centres.count])
        }
        _ = try await gestionnaire.affecterCandidats(path: .init(annee: annee), body: .json(.init(affectations: affectations))).ok
        _ = try await gestionnaire.publierAffectations(path: .init(annee: annee)).ok
        let candidats = Set(lignes.map(\.numero)).count
        print("  Cyclades (académie): \(candidats) candidates of ten schools, \(lignes.count) registrations over the five exams, "
              + "special cases included, assigned to four centres and published (Victor-Hugo's SVT left to the school, by delegation)")

        var designations: [Components.Schemas.NouvelleDesignation] = []
        for (epreuve, centres) in Self.centres.sorted(by: { $0.key < $1.key }) {
            for (i, centre) in centres.enumerated() where !(epreuve == "T011B" && centre == uai) {
                for n in 1...(epreuve.hasPrefix("T01") ? 2 : 1) {
                    designations.append(.init(role: .examinateur, epreuve: epreuve, centre: centre, intervenant: Personne(
                        login: "prof.\(epreuve.lowercased()).\(centre.lowercased()).\(n)", nom: Self.noms[(i * 2 + n) % Self.noms.count],
                        prenom: Self.prenoms[(i + n) % Self.prenoms.count], uai: Self.ecoles[(i + n) % Self.ecoles.count], divisions: ["TG\(n)"])))
                }
            }
            designations.append(.init(role: .coordinateur, epreuve: epreuve, centre: nil, intervenant: Personne(
                login: "coordinateur.besancon", nom: "Roux", prenom: "Anne")))
        }
        let existantes = try await gestionnaire.listerDesignations(path: .init(annee: annee)).ok.body.json.items ?? []
        for designation in designations where !existantes.contains(where: {
            $0.epreuve == designation.epreuve && $0.centre == designation.centre && $0.intervenant?.login == designation.intervenant.login }) {
            _ = try await gestionnaire.creerDesignation(path: .init(annee: annee), body: .json(designation)).created
        }
        var missions: [Components.Schemas.MissionDetail] = []
        try await waitUntil(timeout: .seconds(60)) {
            _ = try await gestionnaire.ouvrirMissions(path: .init(annee: annee)).ok
            missions = try await gestionnaire.listerMissions(path: .init(annee: annee)).ok.body.json.items ?? []
            return Set(Self.logins(missions)).isSuperset(of: designations.map(\.intervenant.login))
        }
        var convocations = 0
        for (mission, person) in Self.intervenants(missions) where designations.contains(where: { $0.intervenant.login == person.login }) {
            _ = try await Self.convoquer(gestionnaire, mission: mission, person)
            convocations += 1
        }
        print("  Imag'In (académie): \(designations.count) designations, \(missions.count) missions, \(convocations) convocations")
        print("""

            Demo accounts (password \(password)), at http://127.0.0.1:8080:
              dsii.demo                 DSII: the subject bank and the barème editor (/sujets)
              gestionnaire.besancon     gestionnaire DEC of Besançon: candidates and assignments (/inscriptions), missions (/missions), remontée
              etab.0251080N             établissement Victor-Hugo: assign its SVT pupils (delegated), designate its teachers (/inscriptions)
              centre.0251080N           centre d'épreuve Victor-Hugo: groups, slots, distribution, printing, closing (/centre)
              examinateur.demo          examiner at Victor-Hugo (physique-chimie): missions, lots, the grading editor (/examinateur)
              examinateur2.demo         the second examiner of Victor-Hugo
              coordinateur.besancon     coordinator of the académie: follow-up, statistics, messaging
              referent.0251080N         référent de correction of Victor-Hugo
              admin                     operations
            """)
    }
}
