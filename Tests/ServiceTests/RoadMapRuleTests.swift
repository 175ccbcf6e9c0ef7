import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PostgresNIO
import Shared
import Testing
import TestSupport
@testable import Correction
@testable import Gateway
@testable import Inscriptions
@testable import Missions

/// Issue 26, item 2: each road-map rule that had no test gets one through the gateway, as a user
/// with a token: the refusal and its reason, and the allowed case. Correction's rules run on a
/// commission built by the real flow (Cyclades' import and assignment, Imag'In's convocations, the
/// subjects as Référentiel publishes them), on a centre of its own each time.
@Suite(.serialized) struct RoadMapRuleTests {
    typealias H = CorrectionTests.Harness
    static let session = CorrectionTests.session
    static let besancon = CorrectionTests.besancon

    // MARK: the commission fixture

    /// A commission ready to grade: its candidates placed in the morning slot, one group (room) per
    /// examiner, nobody distributed yet.
    struct Commission {
        var centre: String
        var path: String
        var centreId: Identity
        var examiners: [Identity]
        var coordinator: Identity?
        var groups: [UUID]
        /// The sheets in the order of their numbers, and those numbers.
        var fiches: [UUID]
        var numeros: [String]
        var candidatIds: [String: UUID]
        var morning: UUID
        /// Published and visible: physics 0, 1, 4; chemistry 2, 3. Physics 5 is under embargo.
        var sujets: [UUID]
    }

    /// Builds a commission through the whole platform: `candidats` pupils of 0251671F (division
    /// T1) — or the `eleves` named, of their schools —, `examiners` teachers of another school
    /// convoked at the centre (each in a group of their own unless `groupes` is false), and a coordinator.
    static func commission(_ h: H, _ publisher: AMQPPublisher, candidats: Int, examiners: Int = 1,
                           coordinator: Bool = false, placer: Bool = true, professeur: Bool = false, groupes: Bool = true,
                           eleves: [(nom: String, prenoms: String, uai: String)]? = nil) async throws -> Commission {
        let centre = try await CorrectionTests.makeCentre()
        let centreId = Identity(userId: UUID(), login: "centre.\(centre)", role: .centre, scope: .etablissement(centre))
        let p = "K\(UUID().uuidString.prefix(6))"
        let login = p.lowercased()
        let ins = "/api/inscriptions/sessions/\(session)"
        let mis = "/api/missions/sessions/\(session)"
        let path = "/api/correction/sessions/\(session)/epreuves/T011B/centres/\(centre)"

        let csv = (["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"]
            + (1...candidats).map { i in
                let e = eleves?[i - 1] ?? (nom: Self.nom(i), prenoms: "Léa", uai: "0251671F")
                return "\(p)\(i);\(e.nom);\(e.prenoms);01/01/2008;scolaire;\(e.uai);T1;BCG;T011B"
            }).joined(separator: "\n")
        let imported = try await h.client.execute(uri: "\(ins)/import", method: .post, headers: [
            .authorization: "Bearer \(try await TestKeys.token(besancon))", .contentType: "text/csv"], body: ByteBuffer(string: csv))
        #expect(imported.status == .ok, "\(String(buffer: imported.body))")
        let assignments = (1...candidats).map { #"{"numero":"\#(p)\#($0)","epreuve":"T011B","centre":"\#(centre)"}"# }
        #expect(try await h.call(.post, "\(ins)/affectations", #"{"affectations":[\#(assignments.joined(separator: ","))]}"#,
                                 as: besancon).status == .ok)
        #expect(try await h.call(.post, "\(ins)/affectations/publish?epreuve=T011B", as: besancon).status == .ok)

        let names = (0..<examiners).map { "e\($0)" }
        for name in names {
            // With `professeur`, the last examiner teaches the candidates (their school, division T1).
            let classe = professeur && name == names.last ? #""uai":"0251671F","divisions":["T1"]"# : #""uai":"0250007X","divisions":["T5"]"#
            let designation = #"{"role":"examinateur","epreuve":"T011B","centre":"\#(centre)","intervenant":{"login":"\#(login).\#(name)","nom":"Prof\#(nom(names.firstIndex(of: name)! + 1))","prenom":"Test",\#(classe)}}"#
            let response = try await h.call(.post, "\(ins)/designations", designation, as: besancon)
            #expect(response.status == .created, "\(String(buffer: response.body))")
        }
        if coordinator {
            let designation = #"{"role":"coordinateur","epreuve":"T011B","intervenant":{"login":"\#(login).coord","nom":"Coord","prenom":"Test","uai":"0250007X"}}"#
            let response = try await h.call(.post, "\(ins)/designations", designation, as: besancon)
            #expect(response.status == .created, "\(String(buffer: response.body))")
        }

        // Imag'In opens the session until everybody is eligible, then convokes them.
        #expect(try await h.call(.post, "\(mis)/reglementation", as: besancon).status == .ok)
        #expect(try await h.call(.put, "\(mis)/parametres", #"{"dateDebut":"2099-06-01","dateFin":"2099-06-12"}"#, as: besancon).status == .ok)
        var people: [String: (mission: UUID, person: UUID)] = [:]
        let wanted = names.map { "\(login).\($0)" } + (coordinator ? ["\(login).coord"] : [])
        try await waitUntil {
            _ = try await h.call(.post, "\(mis)/ouverture", as: besancon)
            let list = try await h.decode(CorrectionTests.MissionList.self, .get, "\(mis)/missions?epreuve=T011B", as: besancon).items
            for detail in list where detail.mission.centre == centre || detail.mission.centre == nil {
                for person in detail.intervenants where wanted.contains(person.login) { people[person.login] = (detail.mission.id, person.id) }
            }
            return Set(people.keys) == Set(wanted)
        }
        for (_, entry) in people {
            #expect(try await h.call(.post, "/api/missions/missions/\(entry.mission)/convocations",
                                     #"{"intervenantId":"\#(entry.person)"}"#, as: besancon).status == .created)
        }
        let identities = names.map { Identity(userId: people["\(login).\($0)"]!.person, login: "\(login).\($0)", role: .examinateur,
                                              scope: .academie("03")) }
        let coordination = coordinator ? Identity(userId: people["\(login).coord"]!.person, login: "\(login).coord",
                                                  role: .coordinateur, scope: .academie("03")) : nil

        // Référentiel's subjects: three physics and two chemistry visible, one physics under embargo.
        var sujets: [UUID] = []
        for (i, dominante) in ["physique", "physique", "chimie", "chimie", "physique", "physique"].enumerated() {
            let sujet = SujetPublished(sujetId: UUID(), epreuve: "T011B", session: session, code: "\(p)-S\(i)", titre: "Situation \(i)",
                                       dominante: dominante, materiel: [], baremeVersion: 1, bareme: CorrectionTests.bareme,
                                       document: DocumentRef(path: "/sujets/\(i).pdf", sha256: String(repeating: "0", count: 64), taille: 10),
                                       visibleFrom: i == 5 ? Date().addingTimeInterval(86_400) : Date().addingTimeInterval(-60))
            sujets.append(sujet.sujetId)
            try await waitUntil { publisher.isConnected }
            try await MissionsTests.publish(publisher, EventEnvelope(producer: "referentiel", correlationId: p, payload: sujet))
        }

        // Santorin has it all: the candidates, the examiners, the subjects.
        try await waitUntil {
            let examinateurs = try await h.call(.get, "\(path)/examinateurs", as: centreId)
            let offerts = try await h.call(.get, "\(path)/sujets", as: centreId)
            let vue = try await h.call(.get, path, as: centreId)
            guard examinateurs.status == .ok, offerts.status == .ok, vue.status == .ok else { return false }
            let convoked = try JSONDecoder().decode(CorrectionTests.Examinateurs.self, from: examinateurs.body).items.count
            let offered = String(buffer: offerts.body).components(separatedBy: "\(p)-S").count - 1
            let placed = try JSONDecoder().decode(CorrectionTests.Commission.self, from: vue.body).candidats
            return convoked == examiners && offered == sujets.count && placed == candidats
        }
        var groups: [UUID] = []
        for (i, examiner) in identities.enumerated() where groupes {
            groups.append(try await h.decode(CorrectionTests.Created.self, .post, "\(path)/groupes",
                                             #"{"nom":"Salle \#(i + 1)","membres":["\#(examiner.userId)"]}"#, as: centreId,
                                             expect: .created).id)
        }
        let morning = try await h.decode(CorrectionTests.Created.self, .post, "\(path)/creneaux",
                                         Self.slot("matin", sujets[0], sujets[1], sujets[2], sujets[3]), as: centreId, expect: .created).id
        let all = try await h.decode(CorrectionTests.Fiches.self, .get, "\(path)/fiches", as: centreId).items.sorted { $0.numero < $1.numero }
        if placer {
            #expect(try await h.call(.post, "\(path)/creneaux/\(morning)/candidats", Self.fiches(all.map(\.id)), as: centreId).status == .ok)
        }
        var candidatIds: [String: UUID] = [:]
        try await withServiceDatabase(HealthTests.configuration("inscriptions", 8081), migrations: []) { client, schema, _ in
            for row in try await client.query("""
                SELECT numero, id FROM \(unescaped: schema.name).candidats WHERE session = \(session) AND numero LIKE \(p + "%")
                """).collect() {
                let (numero, id) = try row.decode((String, UUID).self)
                candidatIds[numero] = id
            }
        }
        return Commission(centre: centre, path: path, centreId: centreId, examiners: identities, coordinator: coordination, groups: groups,
                          fiches: all.map(\.id), numeros: all.map(\.numero), candidatIds: candidatIds, morning: morning, sujets: sujets)
    }

    /// Names are letters only (Cyclades' rule): Alpha, Bravo …
    static func nom(_ i: Int) -> String {
        ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel", "India"][(i - 1) % 9]
    }

    /// A slot's body; the morning's candidates are convoked at 8:30 (the afternoon's time left to the centre).
    static func slot(_ demiJournee: String, _ sujets: UUID..., jour: String = "2099-06-02", choix: Bool = false) -> String {
        let heure = demiJournee == "matin" ? #","heure":"08:30""# : ""
        return #"{"jour":"\#(jour)","demiJournee":"\#(demiJournee)"\#(heure),"choix":\#(choix),"sujets":[\#(sujets.map { "\"\($0)\"" }.joined(separator: ","))]}"#
    }

    static func fiches(_ ids: [UUID]) -> String { #"{"fiches":[\#(ids.map { "\"\($0)\"" }.joined(separator: ","))]}"# }

    static func move(_ ids: [UUID], to groupe: UUID?) -> String {
        #"{"fiches":[\#(ids.map { "\"\($0)\"" }.joined(separator: ","))],"groupeId":\#(groupe.map { "\"\($0)\"" } ?? "null")}"#
    }

    /// Every criterion evaluated (A, A, B): 4 + 12 + 4 × 2/3 = 18.67 → 18.5 (37 half points).
    static let grid = #""grille":{"evaluations":[{"code":"APP","evaluation":{"type":"niveau","niveau":"A"}},{"code":"REA","evaluation":{"type":"niveau","niveau":"A"}},{"code":"VAL","evaluation":{"type":"niveau","niveau":"B"}}],"appels":[],"aides":[],"commentaires":{}}"#

    /// Draws the subject and saves the full grid, final.
    @discardableResult
    static func grade(_ h: H, _ fiche: UUID, as examiner: Identity) async throws -> CorrectionTests.Fiche {
        let drawn = try await h.decode(CorrectionTests.Fiche.self, .post, "/api/correction/fiches/\(fiche)/tirage", #"{"version":0}"#, as: examiner)
        return try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(fiche)",
                                  #"{"version":\#(drawn.version),\#(grid),"finaliser":true}"#, as: examiner)
    }

    @discardableResult
    static func absent(_ h: H, _ fiche: UUID, _ absence: String = "injustifiee", as examiner: Identity) async throws -> CorrectionTests.Fiche {
        let current = try await h.decode(CorrectionTests.Fiche.self, .get, "/api/correction/fiches/\(fiche)", as: examiner)
        return try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(fiche)",
                                  #"{"version":\#(current.version),"absence":"\#(absence)"}"#, as: examiner)
    }

    /// Waits until Cyclades' record of the candidate's T011B result (read in Inscriptions' table:
    /// no API lists it) satisfies `condition`.
    static func cyclades(_ candidat: UUID,
                         _ condition: @escaping ((resultat: String, demiPoints: Int?, remplacees: Int)?) -> Bool) async throws {
        try await withServiceDatabase(HealthTests.configuration("inscriptions", 8081), migrations: []) { client, schema, logger in
            let repository = InscriptionsRepository(client: client, schema: schema, logger: logger)
            try await waitUntil { condition(try await repository.note(candidat: candidat, epreuve: "T011B")) }
        }
    }

    static func refused(_ response: TestResponse, _ status: HTTPResponse.Status, _ reason: String,
                        sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(response.status == status, "\(String(buffer: response.body))", sourceLocation: sourceLocation)
        #expect(String(buffer: response.body).contains(reason), "«\(reason)» in \(String(buffer: response.body))",
                sourceLocation: sourceLocation)
    }

    /// The whole platform and a publisher playing the subject bank.
    static func withPlatform(_ test: @Sendable @escaping (H, AMQPPublisher) async throws -> Void) async throws {
        let publisher = AMQPPublisher(configuration: try AMQPConfiguration(url: LocalInfrastructure.amqpURL), appId: "referentiel",
                                      logger: Logger(label: "test"))
        let running = Running(publisher)
        try await CorrectionTests.withPlatform { h in try await test(h, publisher) }
        await running.stop()
    }

    // MARK: Correction's rules

    /// At most four candidates per examiner in a slot, however they get there: a manual move, or
    /// a candidate of the lot placed into the slot.
    @Test func aFifthCandidateForAnExaminerInASlotIsRefused() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 6, examiners: 2)
            let (g1, g2) = (c.groups[0], c.groups[1])
            let fiches = c.fiches
            // The sixth candidate waits in the afternoon.
            let afternoon = try await h.decode(CorrectionTests.Created.self, .post, "\(c.path)/creneaux",
                                               Self.slot("apres-midi", c.sujets[0], c.sujets[4], c.sujets[2], c.sujets[3]),
                                               as: c.centreId, expect: .created).id
            #expect(try await h.call(.post, "\(c.path)/creneaux/\(afternoon)/candidats", Self.fiches([fiches[5]]), as: c.centreId).status == .ok)

            // Manual moves: four in the morning for A, a fifth refused; it goes to B.
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move(Array(fiches[0..<4]), to: g1), as: c.centreId).status == .ok)
            Self.refused(try await h.call(.post, "\(c.path)/distribution", Self.move([fiches[4]], to: g1), as: c.centreId),
                         .conflict, "at most 4 per examiner per slot")
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move([fiches[4]], to: g2), as: c.centreId).status == .ok)

            // Slot placement: A's afternoon candidate moved into the morning would be A's fifth there.
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move([fiches[5]], to: g1), as: c.centreId).status == .ok)
            Self.refused(try await h.call(.post, "\(c.path)/creneaux/\(c.morning)/candidats", Self.fiches([fiches[5]]), as: c.centreId),
                         .conflict, "at most 4 per examiner per slot")
            let lots = try await h.decode(CorrectionTests.Fiches.self, .get, "\(c.path)/fiches?groupe=\(g1)&creneau=\(c.morning)",
                                          as: c.centreId).items
            #expect(lots.count == 4, "the refused placement changed nothing")
            // Allowed: one of A's morning candidates leaves for B, then the placement fits.
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move([fiches[0]], to: g2), as: c.centreId).status == .ok)
            #expect(try await h.call(.post, "\(c.path)/creneaux/\(c.morning)/candidats", Self.fiches([fiches[5]]), as: c.centreId).status == .ok)
        }
    }

    /// Issue 20: the centre places candidates in a half-day slot and takes them out again. Once the
    /// groups are formed a slot holds four per examiner of the groups; a refused placement changes
    /// nothing; a candidate in a lot keeps their slot.
    /// Fewer examiners in the groups (a group dissolved, an examiner taken out) must not leave a
    /// slot holding more candidates than four per remaining examiner.
    @Test func aSlotKeepsItsCapacityWhenAGroupChanges() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 6, examiners: 2, placer: false)
            #expect(try await h.call(.post, "\(c.path)/creneaux/\(c.morning)/candidats", Self.fiches(c.fiches), as: c.centreId).status == .ok)
            Self.refused(try await h.call(.delete, "\(c.path)/groupes/\(c.groups[1])", as: c.centreId), .conflict, "créneau complet")
            struct Vue: Decodable { var groupes: [G]; struct G: Decodable { var id: UUID } }
            #expect(try await h.decode(Vue.self, .get, c.path, as: c.centreId).groupes.contains { $0.id == c.groups[1] },
                    "the refused dissolution changed nothing")
        }
    }

    @Test func aSlotHoldsFourCandidatesPerExaminerOfTheGroups() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 5, placer: false)
            let fiches = c.fiches
            struct Vue: Decodable { var creneaux: [Creneau]; struct Creneau: Decodable { var id: UUID; var candidats: Int; var capacite: Int } }
            func sansCreneau() async throws -> Set<UUID> {
                Set(try await h.decode(CorrectionTests.Fiches.self, .get, "\(c.path)/fiches?sansCreneau=true", as: c.centreId).items.map(\.id))
            }
            #expect(try await sansCreneau() == Set(fiches))

            // One examiner: four places in the morning; five refused whole, then the fifth alone.
            Self.refused(try await h.call(.post, "\(c.path)/creneaux/\(c.morning)/candidats", Self.fiches(fiches), as: c.centreId),
                         .conflict, "créneau complet")
            #expect(try await sansCreneau() == Set(fiches), "the refused placement changed nothing")
            #expect(try await h.call(.post, "\(c.path)/creneaux/\(c.morning)/candidats", Self.fiches(Array(fiches[0..<4])),
                                     as: c.centreId).status == .ok)
            Self.refused(try await h.call(.post, "\(c.path)/creneaux/\(c.morning)/candidats", Self.fiches([fiches[4]]), as: c.centreId),
                         .conflict, "4 au plus par examinateur et par demi-journée")
            let morning = try #require(try await h.decode(Vue.self, .get, c.path, as: c.centreId).creneaux.first { $0.id == c.morning })
            #expect(morning.candidats == 4 && morning.capacite == 4)

            // The fifth goes to the afternoon; one of the morning's follows (moved from slot to slot).
            let afternoon = try await h.decode(CorrectionTests.Created.self, .post, "\(c.path)/creneaux",
                                               Self.slot("apres-midi", c.sujets[0], c.sujets[4], c.sujets[2], c.sujets[3]),
                                               as: c.centreId, expect: .created).id
            #expect(try await h.call(.post, "\(c.path)/creneaux/\(afternoon)/candidats", Self.fiches([fiches[4], fiches[0]]),
                                     as: c.centreId).status == .ok)
            #expect(try await sansCreneau().isEmpty)

            // Out of a slot: not while in a lot; then back among the candidates without a slot.
            let retrait = "\(c.path)/creneaux/retrait"
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move([fiches[1]], to: c.groups[0]), as: c.centreId).status == .ok)
            Self.refused(try await h.call(.post, retrait, Self.fiches([fiches[1], fiches[2]]), as: c.centreId), .conflict, "retirer d'abord de leur lot")
            #expect(try await sansCreneau().isEmpty, "the refused removal changed nothing")
            #expect(try await h.call(.post, retrait, Self.fiches([fiches[2]]), as: c.centreId).status == .ok)
            #expect(try await sansCreneau() == [fiches[2]])
            Self.refused(try await h.call(.post, retrait, Self.fiches([]), as: c.centreId), .unprocessableContent, "fiches")
            #expect(try await h.call(.post, retrait, #"{"fiches":["pas-un-uuid"]}"#, as: c.centreId).status == .badRequest)
            let journal = String(buffer: try await h.call(.get, "\(c.path)/audit", as: c.centreId).body)
            #expect(journal.contains("creneau.retrait") && journal.contains("creneau.candidats"))
        }
    }

    /// « Un groupe par examinateur »: each examiner convoked here and in no group gets a group named
    /// after them (numbered when a group has the name); the others keep theirs; again, none is made.
    @Test func eachExaminerInNoGroupGetsARoomOfTheirOwnAtOnce() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 2, examiners: 3, placer: false, groupes: false)
            struct Crees: Decodable { var items: [Cree]; struct Cree: Decodable { var id: UUID; var nom: String; var membre: UUID } }
            struct Vue: Decodable { var groupes: [G]; struct G: Decodable { var id: UUID; var nom: String; var membres: [UUID] } }
            let (alpha, bravo, charlie) = (c.examiners[0].userId, c.examiners[1].userId, c.examiners[2].userId)
            // The centre put ProfAlpha in a room it named after ProfCharlie.
            let salle = try await h.decode(CorrectionTests.Created.self, .post, "\(c.path)/groupes",
                                           #"{"nom":"Test ProfCharlie","membres":["\#(alpha)"]}"#, as: c.centreId, expect: .created).id
            let parExaminateur = "\(c.path)/groupes/un-par-examinateur"
            let crees = try await h.decode(Crees.self, .post, parExaminateur, as: c.centreId).items
            let noms: Set<String> = Set(crees.map { "\($0.nom) \($0.membre)" })
            #expect(noms == ["Test ProfBravo \(bravo)", "Test ProfCharlie (2) \(charlie)"], "\(crees)")
            let groupes = try await h.decode(Vue.self, .get, c.path, as: c.centreId).groupes
            #expect(Set(groupes.map(\.id)) == Set(crees.map(\.id) + [salle]))
            let membres: [UUID] = groupes.flatMap(\.membres)
            #expect(membres.count == 3 && Set(membres) == [alpha, bravo, charlie], "each examiner in one group: \(groupes)")
            #expect(groupes.first { $0.id == salle }?.membres == [alpha], "the centre's room kept its examiner")
            // Everyone has a room: nothing more, nothing changed.
            #expect(try await h.decode(Crees.self, .post, parExaminateur, as: c.centreId).items.isEmpty)
            #expect(try await h.decode(Vue.self, .get, c.path, as: c.centreId).groupes.count == 3)
            // Another centre may not.
            let autre = Identity(userId: UUID(), login: "c", role: .centre, scope: .etablissement("0251080N"))
            #expect(try await h.call(.post, parExaminateur, as: autre).status == .forbidden)
            let journal = String(buffer: try await h.call(.get, "\(c.path)/audit", as: c.centreId).body)
            #expect(journal.components(separatedBy: "groupe.cree").count - 1 == 3, "\(journal.prefix(600))")
        }
    }

    /// A slot made with its candidates: the commission's candidates in no slot that the filter
    /// retains, in name order, up to the slot's room (four per examiner of the groups) and `max`;
    /// before any group, `max` is required, and without it nothing is made.
    @Test func aSlotIsMadeWithItsCandidatesInNameOrderUpToItsRoom() async throws {
        try await Self.withPlatform { h, publisher in
            // Numbered in an order that is not the names' (1 Golf, 2 Echo, 3 Alpha …).
            let noms = ["Golf", "Echo", "Alpha", "Delta", "Charlie", "Bravo"]
            let c = try await Self.commission(h, publisher, candidats: 6, placer: false,
                                              eleves: noms.map { (nom: $0, prenoms: "Léa", uai: "0251671F") })
            // Another centre's candidates of the same exam, in no slot either: never this centre's to place.
            let autre = try await Self.commission(h, publisher, candidats: 2, placer: false)
            let numero = Dictionary(uniqueKeysWithValues: noms.enumerated().map { ($0.element, c.fiches[$0.offset]) })
            func dans(_ creneau: UUID?) async throws -> [UUID] {
                let query = creneau.map { "creneau=\($0)" } ?? "sansCreneau=true"
                return try await h.decode(CorrectionTests.Fiches.self, .get, "\(c.path)/fiches?\(query)", as: c.centreId).items.map(\.id)
            }
            struct Cree: Decodable { var id: UUID; var candidats: Int }
            struct Vue: Decodable { var creneaux: [Creneau]; struct Creneau: Decodable { var id: UUID } }
            func avec(_ slot: String, _ candidats: String) -> String { String(slot.dropLast()) + #","candidats":\#(candidats)}"# }
            let afternoon = Self.slot("apres-midi", c.sujets[0], c.sujets[4], c.sujets[2], c.sujets[3])

            // No group yet: the room is unknown, so « how many at most » is required; refused, nothing made.
            #expect(try await h.call(.delete, "\(c.path)/groupes/\(c.groups[0])", as: c.centreId).status == .noContent)
            Self.refused(try await h.call(.post, "\(c.path)/creneaux", avec(afternoon, "{}"), as: c.centreId),
                         .conflict, "formez d'abord les groupes")
            #expect(try await h.decode(Vue.self, .get, c.path, as: c.centreId).creneaux.map(\.id) == [c.morning], "no slot made")
            #expect(Set(try await dans(nil)) == Set(c.fiches), "nobody placed")
            for (mauvais, champ) in [(#"{"max":0}"#, "candidats.max"), (#"{"max":10001}"#, "candidats.max"),
                                     (#"{"max":1,"division":"\#(String(repeating: "T", count: 101))"}"#, "candidats.division")] {
                Self.refused(try await h.call(.post, "\(c.path)/creneaux", avec(afternoon, mauvais), as: c.centreId),
                             .unprocessableContent, champ)
            }
            #expect(try await h.call(.post, "\(c.path)/creneaux", avec(afternoon, #"{"max":"deux"}"#), as: c.centreId).status == .badRequest)

            // With `max`, the first by name that the filter retains: names from B, one → Bravo.
            let apresMidi = try await h.decode(Cree.self, .post, "\(c.path)/creneaux", avec(afternoon, #"{"nomDe":"B","max":1}"#),
                                               as: c.centreId, expect: .created)
            #expect(apresMidi.candidats == 1)
            #expect(try await dans(apresMidi.id) == [numero["Bravo"]!])

            // One examiner in the groups again: four places, filled in name order; Golf is left.
            _ = try await h.decode(CorrectionTests.Created.self, .post, "\(c.path)/groupes",
                                   #"{"nom":"Salle 1","membres":["\#(c.examiners[0].userId)"]}"#, as: c.centreId, expect: .created)
            let jeudi = try await h.decode(Cree.self, .post, "\(c.path)/creneaux",
                                           avec(Self.slot("matin", c.sujets[1], c.sujets[4], c.sujets[2], c.sujets[3], jour: "2099-06-03"), "{}"),
                                           as: c.centreId, expect: .created)
            #expect(jeudi.candidats == 4)
            #expect(Set(try await dans(jeudi.id)) == Set(["Alpha", "Charlie", "Delta", "Echo"].map { numero[$0]! }))
            #expect(try await dans(nil) == [numero["Golf"]!])
            #expect(try await dans(c.morning).isEmpty, "the other slots keep theirs")

            // A half-day that has its slot: refused, and its candidates stay where they are.
            let autreSerie = Self.slot("apres-midi", c.sujets[0], c.sujets[1], c.sujets[4], c.sujets[2], c.sujets[3])
            Self.refused(try await h.call(.post, "\(c.path)/creneaux", avec(autreSerie, "{}"), as: c.centreId), .conflict, "slot exists")
            #expect(try await dans(nil) == [numero["Golf"]!])
            let journal = String(buffer: try await h.call(.get, "\(c.path)/audit", as: c.centreId).body)
            #expect(journal.contains("creneau.candidats") && journal.contains(numero["Bravo"]!.uuidString), "\(journal.prefix(600))")
            struct Journal: Decodable { var items: [Entree]; struct Entree: Decodable { var action: String; var apres: String? } }
            let cree = try await h.decode(Journal.self, .get, "\(c.path)/audit", as: c.centreId).items
                .filter { $0.action == "creneau.cree" }.compactMap { $0.apres.map { Data($0.utf8) } }
                .compactMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
                .first { $0["id"] as? String == apresMidi.id.uuidString }
            #expect(cree?["placer"] as? [String: String] == ["nomDe": "B", "max": "1"] && cree?["candidats"] as? Int == 1,
                    "what was asked and done: \(String(describing: cree))")
            let ailleurs = try await h.decode(CorrectionTests.Fiches.self, .get, "\(autre.path)/fiches?sansCreneau=true", as: autre.centreId)
            #expect(Set(ailleurs.items.map(\.id)) == Set(autre.fiches), "the other centre's candidates stay where they were")
        }
    }

    /// Issue 20: the automatic distribution's report names who went to which group and its
    /// examiners, and who could not be placed and why; with nobody to place, it says so.
    @Test func theAutomaticDistributionReportsWhoWentWhereAndWhyNot() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 3, placer: false)
            struct Rapport: Decodable {
                var distribues: Int; var sansCreneau: Int; var placements: [Placement]; var nonPlaces: [NonPlace]
                struct Placement: Decodable { var fiche: UUID; var numero: String; var groupe: String; var examinateurs: [String] }
                struct NonPlace: Decodable { var fiche: UUID; var numero: String; var motif: String }
            }
            let automatique = "\(c.path)/distribution/automatique"
            let personne = try await h.decode(Rapport.self, .post, automatique, #"{"garderDivisions":false}"#, as: c.centreId)
            #expect(personne.distribues == 0 && personne.placements.isEmpty && personne.nonPlaces.count == 3)
            #expect(personne.nonPlaces.allSatisfy { $0.motif == "sans_creneau" })

            #expect(try await h.call(.post, "\(c.path)/creneaux/\(c.morning)/candidats", Self.fiches(Array(c.fiches[0..<2])),
                                     as: c.centreId).status == .ok)
            let rapport = try await h.decode(Rapport.self, .post, automatique, #"{"garderDivisions":true}"#, as: c.centreId)
            #expect(rapport.distribues == 2 && rapport.sansCreneau == 1)
            #expect(Set(rapport.placements.map(\.fiche)) == Set(c.fiches[0..<2]))
            #expect(rapport.placements.allSatisfy { $0.groupe == "Salle 1" && $0.examinateurs == ["Test Prof\(Self.nom(1))"] })
            #expect(rapport.nonPlaces.map(\.fiche) == [c.fiches[2]] && rapport.nonPlaces.map(\.numero) == [c.numeros[2]])
        }
    }

    /// Issue 20: the centre changes a group — adds an examiner, replaces an ill one (the lot goes to
    /// the replacement), renames it, dissolves an empty one — with the rules rechecked: the examiners
    /// convoked and in no other group, never a pupil to their teacher, four per examiner in a slot,
    /// a locked lot unlocked first. A refusal changes nothing.
    @Test func theCentreChangesAGroupWithTheRulesRechecked() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 5, examiners: 4, professeur: true)
            let (e0, e1, e2, prof) = (c.examiners[0].userId, c.examiners[1].userId, c.examiners[2].userId, c.examiners[3].userId)
            let (g0, g1, g2, g3) = (c.groups[0], c.groups[1], c.groups[2], c.groups[3])
            let g0Path = "\(c.path)/groupes/\(g0)"
            func membres(_ ids: UUID...) -> String { #"{"membres":[\#(ids.map { "\"\($0)\"" }.joined(separator: ","))]}"# }
            struct Vue: Decodable { var groupes: [G]; struct G: Decodable { var id: UUID; var nom: String; var membres: [UUID]; var candidats: Int } }
            func groupes() async throws -> [UUID: Vue.G] {
                Dictionary(uniqueKeysWithValues: try await h.decode(Vue.self, .get, c.path, as: c.centreId).groupes.map { ($0.id, $0) })
            }

            // An empty group dissolves; its examiner joins the first group, which takes the five.
            Self.refused(try await h.call(.patch, g0Path, membres(e0, e1), as: c.centreId), .conflict, "déjà dans le groupe")
            #expect(try await h.call(.delete, "\(c.path)/groupes/\(g1)", as: c.centreId).status == .noContent)
            #expect(try await h.call(.patch, g0Path, membres(e0, e1), as: c.centreId).status == .noContent)
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move(c.fiches, to: g0), as: c.centreId).status == .ok)
            Self.refused(try await h.call(.delete, g0Path, as: c.centreId), .conflict, "réaffectez-les d'abord")

            // e0 is ill. Alone, e1 would hold five in the morning; the candidates' own teacher, an
            // examiner not convoked here or one in another group may not replace them.
            let before = try await groupes()
            Self.refused(try await h.call(.patch, g0Path, membres(e1), as: c.centreId), .conflict, "at most 4 per examiner per slot")
            #expect(try await h.call(.delete, "\(c.path)/groupes/\(g3)", as: c.centreId).status == .noContent)
            Self.refused(try await h.call(.patch, g0Path, membres(e1, prof), as: c.centreId), .unprocessableContent, "enseigne à")
            Self.refused(try await h.call(.patch, g0Path, membres(e1, UUID()), as: c.centreId), .unprocessableContent, "non convoqué")
            Self.refused(try await h.call(.patch, g0Path, membres(e1, e2), as: c.centreId), .conflict, "déjà dans le groupe")
            Self.refused(try await h.call(.patch, g0Path, #"{"nom":"  "}"#, as: c.centreId), .unprocessableContent, "nom")
            Self.refused(try await h.call(.patch, g0Path, "{}", as: c.centreId), .unprocessableContent, "nom")
            // Another centre, or another commission's group under this one's path.
            let autre = try await Self.commission(h, publisher, candidats: 1)
            Self.refused(try await h.call(.patch, "\(c.path)/groupes/\(autre.groups[0])", #"{"nom":"Intrus"}"#, as: c.centreId),
                         .notFound, "groupe")
            Self.refused(try await h.call(.delete, "\(c.path)/groupes/\(autre.groups[0])", as: c.centreId), .notFound, "groupe")
            Self.refused(try await h.call(.patch, g0Path, #"{"nom":"Intrus"}"#, as: autre.centreId), .forbidden, "périmètre")
            let after = try await groupes()
            #expect(after[g0]?.membres == before[g0]?.membres && after[g0]?.nom == before[g0]?.nom && after[g2] != nil,
                    "the refusals changed nothing")

            // e2, free once their group is dissolved, replaces e0 and the group is renamed: the lot is theirs.
            #expect(try await h.call(.delete, "\(c.path)/groupes/\(g2)", as: c.centreId).status == .noContent)
            #expect(try await h.call(.patch, g0Path, #"{"nom":"Salle des remplaçants","membres":["\#(e1)","\#(e2)"]}"#,
                                     as: c.centreId).status == .noContent)
            let renamed = try await groupes()[g0]
            #expect(renamed?.nom == "Salle des remplaçants" && renamed?.membres == [e1, e2] && renamed?.candidats == 5)
            struct Lots: Decodable { var items: [L]; struct L: Decodable { var groupeId: UUID; var fiches: [F] }; struct F: Decodable { var id: UUID } }
            let lots = try await h.decode(Lots.self, .get, "/api/correction/mes-lots", as: c.examiners[2]).items
            #expect(Set(lots.first { $0.groupeId == g0 }?.fiches.map(\.id) ?? []) == Set(c.fiches), "the lot is the replacement's")
            #expect(try await h.decode(Lots.self, .get, "/api/correction/mes-lots", as: c.examiners[0]).items.allSatisfy { $0.groupeId != g0 })
            // A name already taken is refused.
            #expect(try await h.call(.post, "\(c.path)/groupes", #"{"nom":"Salle 9","membres":["\#(e0)"]}"#, as: c.centreId).status == .created)
            Self.refused(try await h.call(.patch, g0Path, #"{"nom":"Salle 9"}"#, as: c.centreId), .conflict, "porte déjà ce nom")

            // A locked lot changes only once unlocked.
            for fiche in c.fiches { try await Self.absent(h, fiche, as: c.examiners[1]) }
            #expect(try await h.call(.post, "/api/correction/groupes/\(g0)/verrouillage", as: c.centreId).status == .ok)
            Self.refused(try await h.call(.patch, g0Path, #"{"nom":"Verrouillé"}"#, as: c.centreId), .conflict, "déverrouillez")
            let journal = String(buffer: try await h.call(.get, "\(c.path)/audit", as: c.centreId).body)
            #expect(journal.contains("groupe.modifie") && journal.contains("groupe.dissous"))
        }
    }

    /// A locked lot is unlocked by the centre or a convoked coordinator of the exam (the référent and
    /// the gestionnaire too: see the next test), never by its examiner, and always with a reason.
    @Test func unlockingNeedsAReasonAndTheCentreOrACoordinator() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 1, coordinator: true)
            let examiner = c.examiners[0], lot = c.groups[0]
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move(c.fiches, to: lot), as: c.centreId).status == .ok)
            try await Self.absent(h, c.fiches[0], as: examiner)
            let unlock = "/api/correction/groupes/\(lot)/deverrouillage"
            Self.refused(try await h.call(.post, unlock, #"{"motif":"Erreur"}"#, as: c.centreId), .conflict, "lot not locked")
            #expect(try await h.call(.post, "/api/correction/groupes/\(lot)/verrouillage", as: examiner).status == .ok)

            Self.refused(try await h.call(.post, unlock, #"{"motif":"Erreur"}"#, as: examiner), .forbidden, "role")
            Self.refused(try await h.call(.post, unlock, #"{"motif":"   "}"#, as: c.centreId), .unprocessableContent, "reason required")
            #expect(try await h.call(.post, unlock, "{}", as: c.centreId).status == .badRequest, "no reason at all")
            let otherCentre = Identity(userId: UUID(), login: "c", role: .centre, scope: .etablissement("0250058C"))
            #expect(try await h.call(.post, unlock, #"{"motif":"Erreur"}"#, as: otherCentre).status == .notFound)
            let stranger = Identity(userId: UUID(), login: "coord.sans.convocation", role: .coordinateur, scope: .academie("03"))
            #expect(try await h.call(.post, unlock, #"{"motif":"Erreur"}"#, as: stranger).status == .notFound,
                    "a coordinator without a convocation on the exam")

            // Allowed: the coordinator, then (relocked) the centre; each unlock audited with its reason.
            #expect(try await h.call(.post, unlock, #"{"motif":"Absence à revoir"}"#, as: c.coordinator!).status == .noContent)
            #expect(try await h.call(.post, "/api/correction/groupes/\(lot)/verrouillage", as: examiner).status == .ok)
            #expect(try await h.call(.post, unlock, #"{"motif":"Copie mal saisie"}"#, as: c.centreId).status == .noContent)
            try await withServiceDatabase(HealthTests.configuration("correction", 8084), migrations: []) { client, schema, _ in
                let motifs = try await client.query("""
                    SELECT motif FROM \(unescaped: schema.name).audit WHERE action = 'lot.deverrouille' AND groupe_id = \(lot) ORDER BY id
                    """).collect().map { try $0.decode(String.self) }
                #expect(motifs == ["Absence à revoir", "Copie mal saisie"])
            }
        }
    }

    /// « Suivre la correction »: the centre, its référent, a coordinator convoked for the exam and
    /// the académie's gestionnaire lock a complete lot on behalf of its examiner and unlock it with a
    /// reason, and the commission's audit names each of them. Outside their perimeter (another
    /// centre, another académie, a coordinator without a convocation, the examiner of another lot)
    /// the lot stays as it was; an incomplete lot stays open whoever asks.
    @Test func theCorrectionsFollowersLockForTheExaminerAndUnlockWithAReason() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 2, examiners: 2, coordinator: true)
            let lot = c.groups[0], lock = "/api/correction/groupes/\(c.groups[0])/verrouillage"
            let unlock = "/api/correction/groupes/\(c.groups[0])/deverrouillage"
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move([c.fiches[0]], to: lot), as: c.centreId).status == .ok)
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move([c.fiches[1]], to: c.groups[1]), as: c.centreId).status == .ok)
            Self.refused(try await h.call(.post, lock, as: c.centreId), .conflict, c.numeros[0])
            try await Self.absent(h, c.fiches[0], as: c.examiners[0])

            let referent = Identity(userId: UUID(), login: "ref.\(c.centre)", role: .referent, scope: .etablissement(c.centre))
            let outside: [(String, Identity)] = [
                ("another centre", Identity(userId: UUID(), login: "c", role: .centre, scope: .etablissement("0250058C"))),
                ("another académie's gestionnaire", Identity(userId: UUID(), login: "gest.01", role: .gestionnaire, scope: .academie("01"))),
                ("a coordinator without a convocation", Identity(userId: UUID(), login: "coord.sans", role: .coordinateur, scope: .academie("03"))),
                ("the examiner of another lot", c.examiners[1]),
            ]
            for (who, caller) in outside {
                #expect(try await h.call(.post, lock, as: caller).status == .notFound, "\(who) locks")
            }
            let followers = [("centre", c.centreId), ("référent", referent), ("coordinateur", c.coordinator!), ("gestionnaire", Self.besancon)]
            for (who, caller) in followers {
                #expect(try await h.call(.post, lock, as: caller).status == .ok, "\(who) locks (the outside callers did not)")
                if who == "centre" {
                    for (who, caller) in outside {
                        let response = try await h.call(.post, unlock, #"{"motif":"Intrus"}"#, as: caller)
                        #expect([.notFound, .forbidden].contains(response.status), "\(who) unlocks: \(response.status)")
                    }
                }
                Self.refused(try await h.call(.post, unlock, #"{"motif":" "}"#, as: caller), .unprocessableContent, "motif")
                #expect(try await h.call(.post, unlock, #"{"motif":"Relecture (\#(who))"}"#, as: caller).status == .noContent, "\(who) unlocks")
            }

            struct Journal: Decodable {
                var items: [Entree]
                struct Entree: Decodable { var acteur: String; var action: String; var motif: String?; var lot: String? }
            }
            let journal = try await h.decode(Journal.self, .get, "\(c.path)/audit", as: referent).items.filter { $0.action.hasPrefix("lot.") }
            #expect(journal.reversed().map { "\($0.action) \($0.acteur) \($0.motif ?? "")" } == followers.flatMap { who, caller in
                ["lot.verrouille \(caller.login) ", "lot.deverrouille \(caller.login) Relecture (\(who))"]
            })
            #expect(journal.allSatisfy { $0.lot == "Salle 1" })
            #expect(try await h.call(.get, "\(c.path)/audit", as: outside[0].1).status == .forbidden)
        }
    }

    /// A closed exam is reopened by the académie's gestionnaire, with a reason; re-closed, its
    /// grades replace the first ones in Cyclades (which keeps those).
    @Test func reopeningNeedsTheGestionnaireAndAReasonAndReClosingReplacesTheGrades() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 1)
            let examiner = c.examiners[0], lot = c.groups[0]
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move(c.fiches, to: lot), as: c.centreId).status == .ok)
            try await Self.absent(h, c.fiches[0], as: examiner)
            #expect(try await h.call(.post, "/api/correction/groupes/\(lot)/verrouillage", as: examiner).status == .ok)
            let reopen = "\(c.path)/reouverture"
            Self.refused(try await h.call(.post, reopen, #"{"motif":"Erreur"}"#, as: c.besancon), .conflict, "not closed")
            #expect(try await h.call(.post, "\(c.path)/cloture", as: c.centreId).status == .ok)
            Self.refused(try await h.call(.post, "\(c.path)/cloture", as: c.centreId), .conflict, "closed")
            let candidat = try #require(c.candidatIds[c.numeros[0]])
            try await Self.cyclades(candidat) { $0?.resultat == "absent_injustifie" }

            Self.refused(try await h.call(.post, reopen, #"{"motif":"Erreur"}"#, as: c.centreId), .forbidden, "role")
            Self.refused(try await h.call(.post, reopen, #"{"motif":" "}"#, as: c.besancon), .unprocessableContent, "reason required")
            let paris = Identity(userId: UUID(), login: "gest.01", role: .gestionnaire, scope: .academie("01"))
            #expect(try await h.call(.post, reopen, #"{"motif":"Erreur"}"#, as: paris).status == .forbidden)
            #expect(try await h.call(.post, reopen, #"{"motif":"Absence justifiée après coup"}"#, as: c.besancon).status == .noContent)

            // Re-closing: the centre unlocks, the examiner changes the result, locks, the centre closes again.
            #expect(try await h.call(.post, "/api/correction/groupes/\(lot)/deverrouillage", #"{"motif":"Certificat reçu"}"#,
                                     as: c.centreId).status == .noContent)
            try await Self.absent(h, c.fiches[0], "justifiee", as: examiner)
            #expect(try await h.call(.post, "/api/correction/groupes/\(lot)/verrouillage", as: examiner).status == .ok)
            #expect(try await h.call(.post, "\(c.path)/cloture", as: c.centreId).status == .ok)
            try await Self.cyclades(candidat) { $0?.resultat == "absent_justifie" && $0?.remplacees == 1 }
        }
    }

    /// A lot is locked only once every candidate in it is graded or absent: a draft or an
    /// untouched sheet keeps it open, and the refusal names them.
    @Test func aPartlyGradedLotIsRefusedTheLock() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 3)
            let examiner = c.examiners[0], lot = c.groups[0]
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move(c.fiches, to: lot), as: c.centreId).status == .ok)
            try await Self.grade(h, c.fiches[0], as: examiner)
            let drawn = try await h.decode(CorrectionTests.Fiche.self, .post, "/api/correction/fiches/\(c.fiches[1])/tirage",
                                           #"{"version":0}"#, as: examiner)
            let draft = try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(c.fiches[1])",
                                           #"{"version":\#(drawn.version),\#(Self.grid)}"#, as: examiner)
            #expect(draft.statut == "brouillon")
            let lock = "/api/correction/groupes/\(lot)/verrouillage"
            Self.refused(try await h.call(.post, lock, as: examiner), .conflict, "\(c.numeros[1]), \(c.numeros[2])")
            // Allowed once the draft is final and the last one absent.
            _ = try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(c.fiches[1])",
                                   #"{"version":\#(draft.version),\#(Self.grid),"finaliser":true}"#, as: examiner)
            try await Self.absent(h, c.fiches[2], as: examiner)
            #expect(try await h.call(.post, lock, as: examiner).status == .ok)
        }
    }

    /// A grade is final only once every criterion is evaluated: finalising a grid without one is
    /// refused, naming it, and saves nothing; the same grid is kept as a draft.
    @Test func anIncompleteGridIsNeverFinal() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 1)
            let examiner = c.examiners[0], sheet = "/api/correction/fiches/\(c.fiches[0])"
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            let drawn = try await h.decode(CorrectionTests.Fiche.self, .post, "\(sheet)/tirage", #"{"version":0}"#, as: examiner)
            let partial = #""grille":{"evaluations":[{"code":"APP","evaluation":{"type":"niveau","niveau":"A"}},{"code":"REA","evaluation":{"type":"niveau","niveau":"A"}}],"appels":[],"aides":[],"commentaires":{}}"#
            Self.refused(try await h.call(.put, sheet, #"{"version":\#(drawn.version),\#(partial),"finaliser":true}"#, as: examiner),
                         .unprocessableContent, "VAL")
            let unchanged = try await h.decode(CorrectionTests.Fiche.self, .get, sheet, as: examiner)
            #expect(unchanged.version == drawn.version && unchanged.noteFinale == nil, "the refusal saved nothing")
            let draft = try await h.decode(CorrectionTests.Fiche.self, .put, sheet, #"{"version":\#(drawn.version),\#(partial)}"#,
                                           as: examiner)
            #expect(draft.statut == "brouillon" && draft.noteFinale == nil && draft.noteSuggeree == nil)
        }
    }

    /// The examiner chooses a subject only where the centre allows the choice; elsewhere the
    /// server draws.
    @Test func noChoiceWhereTheCentreDoesNotAllowIt() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 1)
            let examiner = c.examiners[0], sheet = "/api/correction/fiches/\(c.fiches[0])"
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            Self.refused(try await h.call(.post, "\(sheet)/sujet", #"{"version":0,"sujetId":"\#(c.sujets[0])"}"#, as: examiner),
                         .conflict, "does not allow choosing")
            let untouched = try await h.decode(CorrectionTests.Fiche.self, .get, sheet, as: examiner)
            #expect(untouched.sujet == nil && untouched.version == 0)
            let drawn = try await h.decode(CorrectionTests.Fiche.self, .post, "\(sheet)/tirage", #"{"version":0}"#, as: examiner)
            #expect(drawn.sujet.map { c.sujets[0...3].contains($0.id) } == true, "drawn among the slot's subjects")
        }
    }

    /// A withdrawn subject is never offered in a slot, even one the centre had seen published.
    @Test func aWithdrawnSubjectIsNeverOfferedInASlot() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 1)
            let withdrawn = EventEnvelope(producer: "referentiel", correlationId: "retrait",
                                          payload: SujetWithdrawn(sujetId: c.sujets[4], epreuve: "T011B", session: Self.session))
            try await MissionsTests.publish(publisher, withdrawn)
            try await Processed.inbox(of: "correction", [withdrawn.id])
            let slot = Self.slot("apres-midi", c.sujets[0], c.sujets[4], c.sujets[2], c.sujets[3])
            Self.refused(try await h.call(.post, "\(c.path)/creneaux", slot, as: c.centreId), .unprocessableContent, "withdrawn subject")
            // The same slot with a physics subject still offered (a set other than the morning's).
            #expect(try await h.call(.post, "\(c.path)/creneaux", Self.slot("apres-midi", c.sujets[0], c.sujets[5], c.sujets[2], c.sujets[3]),
                                     as: c.centreId).status == .created)
        }
    }

    /// A lot unlocked again blocks the closing, although every sheet in it is graded, until it is
    /// locked again.
    @Test func anUnlockedLotBlocksTheClosing() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 1)
            let examiner = c.examiners[0], lot = "/api/correction/groupes/\(c.groups[0])"
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            try await Self.grade(h, c.fiches[0], as: examiner)
            #expect(try await h.call(.post, "\(lot)/verrouillage", as: examiner).status == .ok)
            #expect(try await h.call(.post, "\(lot)/deverrouillage", #"{"motif":"Relecture"}"#, as: c.centreId).status == .noContent)
            Self.refused(try await h.call(.post, "\(c.path)/cloture", as: c.centreId), .conflict, c.numeros[0])
            #expect(try await h.call(.post, "\(lot)/verrouillage", as: examiner).status == .ok)
            #expect(try await h.call(.post, "\(c.path)/cloture", as: c.centreId).status == .ok)
        }
    }

    /// The centre closes only when every candidate is in a locked lot: one left undistributed
    /// blocks it, named.
    @Test func closingIsBlockedByAnUndistributedCandidate() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 2)
            let examiner = c.examiners[0], lot = c.groups[0]
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move([c.fiches[0]], to: lot), as: c.centreId).status == .ok)
            try await Self.grade(h, c.fiches[0], as: examiner)
            #expect(try await h.call(.post, "/api/correction/groupes/\(lot)/verrouillage", as: examiner).status == .ok)
            Self.refused(try await h.call(.post, "\(c.path)/cloture", as: c.centreId), .conflict, "outside a locked lot: \(c.numeros[1])")
            // Allowed once the candidate is distributed, graded and the lot locked again.
            #expect(try await h.call(.post, "/api/correction/groupes/\(lot)/deverrouillage", #"{"motif":"Un oubli"}"#,
                                     as: c.centreId).status == .noContent)
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move([c.fiches[1]], to: lot), as: c.centreId).status == .ok)
            try await Self.absent(h, c.fiches[1], as: examiner)
            #expect(try await h.call(.post, "/api/correction/groupes/\(lot)/verrouillage", as: examiner).status == .ok)
            let closed = try await h.decode(CorrectionTests.Cloture.self, .post, "\(c.path)/cloture", as: c.centreId)
            #expect(closed.notes == 1 && closed.absents == 1)
        }
    }

    /// Where the centre lets examiners choose the subject, a slot whose subjects are not all out
    /// of embargo offers no choice yet (nor a subject outside the slot).
    @Test func choosingASubjectUnderEmbargoIsRefused() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 1)
            let examiner = c.examiners[0], fiche = c.fiches[0]
            let embargoed = try await h.decode(CorrectionTests.Created.self, .post, "\(c.path)/creneaux",
                                               Self.slot("apres-midi", c.sujets[0], c.sujets[5], c.sujets[2], c.sujets[3], choix: true),
                                               as: c.centreId, expect: .created).id
            let open = try await h.decode(CorrectionTests.Created.self, .post, "\(c.path)/creneaux",
                                          Self.slot("matin", c.sujets[0], c.sujets[4], c.sujets[2], c.sujets[3], jour: "2099-06-03", choix: true),
                                          as: c.centreId, expect: .created).id
            #expect(try await h.call(.post, "\(c.path)/creneaux/\(embargoed)/candidats", Self.fiches([fiche]), as: c.centreId).status == .ok)
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move([fiche], to: c.groups[0]), as: c.centreId).status == .ok)
            let choose = "/api/correction/fiches/\(fiche)/sujet"
            Self.refused(try await h.call(.post, choose, #"{"version":0,"sujetId":"\#(c.sujets[0])"}"#, as: examiner), .conflict, "embargo")
            Self.refused(try await h.call(.post, choose, #"{"version":0,"sujetId":"\#(c.sujets[5])"}"#, as: examiner), .conflict, "embargo")

            // Allowed in a slot whose subjects are all visible, among them only.
            #expect(try await h.call(.post, "\(c.path)/creneaux/\(open)/candidats", Self.fiches([fiche]), as: c.centreId).status == .ok)
            Self.refused(try await h.call(.post, choose, #"{"version":0,"sujetId":"\#(c.sujets[1])"}"#, as: examiner),
                         .unprocessableContent, "not offered in this slot")
            // A subject withdrawn by the DSII after the slot was made is no longer offered there.
            let retrait = EventEnvelope(producer: "referentiel", correlationId: "retrait",
                                        payload: SujetWithdrawn(sujetId: c.sujets[2], epreuve: "T011B", session: Self.session))
            try await MissionsTests.publish(publisher, retrait)
            try await Processed.inbox(of: "correction", [retrait.id])
            Self.refused(try await h.call(.post, choose, #"{"version":0,"sujetId":"\#(c.sujets[2])"}"#, as: examiner),
                         .unprocessableContent, "not offered")
            let chosen = try await h.decode(CorrectionTests.Fiche.self, .post, choose, #"{"version":0,"sujetId":"\#(c.sujets[4])"}"#,
                                            as: examiner)
            #expect(chosen.sujet?.id == c.sujets[4] && chosen.bareme == CorrectionTests.bareme)
        }
    }

    /// An override replaces a final mark only: within 0–20 (0 to 40 half points), never on a
    /// draft nor on an absence, always with its reason.
    @Test func anOverrideStaysWithin0To20AndOnlyOnAFinalGrade() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 2)
            let examiner = c.examiners[0]
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            let sheet = "/api/correction/fiches/\(c.fiches[0])"
            let drawn = try await h.decode(CorrectionTests.Fiche.self, .post, "\(sheet)/tirage", #"{"version":0}"#, as: examiner)
            let v = drawn.version
            for outside in [41, -1, 100] {
                Self.refused(try await h.call(.put, sheet, #"{"version":\#(v),\#(Self.grid),"finaliser":true,"noteFinale":\#(outside),"motifAjustement":"Hors barème"}"#,
                                              as: examiner), .unprocessableContent, "0 to 40 half points")
            }
            Self.refused(try await h.call(.put, sheet, #"{"version":\#(v),\#(Self.grid),"noteFinale":30,"motifAjustement":"Brouillon"}"#, as: examiner),
                         .unprocessableContent, "a draft has no mark")
            Self.refused(try await h.call(.put, sheet, #"{"version":\#(v),"absence":"injustifiee","noteFinale":0,"motifAjustement":"Absent"}"#,
                                          as: examiner), .unprocessableContent, "no mark for an absentee")
            Self.refused(try await h.call(.put, sheet, #"{"version":\#(v),\#(Self.grid),"finaliser":true,"noteFinale":40}"#, as: examiner),
                         .unprocessableContent, "a reason is required")
            let unchanged = try await h.decode(CorrectionTests.Fiche.self, .get, sheet, as: examiner)
            #expect(unchanged.version == v && unchanged.statut == "a_noter", "the refusals saved nothing")

            // Allowed: 20/20 and 0/20, each with its reason.
            let top = try await h.decode(CorrectionTests.Fiche.self, .put, sheet,
                                         #"{"version":\#(v),\#(Self.grid),"finaliser":true,"noteFinale":40,"motifAjustement":"Excellent"}"#, as: examiner)
            #expect(top.noteSuggeree == 37 && top.noteFinale == 40 && top.statut == "notee")
            let other = try await h.decode(CorrectionTests.Fiche.self, .post, "/api/correction/fiches/\(c.fiches[1])/tirage",
                                           #"{"version":0}"#, as: examiner)
            let bottom = try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(c.fiches[1])",
                                            #"{"version":\#(other.version),\#(Self.grid),"finaliser":true,"noteFinale":0,"motifAjustement":"Fraude"}"#,
                                            as: examiner)
            #expect(bottom.noteFinale == 0 && bottom.statut == "notee")
        }
    }

    /// An absence is justified or not, and reaches Cyclades as such: a justified one is no mark
    /// (a substitution test or an exemption follows), an unjustified one counts 0.
    @Test func justifiedAndUnjustifiedAbsencesReachCycladesApart() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 2)
            let examiner = c.examiners[0]
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            #expect(try await h.call(.put, "/api/correction/fiches/\(c.fiches[0])", #"{"version":0,"absence":"excusee"}"#, as: examiner)
                .status == .badRequest, "an absence is justifiee or injustifiee")
            #expect(try await Self.absent(h, c.fiches[0], "justifiee", as: examiner).statut == "absent")
            #expect(try await Self.absent(h, c.fiches[1], "injustifiee", as: examiner).statut == "absent")
            #expect(try await h.call(.post, "/api/correction/groupes/\(c.groups[0])/verrouillage", as: examiner).status == .ok)
            let closed = try await h.decode(CorrectionTests.Cloture.self, .post, "\(c.path)/cloture", as: c.centreId)
            #expect(closed.notes == 0 && closed.absents == 2)
            let (justified, unjustified) = (try #require(c.candidatIds[c.numeros[0]]), try #require(c.candidatIds[c.numeros[1]]))
            try await withServiceDatabase(HealthTests.configuration("inscriptions", 8081), migrations: []) { client, schema, logger in
                let repository = InscriptionsRepository(client: client, schema: schema, logger: logger)
                try await waitUntil { try await repository.note(candidat: unjustified, epreuve: "T011B") != nil }
                let a = try await repository.note(candidat: justified, epreuve: "T011B")
                let b = try await repository.note(candidat: unjustified, epreuve: "T011B")
                #expect(a?.resultat == "absent_justifie" && a?.demiPoints == nil, "\(String(describing: a))")
                #expect(b?.resultat == "absent_injustifie", "\(String(describing: b))")
                // An unjustified absence counts 0 (NoteRetenue).
                #expect(b?.demiPoints == 0, "\(String(describing: b))")
            }
        }
    }

    /// Coordinators are paid their flat fee from the real closing of a centre they coordinate.
    @Test func coordinatorsArePaidByARealClosing() async throws {
        try await Self.withPlatform { h, publisher in
            let c = try await Self.commission(h, publisher, candidats: 1, coordinator: true)
            let examiner = c.examiners[0]
            #expect(try await h.call(.post, "\(c.path)/distribution", Self.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            try await Self.grade(h, c.fiches[0], as: examiner)
            #expect(try await h.call(.post, "/api/correction/groupes/\(c.groups[0])/verrouillage", as: examiner).status == .ok)
            let closed = try await h.decode(CorrectionTests.Cloture.self, .post, "\(c.path)/cloture", as: c.centreId)
            #expect(closed.notes == 1)
            // The closing processed by Imag'In (its inbox), then what it pays.
            let closings = try await Processed.outbox(of: "correction", where: "event_type = 'epreuve.closed' AND body ILIKE '%\(c.centre)%'")
            try await Processed.inbox(of: "missions", closings)
            struct Services: Decodable { var items: [Ligne]; struct Ligne: Decodable { var intervenantId: UUID; var montantCentimes: Int } }
            let services = try await h.decode(Services.self, .get, "/api/missions/sessions/\(Self.session)/services-faits?centre=\(c.centre)",
                                              as: Self.besancon).items
            #expect(services.first { $0.intervenantId == examiner.userId }?.montantCentimes == 500)
            #expect(services.first { $0.intervenantId == c.coordinator!.userId }?.montantCentimes == 15_000)
        }
    }

    // MARK: Cyclades' rules

    /// Harness.call on Cyclades' session routes.
    static func call(_ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ json: String? = nil,
                     as identity: Identity) async throws -> TestResponse {
        try await H(client: client).call(method, "/api/inscriptions/sessions/\(session)/\(path)", json, as: identity)
    }

    static func candidates(_ prefix: String, _ count: Int, uai: String, epreuve: String = "T011B") -> String {
        (["numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"]
            + (1...count).map { "\(prefix)\($0);\(nom($0));Léa;01/01/2008;scolaire;\(uai);T2;BCG;\(epreuve)" }).joined(separator: "\n")
    }

    /// A valid UAI nobody else uses (its check letter computed as Cyclades does).
    static func uai() -> String {
        let n = 3_000_000 + Int.random(in: 0..<999_999)
        return String(format: "%07d", n) + String(Array("ABCDEFGHJKLMNPRSTUVWXYZ")[n % 23])
    }

    /// The gestionnaire takes back an exam delegated to a school: the school may no longer assign
    /// its pupils for it (nor list them); only the gestionnaire revokes.
    @Test func revokingADelegationTakesTheSchoolsAssignmentsBack() async throws {
        let centre = try await CorrectionTests.makeCentre()
        let p = "V\(UUID().uuidString.prefix(6))"
        let school = Identity(userId: UUID(), login: "etab", role: .etablissement, scope: .etablissement("0250058C"))
        try await InscriptionsTests.withPlatform { client in
            #expect(try await InscriptionsTests.upload(client, Self.candidates(p, 2, uai: "0250058C")).status == .ok)
            let delegation = "delegations/T011B/0250058C"
            _ = try await Self.call(client, .delete, delegation, as: Self.besancon)  // an earlier run's
            #expect(try await Self.call(client, .post, "delegations", #"{"epreuve":"T011B","uai":"0250058C"}"#, as: Self.besancon)
                .status == .created)
            #expect(try await Self.call(client, .post, "affectations", InscriptionsTests.assignment("\(p)1", "T011B", centre), as: school)
                .status == .ok)

            Self.refused(try await Self.call(client, .delete, delegation, as: school), .forbidden, "role")
            #expect(try await Self.call(client, .delete, delegation, as: Self.besancon).status == .noContent)
            #expect(try await Self.call(client, .delete, delegation, as: Self.besancon).status == .notFound, "nothing left to revoke")
            Self.refused(try await Self.call(client, .post, "affectations", InscriptionsTests.assignment("\(p)2", "T011B", centre), as: school),
                         .unprocessableContent, "not delegated")
            #expect(try await Self.call(client, .get, "candidats?epreuve=T011B", as: school).status == .forbidden)
            // Allowed: the gestionnaire still assigns.
            #expect(try await Self.call(client, .post, "affectations", InscriptionsTests.assignment("\(p)2", "T011B", centre),
                                        as: Self.besancon).status == .ok)
        }
    }

    /// The special cases are the gestionnaire's even for an exam delegated to the pupil's school:
    /// here a pupil of a non-autonomous school.
    @Test func aSchoolIsRefusedItsOwnSpecialCasePupil() async throws {
        let centre = try await CorrectionTests.makeCentre()
        let p = "X\(UUID().uuidString.prefix(6))"
        let school = Identity(userId: UUID(), login: "etab", role: .etablissement, scope: .etablissement("0390786T"))
        try await InscriptionsTests.withPlatform { client in
            #expect(try await InscriptionsTests.upload(client, Self.candidates(p, 1, uai: "0390786T")).status == .ok)
            #expect(try await Self.call(client, .post, "delegations", #"{"epreuve":"T011B","uai":"0390786T"}"#, as: Self.besancon)
                .status == .created)
            Self.refused(try await Self.call(client, .post, "affectations", InscriptionsTests.assignment("\(p)1", "T011B", centre), as: school),
                         .unprocessableContent, "non-autonomous school")
            struct Items: Decodable { var items: [Item]; struct Item: Decodable { var numero: String } }
            let suggested = try await Self.call(client, .get, "affectations/suggestions?epreuve=T011B", as: school)
            #expect(suggested.status == .ok)
            #expect(try !JSONDecoder().decode(Items.self, from: suggested.body).items.contains { $0.numero.hasPrefix(p) },
                    "nothing suggested to the school for it either")
            #expect(try await Self.call(client, .post, "affectations", InscriptionsTests.assignment("\(p)1", "T011B", centre),
                                        as: Self.besancon).status == .ok)
        }
    }

    /// A centre takes no more candidates than its capacity (per half-day × half-days), and the
    /// suggestion is the nearest centre that still has room. In an académie of its own, so that
    /// no other centre is nearer.
    @Test func aFullCentreIsRefusedAndTheSuggestionIsTheNearestCentreWithRoom() async throws {
        let academie = "Z\(UUID().uuidString.prefix(4))"
        let (origine, proche, loin) = (Self.uai(), Self.uai(), Self.uai())
        try await withServiceDatabase(HealthTests.configuration("inscriptions", 8081), migrations: inscriptionsMigrations) { client, schema, logger in
            try await DemoReferenceData.seed(client: client, schema: schema, logger: logger)
            let s = schema.name
            try await client.query("INSERT INTO \(unescaped: s).academies VALUES (\(academie), 'Test')", logger: logger)
            for (uai, lat) in [(origine, 47.0), (proche, 47.01), (loin, 47.5)] {
                try await client.query("""
                    INSERT INTO \(unescaped: s).etablissements VALUES (\(uai), 'Lycée de test', \(academie), 'Test', true, \(lat), 6.0)
                    """, logger: logger)
            }
            // The near centre: one place (1 per half-day × 1 half-day); the far one: six.
            for (uai, capacite, demi) in [(proche, 1, 1), (loin, 3, 2)] {
                try await client.query("""
                    INSERT INTO \(unescaped: s).centres (uai, capacite_demi_journee, demi_journees) VALUES (\(uai), \(capacite), \(demi))
                    """, logger: logger)
                try await client.query("INSERT INTO \(unescaped: s).centre_epreuves VALUES (\(uai), 'T011B')", logger: logger)
            }
        }
        let gestionnaire = Identity(userId: UUID(), login: "gest.z", role: .gestionnaire, scope: .academie(academie))
        let p = "N\(UUID().uuidString.prefix(6))"
        try await InscriptionsTests.withPlatform { client in
            #expect(try await InscriptionsTests.upload(client, Self.candidates(p, 3, uai: origine), as: gestionnaire).status == .ok)
            struct Items: Decodable { var items: [Item]; struct Item: Decodable { var numero: String; var centre: String? } }
            func suggestions() async throws -> [String: String?] {
                let response = try await Self.call(client, .get, "affectations/suggestions?epreuve=T011B", as: gestionnaire)
                #expect(response.status == .ok)
                return Dictionary(uniqueKeysWithValues: try JSONDecoder().decode(Items.self, from: response.body).items.map { ($0.numero, $0.centre) })
            }
            // The nearest with room for the first; the near centre is then full for the others.
            #expect(try await suggestions() == ["\(p)1": proche, "\(p)2": loin, "\(p)3": loin])
            #expect(try await Self.call(client, .post, "affectations", InscriptionsTests.assignment("\(p)1", "T011B", proche),
                                        as: gestionnaire).status == .ok)
            Self.refused(try await Self.call(client, .post, "affectations", InscriptionsTests.assignment("\(p)2", "T011B", proche),
                                             as: gestionnaire), .unprocessableContent, "centre full")
            #expect(try await suggestions() == ["\(p)2": loin, "\(p)3": loin])
            #expect(try await Self.call(client, .post, "affectations", InscriptionsTests.assignment("\(p)2", "T011B", loin),
                                        as: gestionnaire).status == .ok)
            // Re-assigning the one already there needs no room.
            #expect(try await Self.call(client, .post, "affectations", InscriptionsTests.assignment("\(p)1", "T011B", proche),
                                        as: gestionnaire).status == .ok)
        }
    }

    // MARK: Imag'In's rules

    /// A mission keeps the regulation version it was opened under: a later regulation (another
    /// amount) neither moves it on refresh nor prices its services faits; missions opened after
    /// it take the new one. On a session no other test uses.
    @Test func aMissionKeepsItsRegulationVersion() async throws {
        let annee = 2096
        let academie = "R\(UUID().uuidString.prefix(5))"
        let gestionnaire = Identity(userId: UUID(), login: "gest", role: .gestionnaire, scope: .academie(academie))
        let dsii = Identity(userId: UUID(), login: "dsii", role: .dsii, scope: .national)
        let prof = Intervenant(id: UUID(), login: "\(academie.lowercased()).prof", nom: "Nom", prenom: "Prénom", email: nil,
                               uai: "0250007X", divisions: ["T1"])
        let publisher = AMQPPublisher(configuration: try AMQPConfiguration(url: LocalInfrastructure.amqpURL), appId: "inscriptions",
                                      logger: Logger(label: "test"))
        let running = Running(publisher)
        struct Refreshed: Decodable { var version: Int; var nouvelleVersion: Bool }
        struct Missions: Decodable { var items: [Detail]; struct Detail: Decodable { var mission: Mission }
                                     struct Mission: Decodable { var id: UUID; var centre: String?; var reglementationVersion: Int } }
        struct Services: Decodable { var items: [Ligne]; struct Ligne: Decodable { var intervenantId: UUID; var montantCentimes: Int } }
        @Sendable func export(_ centre: String, _ version: Int64) -> IntervenantsExported {
            IntervenantsExported(session: annee, academie: academie, epreuve: "T011B", role: .examinateur, centreUAI: centre,
                                 exportVersion: version, intervenants: [prof])
        }
        let seven = """
            {"typesMission":[{"code":"ECE-EXAMINATEUR","libelle":"Examinateur","kind":"examinateur","remuneration":"ECE-PAR-CANDIDAT"},
                             {"code":"ECE-COORDINATEUR","libelle":"Coordinateur","kind":"coordinateur","remuneration":"ECE-FORFAIT-COORDINATION"}],
             "typesRemuneration":[{"code":"ECE-PAR-CANDIDAT","libelle":"Vacation","mode":"par_candidat","montantCentimes":700,"missions":["examinateur"]},
                                  {"code":"ECE-FORFAIT-COORDINATION","libelle":"Forfait","mode":"forfait","montantCentimes":15000,"missions":["coordinateur"]}]}
            """
        try await MissionsTests.withPlatform { client in
            let s = "sessions/\(annee)"
            func decode<T: Decodable>(_ type: T.Type, _ response: TestResponse) throws -> T {
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                return try JSONDecoder().decode(T.self, from: response.body)
            }
            func missions() async throws -> [Missions.Detail] {
                try decode(Missions.self, try await MissionsTests.call(client, .get, "\(s)/missions", as: gestionnaire)).items
            }
            // The national regulation (5 € per candidate), the mission opened under it.
            let first = try decode(Refreshed.self, try await MissionsTests.call(client, .post, "\(s)/reglementation", as: dsii))
            #expect(try await MissionsTests.call(client, .put, "\(s)/parametres", #"{"dateDebut":"2096-06-01","dateFin":"2096-06-12"}"#,
                                                 as: gestionnaire).status == .ok)
            try await waitUntil { publisher.isConnected }
            _ = try await MissionsTests.publish(publisher, export("0251080N", 1), producer: "inscriptions")
            try await waitUntil {
                _ = try await MissionsTests.call(client, .post, "\(s)/ouverture", as: gestionnaire)
                return try await missions().count == 1
            }
            let opened = try #require(try await missions().first)
            #expect(opened.mission.reglementationVersion == first.version)

            // The DSII loads another regulation (7 € per candidate); the gestionnaire refreshes and reopens.
            let second = try decode(Refreshed.self, try await MissionsTests.call(client, .post, "\(s)/reglementation", seven, as: dsii))
            #expect(second.nouvelleVersion && second.version > first.version)
            #expect(try decode(Refreshed.self, try await MissionsTests.call(client, .post, "\(s)/reglementation", as: gestionnaire)).version
                    == second.version)
            #expect(try await MissionsTests.call(client, .put, "\(s)/parametres", #"{"dateDebut":"2096-06-01","dateFin":"2096-06-12"}"#,
                                                 as: gestionnaire).status == .ok)
            _ = try await MissionsTests.publish(publisher, export("0250058C", 2), producer: "inscriptions")
            try await waitUntil {
                _ = try await MissionsTests.call(client, .post, "\(s)/ouverture", as: gestionnaire)
                return try await missions().count == 2
            }
            let after = try await missions()
            #expect(after.first { $0.mission.id == opened.mission.id }?.mission.reglementationVersion == first.version, "kept")
            #expect(after.first { $0.mission.centre == "0250058C" }?.mission.reglementationVersion == second.version, "the new one")

            // Its services faits are priced by its own version: 4 × 5 €, not 4 × 7 €.
            #expect(try await MissionsTests.call(client, .post, "missions/\(opened.mission.id)/convocations",
                                                 #"{"intervenantId":"\#(prof.id)"}"#, as: gestionnaire).status == .created)
            let closure = EpreuveClosed(closureId: UUID(), session: annee, academie: academie, epreuve: "T011B", centreUAI: "0251080N",
                                        chunk: 1, chunks: 1, notes: [],
                                        servicesFaits: [ServiceFait(intervenantId: prof.id, missionId: nil, candidatsEvalues: 4)])
            _ = try await MissionsTests.publish(publisher, closure, producer: "correction")
            var paid: [Services.Ligne] = []
            try await waitUntil {
                paid = try decode(Services.self, try await MissionsTests.call(client, .get, "\(s)/services-faits", as: gestionnaire)).items
                return !paid.isEmpty
            }
            #expect(paid.map(\.montantCentimes) == [2000], "\(paid)")
        }
        await running.stop()
    }
}

extension RoadMapRuleTests.Commission {
    var besancon: Identity { RoadMapRuleTests.besancon }
}
