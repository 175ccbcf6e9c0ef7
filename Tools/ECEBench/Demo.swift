import ArgumentParser
import AsyncHTTPClient
import Foundation
import TestSupport

/// `ece-bench demo`: plays the road map through the gateway with the demo accounts, up to the exam
/// day, so that `make up` leaves a platform where the examiners can grade: candidates registered and
/// assigned (Cyclades), examiners and a coordinator designated and convoked (Imag'In), a second
/// examiner's account activated with the code printed on their convocation, and at the centre
/// (Santorin) a room of two examiners, two half-day slots with their subjects and the candidates
/// distributed. Safe to run again: what exists is kept.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Demo data through the gateway, up to grading (make up).")

    @Option(help: "The gateway.") var gateway = "http://127.0.0.1:8080"
    @Option(help: "The demo accounts' password.") var password = "ece-demo-2027!"
    @Option(name: .customLong("centre"), help: "The centre d'épreuve (its account centre.<UAI> must exist).") var uai = "0251080N"
    @Option(help: "Prefix of the candidates' numbers.") var prefix = "DEMO"
    @Option(help: "The two examiners' logins (accounts are activated with their convocation's code when new).")
    var examinateurs = "examinateur.demo,examinateur2.demo"

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
            try await play(GatewayClient(base: gateway, http: http))
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
            try await waitUntil(timeout: .seconds(60)) {
                try await centre.expect([200], .GET, "\(santorin)/sujets").decode(Items<Sujet>.self).items.count >= 5
            }
            let sujets = Dictionary(uniqueKeysWithValues: try await centre.expect([200], .GET, "\(santorin)/sujets")
                .decode(Items<Sujet>.self).items.map { ($0.code, $0.id) })
            struct Creneau: Encodable { var jour = "2027-06-01"; var demiJournee: String; var sujets: [UUID] }
            for (demiJournee, codes) in [("matin", ["PC-201", "PC-202", "PC-301", "PC-302"]),
                                         ("apres-midi", ["PC-202", "PC-203", "PC-301", "PC-302"])] {
                try await centre.expect([201], .POST, "\(santorin)/creneaux",
                                        json: Creneau(demiJournee: demiJournee, sujets: codes.compactMap { sujets[$0] }))
            }
            commission = try await centre.expect([200], .GET, santorin).decode(Commission.self)
            let fiches = try await centre.expect([200], .GET, "\(santorin)/fiches").decode(Items<Fiche>.self).items
            for (creneau, part) in zip(commission.creneaux, [fiches.prefix(8), fiches.dropFirst(8)]) {
                try await centre.expect([200], .POST, "\(santorin)/creneaux/\(creneau.id)/candidats", json: ["fiches": part.map(\.id)])
            }
            try await centre.expect([200], .POST, "\(santorin)/distribution/automatique", json: ["garderDivisions": true])
        }
        print("  Santorin: \(examinateurs.count) rooms of one examiner, 2 half-day slots, candidates distributed")
    }

    struct ExaminateurVue: Decodable { var intervenantId: UUID; var login: String }
}
