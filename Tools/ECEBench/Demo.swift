import ArgumentParser
import AsyncHTTPClient
import Foundation
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

    struct Mission: Decodable { var mission: Id; var intervenants: [Person] }
    struct Missions: Decodable { var items: [Mission] }
    struct Id: Decodable { var id: UUID }
    struct Person: Decodable { var id: UUID; var login: String }
    struct Convoked: Decodable { var id: UUID; var impression: String }
    struct Items<T: Decodable>: Decodable { var items: [T] }
    struct Sujet: Decodable { var id: UUID; var code: String }
    struct Fiche: Decodable { var id: UUID }
    struct Commission: Decodable { var groupes: [Groupe]; var creneaux: [Creneau]; struct Groupe: Decodable { var id: UUID }
                                   struct Creneau: Decodable { var id: UUID } }

    func run() async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let client = GatewayClient(base: gateway, http: http)
            try await play(client)
            if academie { try await sessionAcademique(client) }
            try await http.shutdown()
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    func play(_ anonymous: GatewayClient) async throws {
        try await waitUntil(timeout: .seconds(120)) { (try? await anonymous.call(.GET, "/health"))?.status == .ok }
        let gestionnaire = try await anonymous.login("gestionnaire.besancon", password: password)
        let centre = try await anonymous.login("centre.\(uai)", password: password)
        let ins = "/api/inscriptions/sessions/\(Self.session)"
        let mis = "/api/missions/sessions/\(Self.session)"
        let santorin = "/api/correction/sessions/\(Self.session)/epreuves/T011B/centres/\(uai)"

        // Cyclades: sixteen physique-chimie candidates of the lycée Jules-Haag, four divisions, assigned to Victor-Hugo.
        let lignes = (1...16).map { i in
            "\(prefix)\(String(format: "%04d", i));\(Self.noms[i - 1]);\(Self.prenoms[i % Self.prenoms.count]);\(String(format: "%02d", i))/03/2009;scolaire;0251671F;T\(1 + (i - 1) / 4);BCG;T011B"
        }
        let csv = (["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"] + lignes).joined(separator: "\n")
        try await gestionnaire.expect([200], .POST, "\(ins)/import", raw: csv, contentType: "text/csv")
        struct Affectation: Encodable { var numero: String; var epreuve = "T011B"; var centre: String }
        struct Affectations: Encodable { var affectations: [Affectation] }
        try await gestionnaire.expect([200, 422], .POST, "\(ins)/affectations", json: Affectations(
            affectations: (1...16).map { Affectation(numero: "\(prefix)\(String(format: "%04d", $0))", centre: uai) }))
        try await gestionnaire.expect([200], .POST, "\(ins)/affectations/publish?epreuve=T011B")
        print("  Cyclades: 16 candidates assigned to \(uai) and published")

        // Designations: two teachers examine at the centre (the second teaches T1 at Jules-Haag:
        // never their own pupils), the académie's coordinator.
        struct Personne: Encodable { var login: String; var nom: String; var prenom: String; var uai: String?; var divisions: [String]? }
        struct Designation: Encodable { var role: String; var epreuve = "T011B"; var centre: String?; var intervenant: Personne }
        let logins = examinateurs.split(separator: ",").map(String.init)
        guard logins.count == 2 else { throw ValidationError("two examiners") }
        let designations = [
            Designation(role: "examinateur", centre: uai, intervenant: Personne(
                login: logins[0], nom: "Martin", prenom: "Camille", uai: "0250007X", divisions: ["T2"])),
            Designation(role: "examinateur", centre: uai, intervenant: Personne(
                login: logins[1], nom: "Lambert", prenom: "Yves", uai: "0251671F", divisions: ["T1"])),
            Designation(role: "coordinateur", centre: nil, intervenant: Personne(
                login: "coordinateur.besancon", nom: "Roux", prenom: "Anne", uai: nil, divisions: nil)),
        ]
        for designation in designations {
            try await gestionnaire.expect([201], .POST, "\(ins)/designations", json: designation)
        }

        // Imag'In: regulation, parameters, opening (once the export has arrived), convocations.
        try await gestionnaire.expect([200], .POST, "\(mis)/reglementation")
        struct Parametres: Encodable { var dateDebut = "2027-06-01"; var dateFin = "2027-06-12"
            var observations = "Se présenter au centre d'épreuve 30 minutes avant le début de chaque demi-journée." }
        try await gestionnaire.expect([200], .PUT, "\(mis)/parametres", json: Parametres())
        var missions: [Mission] = []
        try await waitUntil(timeout: .seconds(60)) {
            try await gestionnaire.expect([200], .POST, "\(mis)/ouverture")
            missions = try await gestionnaire.expect([200], .GET, "\(mis)/missions?epreuve=T011B").decode(Missions.self).items
            let people = Set(missions.flatMap(\.intervenants).map(\.login))
            return people.isSuperset(of: Set(logins + ["coordinateur.besancon"]))
        }
        var impressions: [String: String] = [:]
        for mission in missions {
            for person in mission.intervenants where designations.contains(where: { $0.intervenant.login == person.login }) {
                let convoked = try await gestionnaire.expect([200, 201], .POST, "/api/missions/missions/\(mission.mission.id)/convocations",
                                                             json: ["intervenantId": person.id.uuidString]).decode(Convoked.self)
                impressions[person.login] = convoked.impression
            }
        }
        print("  Imag'In: session opened, \(impressions.count) convocations")

        // Examiners without a usable account activate it with the code printed on their convocation.
        for login in logins {
            guard (try? await anonymous.login(login, password: password)) == nil, let impression = impressions[login] else { continue }
            let page = try await gestionnaire.expect([200], .GET, impression).text
            guard let code = page.firstMatch(of: /class="code">([A-Z0-9-]+)</)?.1 else { continue }
            try await waitUntil(timeout: .seconds(30)) {
                let reply = try await anonymous.call(.POST, "/api/auth/activate", json: [
                    "login": login, "activationCode": String(code), "password": password])
                return reply.status == .noContent
            }
        }

        // Santorin: the centre waits for its candidates and examiners, then organises the day.
        try await waitUntil(timeout: .seconds(60)) {
            let reply = try await centre.call(.GET, "\(santorin)/examinateurs")
            guard reply.status == .ok, try reply.decode(Items<ExaminateurVue>.self).items.count >= 2 else { return false }
            let fiches = try await centre.expect([200], .GET, "\(santorin)/fiches").decode(Items<Fiche>.self).items
            return fiches.count >= 16
        }
        let examinateurs = try await centre.expect([200], .GET, "\(santorin)/examinateurs").decode(Items<ExaminateurVue>.self).items
            .filter { logins.contains($0.login) }
        var commission = try await centre.expect([200], .GET, santorin).decode(Commission.self)
        // Two rooms of one examiner each (four candidates per examiner per half-day).
        if commission.groupes.isEmpty {
            struct Groupe: Encodable { var nom: String; var membres: [UUID] }
            for (i, login) in logins.enumerated() {
                guard let examinateur = examinateurs.first(where: { $0.login == login }) else { continue }
                try await centre.expect([201], .POST, "\(santorin)/groupes",
                                        json: Groupe(nom: "Salle \(i + 1)", membres: [examinateur.intervenantId]))
            }
        }
        if commission.creneaux.isEmpty {
            // Every subject the slots offer, not merely some: the bank may hold other runs' subjects.
            let offerts: Set = ["PC-201", "PC-202", "PC-203", "PC-301", "PC-302"]
            try await waitUntil(timeout: .seconds(60)) {
                offerts.isSubset(of: try await centre.expect([200], .GET, "\(santorin)/sujets").decode(Items<Sujet>.self).items.map(\.code))
            }
            let sujets = Dictionary(uniqueKeysWithValues: try await centre.expect([200], .GET, "\(santorin)/sujets")
                .decode(Items<Sujet>.self).items.map { ($0.code, $0.id) })
            // The morning's subjects are drawn by the platform; in the afternoon the candidates draw a
            // paper subject, which the examiner records in the editor.
            struct Creneau: Encodable { var jour = "2027-06-01"; var demiJournee: String; var sujets: [UUID]; var choix: Bool }
            for (demiJournee, codes, choix) in [("matin", ["PC-201", "PC-202", "PC-301", "PC-302"], false),
                                                ("apres-midi", ["PC-202", "PC-203", "PC-301", "PC-302"], true)] {
                try await centre.expect([201], .POST, "\(santorin)/creneaux",
                                        json: Creneau(demiJournee: demiJournee, sujets: codes.compactMap { sujets[$0] }, choix: choix))
            }
            commission = try await centre.expect([200], .GET, santorin).decode(Commission.self)
            let fiches = try await centre.expect([200], .GET, "\(santorin)/fiches").decode(Items<Fiche>.self).items
            for (creneau, part) in zip(commission.creneaux, [fiches.prefix(8), fiches.dropFirst(8)]) where !sansPlacement {
                try await centre.expect([200], .POST, "\(santorin)/creneaux/\(creneau.id)/candidats", json: ["fiches": part.map(\.id)])
            }
            if !sansPlacement {
                try await centre.expect([200], .POST, "\(santorin)/distribution/automatique", json: ["garderDivisions": true])
            }
        }
        print("  Santorin: \(examinateurs.count) rooms of one examiner, 2 half-day slots"
              + (sansPlacement ? "; the candidates wait for the centre's page" : ", candidates distributed"))
    }

    struct ExaminateurVue: Decodable { var intervenantId: UUID; var login: String }

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
    func sessionAcademique(_ anonymous: GatewayClient) async throws {
        let gestionnaire = try await anonymous.login("gestionnaire.besancon", password: password)
        let ins = "/api/inscriptions/sessions/\(Self.session)"
        let mis = "/api/missions/sessions/\(Self.session)"
        let lignes = Self.lignes()
        let csv = (["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"] + lignes.map {
            "\($0.numero);\($0.nom);\($0.prenom);12/05/2008;\($0.categorie);\($0.uai ?? "");\($0.division ?? "");\($0.filiere);\($0.epreuve)"
        }).joined(separator: "\n")
        try await gestionnaire.expect([200], .POST, "\(ins)/import", raw: csv, contentType: "text/csv")
        struct Affectation: Encodable { var numero: String; var epreuve: String; var centre: String }
        struct Affectations: Encodable { var affectations: [Affectation] }
        // Victor-Hugo assigns its own SVT pupils: the académie delegates T012B to it (etab.0251080N's step).
        try await gestionnaire.expect([201], .POST, "\(ins)/delegations", json: ["epreuve": "T012B", "uai": "0251080N"])
        var tour: [String: Int] = [:]
        let affectations = lignes.filter { !($0.uai == "0251080N" && $0.epreuve == "T012B") }.map { ligne in
            let centres = Self.centres[ligne.epreuve] ?? []
            // The pupil's own school when it hosts the exam, else the centres in turn.
            if let uai = ligne.uai, centres.contains(uai) { return Affectation(numero: ligne.numero, epreuve: ligne.epreuve, centre: uai) }
            let n = tour[ligne.epreuve, default: 0]
            tour[ligne.epreuve] = n + 1
            return Affectation(numero: ligne.numero, epreuve: ligne.epreuve, centre: centres[n % centres.count])
        }
        try await gestionnaire.expect([200], .POST, "\(ins)/affectations", json: Affectations(affectations: affectations))
        try await gestionnaire.expect([200], .POST, "\(ins)/affectations/publish")
        let candidats = Set(lignes.map(\.numero)).count
        print("  Cyclades (académie): \(candidats) candidates of ten schools, \(lignes.count) registrations over the five exams, "
              + "special cases included, assigned to four centres and published (Victor-Hugo's SVT left to the school, by delegation)")

        struct Personne: Encodable { var login: String; var nom: String; var prenom: String; var uai: String?; var divisions: [String]? }
        struct Designation: Encodable { var role: String; var epreuve: String; var centre: String?; var intervenant: Personne }
        var designations: [Designation] = []
        for (epreuve, centres) in Self.centres.sorted(by: { $0.key < $1.key }) {
            for (i, centre) in centres.enumerated() where !(epreuve == "T011B" && centre == uai) {
                for n in 1...(epreuve.hasPrefix("T01") ? 2 : 1) {
                    designations.append(Designation(role: "examinateur", epreuve: epreuve, centre: centre, intervenant: Personne(
                        login: "prof.\(epreuve.lowercased()).\(centre.lowercased()).\(n)", nom: Self.noms[(i * 2 + n) % Self.noms.count],
                        prenom: Self.prenoms[(i + n) % Self.prenoms.count], uai: Self.ecoles[(i + n) % Self.ecoles.count], divisions: ["TG\(n)"])))
                }
            }
            designations.append(Designation(role: "coordinateur", epreuve: epreuve, centre: nil, intervenant: Personne(
                login: "coordinateur.besancon", nom: "Roux", prenom: "Anne", uai: nil, divisions: nil)))
        }
        struct Existante: Decodable { var epreuve: String; var centre: String?; var intervenant: Personne; struct Personne: Decodable { var login: String } }
        let existantes = try await gestionnaire.expect([200], .GET, "\(ins)/designations").decode(Items<Existante>.self).items
        for designation in designations where !existantes.contains(where: {
            $0.epreuve == designation.epreuve && $0.centre == designation.centre && $0.intervenant.login == designation.intervenant.login }) {
            try await gestionnaire.expect([201], .POST, "\(ins)/designations", json: designation)
        }
        var missions: [Mission] = []
        try await waitUntil(timeout: .seconds(60)) {
            try await gestionnaire.expect([200], .POST, "\(mis)/ouverture")
            missions = try await gestionnaire.expect([200], .GET, "\(mis)/missions").decode(Missions.self).items
            return Set(missions.flatMap(\.intervenants).map(\.login)).isSuperset(of: designations.map(\.intervenant.login))
        }
        var convocations = 0
        for mission in missions {
            for person in mission.intervenants where designations.contains(where: { $0.intervenant.login == person.login }) {
                try await gestionnaire.expect([200, 201], .POST, "/api/missions/missions/\(mission.mission.id)/convocations",
                                              json: ["intervenantId": person.id.uuidString])
                convocations += 1
            }
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
