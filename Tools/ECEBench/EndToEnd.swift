import ArgumentParser
import AsyncHTTPClient
import ECEAPI
import ECEAPIClient
import Foundation
import Logging
import OpenAPIRuntime
import PostgresNIO
import Shared
import TestSupport

/// `ece-bench e2e`: the road map's whole chronology through the gateway's HTTP API only, on a
/// centre and a school of its own (`scripts/e2e-test.sh` creates them with their accounts), with
/// the five services running as separate processes. It checks every figure at the end: counts,
/// each mark against the test-only oracle (`Oracle`: the README's rule on the barème this run
/// published and the grid it submitted, never the platform's own function), in Correction and in
/// Cyclades candidate by candidate, each amount at the regulation's rate, exported sheets. Any
/// difference stops the run with what was expected and what the platform said.
struct EndToEnd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "e2e", abstract: "The road map end to end, every figure checked.")

    @Option(help: "The gateway.") var gateway = "http://127.0.0.1:8080"
    @Option(help: "The demo accounts' password.") var password = "ece-demo-2027!"
    @Option(help: "A centre d'épreuve of académie 03 hosting T011B, T012B, T010B and T029B (accounts centre.<UAI>, etab.<UAI>).")
    var centre: String
    @Option(help: "A school of académie 03 without a laboratory (its pupils are a special case).") var ecole: String
    @Option(help: "Unique prefix of this run (candidate numbers, subject codes, logins).") var prefix: String
    @Option(help: "The platform's database, where Cyclades' grades are read (no API lists their values).") var database = "ece"

    static let session = 2027

    struct Failure: Error, CustomStringConvertible { var description: String }

    static func check(_ condition: Bool, _ what: @autoclosure () -> String) throws {
        guard condition else { throw Failure(description: "e2e: " + what()) }
    }

    func run() async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            try await Road(gateway: try Passerelle(gateway, http: http), password: password, centre: centre.uppercased(),
                           ecole: ecole.uppercased(), p: prefix.uppercased(), database: database).play()
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}

/// One run of the road map, step by step, remembering what it expects.
private struct Road {
    let gateway: Passerelle
    let password: String
    let centre: String
    let ecole: String
    let p: String
    let database: String

    typealias Check = EndToEnd
    let annee = EndToEnd.session
    /// The centre's commission for an exam, as the paths under it name it.
    func santorin(_ epreuve: String) -> Operations.LireCommission.Input.Path { .init(annee: annee, epreuve: epreuve, centre: centre) }

    func login(_ login: String) async throws -> Client { try await gateway.login(login, password: password) }

    // MARK: the people of the run

    struct Intervenant { var login: String; var nom: String; var uai: String?; var divisions: [String]; var epreuve: String
        var role = "examinateur" }
    var intervenants: [Intervenant] {
        let l = p.lowercased()
        return [
            Intervenant(login: "\(l).e1", nom: "Arnaud", uai: centre, divisions: ["T1"], epreuve: "T011B"),
            Intervenant(login: "\(l).e2", nom: "Blanc", uai: ecole, divisions: ["T3"], epreuve: "T011B"),
            Intervenant(login: "\(l).e3", nom: "Carré", uai: centre, divisions: ["T2"], epreuve: "T012B"),
            Intervenant(login: "\(l).e4", nom: "Dupuis", uai: ecole, divisions: [], epreuve: "T029B"),
            Intervenant(login: "\(l).e5", nom: "Ferrand", uai: ecole, divisions: ["T3"], epreuve: "T010B"),
            Intervenant(login: "\(l).coord", nom: "Étienne", uai: nil, divisions: [], epreuve: "T011B", role: "coordinateur"),
        ]
    }

    /// Numbers and registrations: the centre's own pupils, the other school's (no laboratory), individuals.
    struct Candidat { var numero: String; var categorie: String; var uai: String?; var division: String?; var filiere: String
        var epreuves: [String] }
    var candidats: [Candidat] {
        func n(_ i: Int) -> String { "\(p)\(String(format: "%02d", i))" }
        return (1...12).map { Candidat(numero: n($0), categorie: "scolaire", uai: centre, division: $0 <= 6 ? "T1" : "T2", filiere: "BCG",
                                       epreuves: $0 <= 6 ? ["T011B", "T012B"] : ["T011B"]) }
            + (13...16).map { Candidat(numero: n($0), categorie: "scolaire", uai: centre, division: "STL1", filiere: "BTN", epreuves: ["T029B"]) }
            + (17...20).map { Candidat(numero: n($0), categorie: "scolaire", uai: ecole, division: "T3", filiere: "BCG", epreuves: ["T011B"]) }
            + (21...22).map { Candidat(numero: n($0), categorie: "individuel", uai: nil, division: nil, filiere: "BCG", epreuves: ["T012B"]) }
            + (23...26).map { Candidat(numero: n($0), categorie: "scolaire", uai: centre, division: "T4", filiere: "BCG", epreuves: ["T010B"]) }
    }

    // MARK: the chronology

    func play() async throws {
        try await waitUntil(timeout: .seconds(120)) { await gateway.sante() }
        let gestionnaire = try await login("gestionnaire.besancon")
        let sujets = try await publierSujets(try await login("dsii.demo"))
        print("  1. Référentiel: \(sujets.ids.count) subjects published with their barèmes (physique-chimie, SVT, NSI, STL) and documents")

        _ = try await gestionnaire.actualiserReglementation(path: .init(annee: annee)).ok
        try await inscrire(gestionnaire)
        print("  2. Cyclades: \(candidats.count) candidates, \(candidats.map(\.epreuves.count).reduce(0, +)) registrations imported, "
              + "assigned (school by delegation, special cases by the académie) and published")
        try await designer(gestionnaire)
        let codes = try await convoquer(gestionnaire)
        for person in intervenants {
            let code = try Self.value(codes[person.login], "a convocation for \(person.login)")
            try await waitUntil(timeout: .seconds(30)) {
                (try? await gateway.client().activerCompte(body: .json(.init(login: person.login, activationCode: code, password: password)))
                    .noContent) != nil
            }
            _ = try await login(person.login)
        }
        print("  3. Imag'In: session opened (missions.imported), \(codes.count) convocations, every account activated with its code")

        let centreClient = try await login("centre.\(centre)")
        for epreuve in Self.epreuves {
            try await organiser(centreClient, epreuve: epreuve, sujets: sujets.ids)
        }
        print("  4. Santorin: groups, half-day slots with their subjects, automatic distribution (never a pupil to their teacher)")

        var attendu: [String: Resultat] = [:]
        var evalues: [String: Int] = [:]
        for (k, person) in intervenants.enumerated() where person.role == "examinateur" {
            let (resultats, notees) = try await corriger(try await login(person.login), person: person, k: k, baremes: sujets.baremes)
            attendu.merge(resultats) { a, _ in a }
            evalues[person.login] = notees
        }
        try Check.check(attendu.count == 32, "32 sheets graded, found \(attendu.count)")
        print("  5. Grading: 32 sheets on ten barèmes (appels, aids, one absence, one override, one concurrent edit refused then "
              + "redone), each suggested mark equal to the oracle's, lots locked")

        for epreuve in Self.epreuves {
            let commission = santorin(epreuve)
            _ = try await centreClient.cloturer(path: .init(annee: annee, epreuve: epreuve, centre: commission.centre)).ok
        }
        try await verifier(gestionnaire, centreClient, attendu: attendu, evalues: evalues)
    }

    static let epreuves = ["T011B", "T012B", "T010B", "T029B"]
    /// The regulation's pay per candidate evaluated (the national one the gestionnaire's refresh loads: 5 €).
    static let tarifParCandidat = 500
    /// Its coordinator's flat fee (150 €).
    static let forfaitCoordination = 15_000

    static func value<T>(_ value: T?, _ what: String) throws -> T {
        guard let value else { throw EndToEnd.Failure(description: "e2e: missing \(what)") }
        return value
    }

    // MARK: 1. the DSII

    /// What the DSII published: each subject's id by code, and the barème it published for each id.
    struct Publies { var ids: [String: String] = [:]; var baremes: [String: Oracle.Bareme] = [:] }

    /// Subjects of this run by code: three physics and two chemistry for physique-chimie, two SVT,
    /// two NSI, one STL; their barèmes (`Baremes`) differ between exams and between subjects.
    func publierSujets(_ dsii: Client) async throws -> Publies {
        let plan: [(String, String?, String)] = [("T011B", "physique", "PC-P1"), ("T011B", "physique", "PC-P2"), ("T011B", "physique", "PC-P3"),
                                                 ("T011B", "chimie", "PC-C1"), ("T011B", "chimie", "PC-C2"),
                                                 ("T012B", nil, "SVT-1"), ("T012B", nil, "SVT-2"), ("T010B", nil, "NSI-1"),
                                                 ("T010B", nil, "NSI-2"), ("T029B", nil, "STL-1")]
        let pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
        var publies = Publies()
        for (epreuve, dominante, code) in plan {
            let id = try Self.value(try await dsii.creerSujet(body: .json(.init(
                epreuve: epreuve, session: annee, code: "\(p)-\(code)",
                titre: "Sujet \(code) de bout en bout", dominante: dominante, materiel: ["paillasse"]))).created.body.json.id, "\(code)'s id")
            let bareme = Baremes.pour(code)
            _ = try await dsii.enregistrerBareme(path: .init(id: id), body: .json(try Baremes.api(bareme))).ok
            for nature in Operations.DeposerDocument.Input.Path.NaturePayload.allCases {
                _ = try await dsii.deposerDocument(path: .init(id: id, nature: nature), query: .init(nom: "\(nature.rawValue).pdf"),
                                                   body: .pdf(HTTPBody(pdf))).ok
            }
            _ = try await dsii.validerSujet(path: .init(id: id)).ok
            _ = try await dsii.publierSujet(path: .init(id: id), body: .json(.init(visibleFrom: Date().addingTimeInterval(-60)))).ok
            publies.ids[code] = id
            publies.baremes[id] = bareme
        }
        return publies
    }

    // MARK: 2. Cyclades

    typealias Affectation = Components.Schemas.Affectation

    func inscrire(_ gestionnaire: Client) async throws {
        let lignes = candidats.flatMap { c in
            c.epreuves.map { "\(c.numero);\(Demo.noms[Int(c.numero.suffix(2))! % Demo.noms.count]);Élise;01/02/2008;\(c.categorie);\(c.uai ?? "");\(c.division ?? "");\(c.filiere);\($0)" }
        }
        let csv = (["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"] + lignes).joined(separator: "\n")
        let report = try await gestionnaire.importerCandidats(path: .init(annee: annee), body: .csv(HTTPBody(csv))).ok.body.json
        try Check.check(report.candidats == 26 && report.inscriptions == 32 && report.nombreErreurs == 0, "import: \(report)")

        // The académie delegates physique-chimie to the centre's school, which assigns its own pupils.
        _ = try await gestionnaire.creerDelegation(path: .init(annee: annee), body: .json(.init(epreuve: "T011B", uai: centre))).created
        let etablissement = try await login("etab.\(centre)")
        let suggestions = (try await etablissement.suggererAffectations(path: .init(annee: annee), query: .init(epreuve: "T011B")).ok.body.json
            .items ?? []).filter { $0.numero?.hasPrefix(p) ?? false }
        try Check.check(suggestions.count == 12 && suggestions.allSatisfy { $0.centre == centre },
                        "the school's suggestions: its 12 pupils to its own centre, got \(suggestions)")
        _ = try await etablissement.affecterCandidats(path: .init(annee: annee), body: .json(.init(affectations: suggestions.map {
            Affectation(numero: $0.numero ?? "", epreuve: $0.epreuve ?? "", centre: $0.centre ?? "") }))).ok
        // Never another school's pupil.
        let other = Affectation(numero: "\(p)17", epreuve: "T011B", centre: centre)
        let refus = try await sauf([403, 422]) {
            try await etablissement.affecterCandidats(path: .init(annee: annee), body: .json(.init(affectations: [other]))).ok
        }
        try Check.check(refus == nil, "the school assigned another school's pupil")

        // The special cases, by the académie: a school without a laboratory, individual candidates; the rest too.
        let restantes = candidats.flatMap { c in c.epreuves.map { Affectation(numero: c.numero, epreuve: $0, centre: centre) } }
            .filter { !($0.epreuve == "T011B" && Int($0.numero.suffix(2))! <= 12) }
        _ = try await gestionnaire.affecterCandidats(path: .init(annee: annee), body: .json(.init(affectations: restantes))).ok
        let lus = try await gestionnaire.listerCandidats(path: .init(annee: annee), query: .init(uai: centre, perPage: 1000)).ok.body.json.items ?? []
        try Check.check(lus.count == 20 && lus.allSatisfy { ($0.centres ?? []).allSatisfy { $0 == centre } }, "the centre's pupils assigned: \(lus)")
        _ = try await gestionnaire.publierAffectations(path: .init(annee: annee)).ok
    }

    func designer(_ gestionnaire: Client) async throws {
        let etablissement = try await login("etab.\(centre)")
        for person in intervenants {
            let designation = Components.Schemas.NouvelleDesignation(
                role: try Self.value(.init(rawValue: person.role), person.role), epreuve: person.epreuve,
                centre: person.role == "examinateur" ? centre : nil,
                intervenant: .init(login: person.login, nom: person.nom, prenom: "Claude", uai: person.uai, divisions: person.divisions))
            // The school designates its own teacher; the académie the others and the coordinator.
            let auteur = person.uai == centre && person.epreuve == "T011B" ? etablissement : gestionnaire
            _ = try await auteur.creerDesignation(path: .init(annee: annee), body: .json(designation)).created
        }
    }

    /// Opens the session in Imag'In once the export has arrived, convokes everyone; returns each one's code.
    func convoquer(_ gestionnaire: Client) async throws -> [String: String] {
        _ = try await gestionnaire.enregistrerParametres(path: .init(annee: annee), body: .json(.init(
            dateDebut: "2027-06-01", dateFin: "2027-06-12", observations: "Bout en bout."))).ok
        var missions: [Components.Schemas.MissionDetail] = []
        let logins = Set(intervenants.map(\.login))
        try await waitUntil(timeout: .seconds(60)) {
            _ = try await gestionnaire.ouvrirMissions(path: .init(annee: annee)).ok
            missions = (try await gestionnaire.listerMissions(path: .init(annee: annee)).ok.body.json.items ?? [])
                .filter { $0.mission?.active == true && ($0.mission?.centre == centre || $0.mission?.kind == .coordinateur) }
            return Set(Demo.logins(missions)).isSuperset(of: logins)
        }
        let ici = missions.compactMap(\.mission).filter { $0.centre == centre }
        try Check.check(Set(ici.compactMap(\.epreuve)) == Set(Self.epreuves) && ici.count == 4,
                        "one examiner mission per exam at the centre: \(ici)")
        // Opening again changes nothing.
        _ = try await gestionnaire.ouvrirMissions(path: .init(annee: annee)).ok
        let encore = (try await gestionnaire.listerMissions(path: .init(annee: annee)).ok.body.json.items ?? [])
            .filter { $0.mission?.centre == centre }
        try Check.check(encore.count == 4, "reopening duplicated missions: \(encore.count)")

        var codes: [String: String] = [:]
        for (mission, person) in Demo.intervenants(missions) {
            guard let login = person.login, logins.contains(login), codes[login] == nil else { continue }
            let convoked = try await Demo.convoquer(gestionnaire, mission: mission, person)
            let page = try await String(collecting: gestionnaire.imprimerConvocation(path: .init(id: try Self.value(convoked.id, "convocation")))
                .ok.body.textHtmlCharsetUtf8, upTo: 1 << 22)
            codes[login] = try Self.value(page.firstMatch(of: /class="code">([A-Z0-9-]+)</).map { String($0.1) },
                                          "the code on \(login)'s convocation")
        }
        return codes
    }

    // MARK: 3. Santorin

    static let prefixeSujets = ["T011B": "PC-", "T012B": "SVT-", "T010B": "NSI-", "T029B": "STL-"]

    func organiser(_ centreClient: Client, epreuve: String, sujets: [String: String]) async throws {
        let base = santorin(epreuve)
        let mine = intervenants.filter { $0.epreuve == epreuve && $0.role == "examinateur" }
        let effectif = candidats.filter { $0.epreuves.contains(epreuve) }.count
        let lesFiches = { try await centreClient.listerFiches(path: .init(annee: annee, epreuve: epreuve, centre: centre)).ok.body.json.items ?? [] }
        var examinateurs: [Components.Schemas.Examinateur] = []
        try await waitUntil(timeout: .seconds(60)) {
            guard let vus = try? await centreClient.listerExaminateurs(path: .init(annee: annee, epreuve: epreuve, centre: centre)).ok.body.json
            else { return false }
            examinateurs = vus.items.filter { e in mine.contains { $0.login == e.login } }
            let fiches = try await lesFiches()
            let offerts = try await centreClient.listerSujetsOfferts(path: .init(annee: annee, epreuve: epreuve, centre: centre)).ok.body.json
                .items.map(\.id)
            return examinateurs.count == mine.count && fiches.count == effectif
                && sujets.filter { $0.key.hasPrefix(Self.prefixeSujets[epreuve] ?? "-") }
                    .values.allSatisfy(offerts.contains)
        }
        for (i, e) in examinateurs.enumerated() {
            _ = try await centreClient.creerGroupe(path: .init(annee: annee, epreuve: epreuve, centre: centre),
                                                   body: .json(.init(nom: "Salle \(i + 1)", membres: [e.intervenantId]))).created
        }
        // Half-days: physique-chimie changes its set (two physics, two chemistry) each half-day.
        let plan: [(Components.Schemas.NouveauCreneau.DemiJourneePayload, [String])] = switch epreuve {
        case "T011B": [(.matin, ["PC-P1", "PC-P2", "PC-C1", "PC-C2"]), (.apresMidi, ["PC-P2", "PC-P3", "PC-C1", "PC-C2"])]
        case "T012B": [(.matin, ["SVT-1"]), (.apresMidi, ["SVT-2"])]
        case "T010B": [(.matin, ["NSI-1", "NSI-2"])]
        default: [(.matin, ["STL-1"])]
        }
        var creneaux: [String] = []
        for (demiJournee, codes) in plan {
            creneaux.append(try Self.value(try await centreClient.creerCreneau(path: .init(annee: annee, epreuve: epreuve, centre: centre),
                body: .json(.init(jour: "2027-06-02", demiJournee: demiJournee, sujets: try codes.map { try Self.value(sujets[$0], $0) })))
                .created.body.json.id, "the slot's id"))
        }
        // Each pupil in a slot where an examiner who does not teach them is free (four per examiner per half-day).
        let fiches = try await lesFiches().sorted { ($0.numero ?? "") < ($1.numero ?? "") }
        let matin: [Components.Schemas.FicheResume] = epreuve == "T011B"
            ? fiches.filter { ["01", "02", "03", "04", "17", "18", "19", "20"].contains(String(($0.numero ?? "").suffix(2))) }
            : Array(fiches.prefix(4))
        let parCreneau = [matin, fiches.filter { f in !matin.contains { $0.id == f.id } }]
        for (creneau, part) in zip(creneaux, parCreneau) where !part.isEmpty {
            _ = try await centreClient.placerCandidats(path: .init(annee: annee, epreuve: epreuve, centre: centre, creneau: creneau),
                                                       body: .json(.init(fiches: part.compactMap(\.id)))).ok
        }
        _ = try await centreClient.distribuerAutomatiquement(path: .init(annee: annee, epreuve: epreuve, centre: centre),
                                                             body: .json(.init(garderDivisions: true))).ok

        // Nobody left out, nobody with their own teacher.
        let distribuees = try await lesFiches()
        try Check.check(distribuees.count == effectif && distribuees.allSatisfy { $0.groupeId != nil && $0.creneauId != nil },
                        "\(epreuve): every candidate in a lot and a slot")
        let commission = try await centreClient.lireCommission(path: base).ok.body.json
        for groupe in commission.groupes {
            let teachers = intervenants.filter { person in examinateurs.contains { $0.login == person.login && groupe.membres.contains($0.intervenantId) } }
            for fiche in distribuees where fiche.groupeId == groupe.id {
                let pupil = try Self.value(candidats.first { $0.numero == fiche.numero }, fiche.numero ?? "?")
                try Check.check(!teachers.contains { $0.uai != nil && $0.uai == pupil.uai && $0.divisions.contains(pupil.division ?? "-") },
                                "\(fiche.numero ?? "?") graded by their own teacher")
            }
        }
    }

    // MARK: 4. grading

    enum Resultat: Equatable { case note(Int), absent }


    /// Grades the examiner's lot with the grids of `Baremes.grille` (levels, points and aids over
    /// the whole scale); on physique-chimie's first room an appel and a major aid on REA graded A,
    /// an absence, an override, and a save from a stale version (409) redone. Each expected mark is
    /// the oracle's, from the barème published for the subject drawn and the grid sent. Returns the
    /// expected result per exam/candidate and how many sheets the examiner graded.
    func corriger(_ examinateur: Client, person: Intervenant, k: Int, baremes: [String: Oracle.Bareme]) async throws
        -> ([String: Resultat], Int) {
        let lots = try await examinateur.listerMesLots().ok.body.json.items.filter { $0.centre == centre }
        try Check.check(lots.count == 1, "\(person.login) has one lot at the centre, got \(lots.count)")
        let lot = lots[0]
        let special = person.nom == "Arnaud"
        var attendu: [String: Resultat] = [:]
        var notees = 0
        for (i, ref) in lot.fiches.enumerated() {
            let id = try Self.value(ref.id, "a sheet's id")
            let lue = Operations.LireFiche.Input.Path(id: id)
            var fiche = try await examinateur.lireFiche(path: lue).ok.body.json
            fiche = try await examinateur.tirerSujet(path: .init(id: id), body: .json(.init(version: fiche.version))).ok.body.json
            let sujet = try Self.value(fiche.sujet, "the subject drawn for \(fiche.numero)")
            let bareme = try Self.value(baremes[sujet.id], "a subject of this run drawn for \(fiche.numero), got \(sujet.code)")
            if special && i == 1 {
                fiche = try await examinateur.enregistrerFiche(path: .init(id: id), body: .json(.init(version: fiche.version, absence: .injustifiee)))
                    .ok.body.json
                try Check.check(fiche.statut == .absent, "absence of \(fiche.numero)")
                attendu["\(lot.epreuve)/\(fiche.numero)"] = .absent
                continue
            }
            var saisies = Baremes.grille(bareme, i: i, k: k)
            var appels: [String] = []
            if special && i == 0 {
                // An appel, and a major aid on REA graded A: the aid caps it at C.
                appels = ["APPEL1"]
                saisies = bareme.criteres.map { Oracle.Saisie($0.code, niveau: "A", aides: $0.code == "REA" ? ["majeure"] : []) }
            }
            let suggeree = Oracle.demiPoints(bareme, saisies)
            var save = Components.Schemas.Enregistrement(version: fiche.version, grille: try Baremes.soumise(saisies, appels: appels), finaliser: true)
            if special && i == 2 {
                save.noteFinale = 31
                save.motifAjustement = "Démarche remarquable, non prévue par la grille"
            }
            if special && i == 3 {
                // Another tablet saved a draft first: this save, based on the older version, is refused and shows the current one.
                let brouillon = Components.Schemas.Enregistrement(version: fiche.version, grille: try Baremes.soumise([]), finaliser: false)
                _ = try await examinateur.enregistrerFiche(path: .init(id: id), body: .json(brouillon)).ok
                try await refuse(409, "a save from a stale version") {
                    try await examinateur.enregistrerFiche(path: .init(id: id), body: .json(save)).ok
                }
                save.version = try await examinateur.lireFiche(path: lue).ok.body.json.version
            }
            let saved = try await examinateur.enregistrerFiche(path: .init(id: id), body: .json(save)).ok.body.json
            let expected = save.noteFinale ?? suggeree
            try Check.check(saved.statut == .notee && saved.noteSuggeree == suggeree && saved.noteFinale == expected,
                            "\(saved.numero) (\(sujet.code)): suggested \(String(describing: saved.noteSuggeree)) final "
                            + "\(String(describing: saved.noteFinale)), the oracle says \(suggeree) then \(expected) half points")
            attendu["\(lot.epreuve)/\(saved.numero)"] = .note(expected)
            notees += 1
        }
        _ = try await examinateur.verrouillerLot(path: .init(id: lot.groupeId)).ok
        return (attendu, notees)
    }

    // MARK: 5. the figures

    func verifier(_ gestionnaire: Client, _ centreClient: Client, attendu: [String: Resultat], evalues: [String: Int]) async throws {
        // Cyclades: every result arrived, none missing.
        var lignes: [Components.Schemas.RemonteeLigne] = []
        try await waitUntil(timeout: .seconds(90)) {
            lignes = try await gestionnaire.lireRemontee(path: .init(annee: annee), query: .init(centre: centre)).ok.body.json.items ?? []
            return lignes.count == 4 && lignes.allSatisfy { $0.manquants == 0 }
        }
        let figures = Dictionary(uniqueKeysWithValues: lignes.map { ($0.epreuve ?? "?", [$0.affectes, $0.notes, $0.absents, $0.manquants]) })
        try Check.check(figures == ["T011B": [16, 15, 1, 0], "T012B": [8, 8, 0, 0], "T010B": [4, 4, 0, 0], "T029B": [4, 4, 0, 0]],
                        "remontée: \(figures)")

        // Every mark as the oracle computed it, in Correction's closed sheets.
        var total = 0, notes = 0
        for epreuve in Self.epreuves {
            let fiches = try await centreClient.listerFiches(path: .init(annee: annee, epreuve: epreuve, centre: centre)).ok.body.json.items ?? []
            for fiche in fiches {
                let lu: Resultat? = fiche.statut == .absent ? .absent : fiche.noteFinale.map { .note($0) }
                let cle = "\(epreuve)/\(fiche.numero ?? "?")"
                try Check.check(lu == attendu[cle], "Correction \(cle): \(String(describing: lu)), expected \(String(describing: attendu[cle]))")
                if case .note(let n)? = lu { total += n; notes += 1 }
            }
            // The filled sheets, one PDF per candidate in the zip.
            let zip = try await [UInt8](collecting: centreClient.archiverFiches(path: .init(annee: annee, epreuve: epreuve, centre: centre))
                .ok.body.applicationZip, upTo: 1 << 26)
            let entries = zip.indices.filter { zip[$0...].starts(with: [0x50, 0x4b, 0x01, 0x02]) }.count
            try Check.check(entries == fiches.count, "\(epreuve): \(entries) sheets in the zip for \(fiches.count) candidates")
        }
        try Check.check(notes == 31, "31 marks, found \(notes)")
        try await verifierCyclades(attendu)

        // Imag'In: each examiner paid once for the sheets they graded, at the regulation's rate; the
        // coordinators of the exams closed here their flat fee.
        let closes = Set(attendu.keys.compactMap { $0.split(separator: "/").first.map(String.init) })
        let coordinateurs = Set(intervenants.filter { $0.role == "coordinateur" && closes.contains($0.epreuve) }.map(\.login))
        var services: [Components.Schemas.ServiceFait] = []
        try await waitUntil(timeout: .seconds(60)) {
            services = (try await gestionnaire.listerServicesFaits(path: .init(annee: annee)).ok.body.json.items ?? [])
                // This run's people: the académie's other coordinators of these exams are reported too.
                .filter { ($0.centres ?? []).contains(centre) && ($0.login ?? "").hasPrefix(p.lowercased() + ".") }
            return services.count == evalues.count + coordinateurs.count
        }
        for service in services {
            let login = try Self.value(service.login, "the login of a service fait")
            let (candidatsEvalues, montantCentimes) = (service.candidatsEvalues ?? -1, service.montantCentimes ?? -1)
            if coordinateurs.contains(login) {
                try Check.check(candidatsEvalues == 0 && montantCentimes == Self.forfaitCoordination,
                                "\(login): coordinator paid \(montantCentimes) cents, expected the flat \(Self.forfaitCoordination)")
                continue
            }
            let n = try Self.value(evalues[login], "an examiner of this run for \(login)")
            try Check.check(candidatsEvalues == n && montantCentimes == n * Self.tarifParCandidat,
                            "\(login): \(candidatsEvalues) candidates, \(montantCentimes) cents; expected \(n), "
                            + "\(n * Self.tarifParCandidat)")
        }
        let montant = services.map { $0.montantCentimes ?? 0 }.reduce(0, +)
        print("  6. Closed: 32 results in Cyclades (31 marks, mean \(String(format: "%.2f", Double(total) / Double(notes) / 2)) / 20), "
              + "each equal to the oracle's in Correction and in Cyclades; \(services.count) services faits worth "
              + "\(montant / 100),\(String(format: "%02d", montant % 100)) €, each at 5 € per sheet graded or the coordinator's 150 €; every filled sheet in the zips")
        print("e2e: every figure checked")
    }

    /// Cyclades' grade of every registration of this run, candidate by candidate, against the
    /// oracle's: no API lists the values (the remontée counts them), so they are read where
    /// Inscriptions keeps them.
    func verifierCyclades(_ attendu: [String: Resultat]) async throws {
        var logger = Logger(label: "ece.e2e")
        logger.logLevel = .error
        let configuration = try DatabaseConfiguration.client(
            url: "postgres://inscriptions:inscriptions@127.0.0.1:5433/\(database)", maxConnections: 1)
        try await withPostgresClient(configuration, logger: logger) { client in
            let rows = try await client.query("""
                SELECT c.numero, n.epreuve, n.resultat, n.demi_points
                FROM inscriptions.notes n JOIN inscriptions.candidats c ON c.id = n.candidat_id
                WHERE c.session = \(EndToEnd.session) AND c.numero LIKE \(p + "%")
                """, logger: logger)
            var lus: [String: Resultat] = [:]
            for try await (numero, epreuve, resultat, demiPoints) in rows.decode((String, String, String, Int?).self) {
                let cle = "\(epreuve)/\(numero)"
                switch (resultat, demiPoints) {
                case ("note", let n?): lus[cle] = .note(n)
                case ("absent_injustifie", 0): lus[cle] = .absent  // counts 0 for the jury
                default: throw EndToEnd.Failure(description: "e2e: Cyclades \(cle): \(resultat) \(String(describing: demiPoints)), "
                                                             + "expected \(String(describing: attendu[cle]))")
                }
            }
            for (cle, expected) in attendu.sorted(by: { $0.key < $1.key }) {
                try Check.check(lus[cle] == expected, "Cyclades \(cle): \(String(describing: lus[cle])), the oracle says \(expected)")
            }
            try Check.check(lus.count == attendu.count, "Cyclades holds \(lus.count) results for this run, \(attendu.count) expected")
        }
    }
}
