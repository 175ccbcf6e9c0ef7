import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Shared
import Testing
import TestSupport
@testable import Inscriptions

/// The directory of académies, schools and centres d'épreuve (issue 21 item 1), through the gateway
/// against the real database: kept by the national administrator and each académie's gestionnaire.
@Suite(.serialized) struct AnnuaireTests {
    static let admin = Identity(userId: UUID(), login: "admin.annuaire", role: .admin, scope: .national)
    static let besancon = InscriptionsTests.besancon

    static func request(_ client: some TestClientProtocol, _ method: HTTPRequest.Method, _ path: String, _ json: String? = nil,
                        as identity: Identity = besancon) async throws -> TestResponse {
        try await InscriptionsTests.request(client, method, path, json, as: identity)
    }

    static func importer(_ client: some TestClientProtocol, _ bytes: [UInt8], as identity: Identity = admin,
                         query: String = "") async throws -> TestResponse {
        try await client.execute(uri: "/api/inscriptions/etablissements/import\(query)", method: .post,
                                 headers: [.authorization: "Bearer \(try await TestKeys.token(identity))", .contentType: "text/csv"],
                                 body: ByteBuffer(bytes: bytes))
    }

    /// Fresh valid UAIs for one run, each with its check letter, away from the demo's: a block of
    /// consecutive numbers (one of 500 in the 1 million range), or one number (in the 3 millions).
    static func uais(_ count: Int) -> [String] {
        let base = count == 1 ? 3_000_000 + Int.random(in: 0..<1_000_000) : 1_000_000 + Int.random(in: 0..<500) * 2000
        return (base..<base + count).map { String(format: "%07d", $0) + String(UAI.letters[$0 % 23]) }
    }

    struct Rapport: Decodable { var lignes: Int; var crees: Int; var modifies: Int; var inchanges: Int; var encodage: String }
    struct Fiche: Decodable {
        var etablissement: Etablissement
        var centre: CentreDEpreuve?
    }
    struct Refus: Decodable { var errors: [Problem.FieldError]? }

    @Test func aDirectoryIsImportedOnceAndABrokenOneChangesNothing() async throws {
        let uais = Self.uais(2000)
        // Windows-1252, as exported by a spreadsheet: accents in one byte, decimal commas.
        var lines = ["uai;nom;commune;academie;autonome;latitude;longitude"]
        for (i, uai) in uais.enumerated() {
            lines.append("\(uai);Lycée n°\(i) « Édouard-Belin »;Besançon;\(i % 2 == 0 ? "03" : "01");\(i % 5 == 0 ? "non" : "oui");47,\(i % 1000);6,02")
        }
        let file = Array((lines.joined(separator: "\r\n") + "\r\n").data(using: .windowsCP1252)!)
        try await InscriptionsTests.withPlatform { client in
            let imported = try await Self.importer(client, file)
            #expect(imported.status == .ok, "\(String(buffer: imported.body).prefix(500))")
            let rapport = try JSONDecoder().decode(Rapport.self, from: imported.body)
            #expect(rapport.lignes == uais.count && rapport.crees == uais.count && rapport.encodage == "Windows-1252")
            let lu = try JSONDecoder().decode(Fiche.self, from: try await Self.request(client, .get, "etablissements/\(uais[0])").body)
            #expect(lu.etablissement == Etablissement(uai: uais[0], nom: "Lycée n°0 « Édouard-Belin »", commune: "Besançon",
                                                      academie: "03", autonome: false, latitude: 47.0, longitude: 6.02))
            #expect(lu.centre == nil)

            // Again: nothing changes. One line changed: one school updated.
            let again = try JSONDecoder().decode(Rapport.self, from: try await Self.importer(client, file).body)
            #expect(again.crees == 0 && again.modifies == 0 && again.inchanges == uais.count)
            let renamed = Array(("uai;nom;commune;academie;autonome\n\(uais[1]);Lycée renommé;Dole;01;oui\n").utf8)
            let update = try JSONDecoder().decode(Rapport.self, from: try await Self.importer(client, renamed).body)
            #expect(update.modifies == 1 && update.crees == 0)

            // A broken file: every error located, nothing recorded, not even its good lines.
            let nouveau = Self.uais(1)[0]
            let wrongLetter = String(uais[2].prefix(7)) + String(UAI.letters[(Int(uais[2].prefix(7))! + 1) % 23])
            let broken = """
                uai;nom;commune;academie;autonome;latitude;longitude
                \(nouveau);Lycée neuf;Vesoul;03;oui;;
                \(wrongLetter);Lycée;Vesoul;03;oui;;
                \(uais[3]);Lycée;Vesoul;99;peut-être;95;
                \(nouveau);Lycée bis;Vesoul;03;oui;47.1;
                ;;;;;;

                """
            let refused = try await Self.importer(client, Array(broken.utf8))
            #expect(refused.status == .unprocessableContent)
            let errors = Set((try JSONDecoder().decode(Refus.self, from: refused.body).errors ?? []).map { "\($0.line ?? 0):\($0.field)" })
            #expect(errors.isSuperset(of: ["3:uai", "4:academie", "4:autonome", "4:latitude", "5:uai", "5:longitude", "6:uai", "6:nom"]),
                    "\(errors.sorted())")
            #expect(try await Self.request(client, .get, "etablissements/\(nouveau)").status == .notFound, "nothing imported")
            // Partial on request: the good line only.
            let partial = try await Self.importer(client, Array(broken.utf8), query: "?partiel=true")
            #expect(try JSONDecoder().decode(Rapport.self, from: partial.body).crees == 1)
            #expect(try await Self.request(client, .get, "etablissements/\(nouveau)").status == .ok)
        }
    }

    @Test func aGestionnaireKeepsTheirAcademieOnly() async throws {
        let (ecole, autre) = (Self.uais(1)[0], Self.uais(1)[0])
        let examinateur = Identity(userId: UUID(), login: "exam.annuaire", role: .examinateur, scope: .academie("03"))
        try await InscriptionsTests.withPlatform { client in
            let file = Array("uai;nom;commune;academie;autonome\n\(ecole);Lycée A;Dole;03;oui\n\(autre)Z;Lycée B;Paris;01;oui\n".utf8)
            #expect(try await Self.importer(client, file, as: examinateur).status == .forbidden)
            let refused = try await Self.importer(client, file, as: Self.besancon)
            #expect(refused.status == .unprocessableContent)
            #expect(String(buffer: refused.body).contains("autre académie"))
            // Nor does a line calling Paris's school Besançon's take it over.
            let pris = try await Self.importer(client, Array("uai;nom;commune;academie;autonome\n0750654D;Pris;Paris;03;oui\n".utf8), as: Self.besancon)
            #expect(pris.status == .unprocessableContent && String(buffer: pris.body).contains("pas de votre ressort"), "\(String(buffer: pris.body))")
            #expect(String(buffer: try await Self.request(client, .get, "etablissements/0750654D").body).contains(#""academie":"01""#))
            let school = #"{"nom":"Lycée du Doubs","commune":"Pontarlier","academie":"03","autonome":true,"latitude":46.9,"longitude":6.35}"#
            #expect(try await Self.request(client, .put, "etablissements/\(ecole)", school).status == .created)
            #expect(try await Self.request(client, .put, "etablissements/\(ecole)", school).status == .ok)
            let moved = try await Self.request(client, .put, "etablissements/\(ecole)", school.replacingOccurrences(of: #""03""#, with: #""01""#))
            #expect(moved.status == .unprocessableContent, "a gestionnaire cannot give a school to another académie")
            let injected = school.replacingOccurrences(of: "Lycée du Doubs", with: #"A\n0250007X;Pirate;;03;oui"#)
            #expect(try await Self.request(client, .put, "etablissements/\(ecole)", injected).status == .unprocessableContent)
            #expect(String(buffer: try await Self.request(client, .get, "etablissements/0250007X").body).contains("Louis-Pasteur"))
            // Paris's school and centre are not Besançon's to change.
            #expect(try await Self.request(client, .put, "etablissements/0750654D", school).status == .forbidden)
            let centre = #"{"capaciteDemiJournee":12,"demiJournees":4,"epreuves":["T011B"],"salles":["Labo 1"]}"#
            #expect(try await Self.request(client, .put, "etablissements/0750654D/centre", centre).status == .forbidden)
            #expect(try await Self.request(client, .delete, "etablissements/0750654D/centre").status == .forbidden)
            #expect(try await Self.request(client, .put, "etablissements/\(ecole)/centre", centre, as: examinateur).status == .forbidden)
            // Académies are national: the administrator creates a regroupement of centres abroad.
            let regroupement = #"{"nom":"Centres étrangers — groupe 1","nature":"regroupement"}"#
            #expect(try await Self.request(client, .put, "academies/G1", regroupement).status == .forbidden)
            let created = try await Self.request(client, .put, "academies/G1", regroupement, as: Self.admin)
            #expect(created.status == .created || created.status == .ok)
            #expect(try await Self.request(client, .put, "academies/G1", regroupement, as: Self.admin).status == .ok)
            #expect(try await Self.request(client, .put, "academies/G!", regroupement, as: Self.admin).status == .unprocessableContent)
            #expect(String(buffer: try await Self.request(client, .get, "academies").body).contains(#""nature":"regroupement""#))
        }
    }

    /// Road map: the académie keeps its centres' capacities and exams, never under the candidates
    /// it has assigned to them.
    @Test func aCentreKeepsTheExamsItHasCandidatesFor() async throws {
        let uai = Self.uais(1)[0]
        let p = "K\(UUID().uuidString.prefix(6))"
        try await InscriptionsTests.withPlatform { client in
            let school = #"{"nom":"Lycée de la Citadelle","commune":"Besançon","academie":"03","autonome":true}"#
            #expect(try await Self.request(client, .put, "etablissements/\(uai)", school).status == .created)
            let centre = #"{"capaciteDemiJournee":2,"demiJournees":1,"epreuves":["T011B","T012B"],"salles":["Labo 1","Labo 2"]}"#
            let defined = try await Self.request(client, .put, "etablissements/\(uai)/centre", centre)
            #expect(defined.status == .ok, "\(String(buffer: defined.body))")
            #expect(try JSONDecoder().decode(Fiche.self, from: defined.body).centre
                    == CentreDEpreuve(capaciteDemiJournee: 2, demiJournees: 1, epreuves: ["T011B", "T012B"], salles: ["Labo 1", "Labo 2"]))
            #expect(try await Self.request(client, .put, "etablissements/\(uai)/centre",
                                           #"{"capaciteDemiJournee":0,"demiJournees":1,"epreuves":["T011B"],"salles":[""]}"#).status
                    == .unprocessableContent)
            // An exam the document does not list is refused by the generated decoder, as a problem.
            #expect(try await Self.request(client, .put, "etablissements/\(uai)/centre",
                                           #"{"capaciteDemiJournee":2,"demiJournees":1,"epreuves":["X"],"salles":["Labo"]}"#).status
                    == .badRequest)

            // Two pupils of the school, assigned to it in physique-chimie.
            let file = "numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve\n"
                + "\(p)1;Martin;Léa;01/01/2008;scolaire;\(uai);T1;BCG;T011B\n\(p)2;Petit;Noé;01/02/2008;scolaire;\(uai);T1;BCG;T011B\n"
            #expect(try await InscriptionsTests.upload(client, file).status == .ok)
            let affectations = #"{"affectations":[{"numero":"\#(p)1","epreuve":"T011B","centre":"\#(uai)"},{"numero":"\#(p)2","epreuve":"T011B","centre":"\#(uai)"}]}"#
            let assigned = try await Self.request(client, .post, "sessions/\(InscriptionsTests.session)/affectations", affectations)
            #expect(assigned.status == .ok, "\(String(buffer: assigned.body))")

            // It cannot stop hosting physique-chimie, nor hold fewer places than its two candidates.
            let sansPC = try await Self.request(client, .put, "etablissements/\(uai)/centre",
                                                #"{"capaciteDemiJournee":2,"demiJournees":1,"epreuves":["T012B"],"salles":[]}"#)
            #expect(sansPC.status == .conflict && String(buffer: sansPC.body).contains("ne peut cesser"))
            let petit = try await Self.request(client, .put, "etablissements/\(uai)/centre",
                                               #"{"capaciteDemiJournee":1,"demiJournees":1,"epreuves":["T011B"],"salles":[]}"#)
            #expect(petit.status == .conflict && String(buffer: petit.body).contains("plus que 1 places"))
            #expect(try await Self.request(client, .delete, "etablissements/\(uai)/centre").status == .conflict)
            // Nor move to another académie while it has candidates, by the API or by a file.
            let moved = try await Self.request(client, .put, "etablissements/\(uai)", school.replacingOccurrences(of: #""03""#, with: #""01""#),
                                               as: Self.admin)
            #expect(moved.status == .conflict)
            let file01 = Array("uai;nom;commune;academie;autonome\n\(uai);Lycée de la Citadelle;Besançon;01;oui\n".utf8)
            let refused = try await Self.importer(client, file01)
            #expect(refused.status == .unprocessableContent && String(buffer: refused.body).contains(#""line":2"#))
            #expect(try JSONDecoder().decode(Fiche.self, from: try await Self.request(client, .get, "etablissements/\(uai)").body)
                    .etablissement.academie == "03")

            // Its candidates elsewhere, it may stop hosting the exam, then stop being a centre.
            for i in 1...2 {
                #expect(try await Self.request(client, .delete, "sessions/\(InscriptionsTests.session)/affectations/\(p)\(i)/T011B").status
                        == .noContent)
            }
            let sansPCApres = try await Self.request(client, .put, "etablissements/\(uai)/centre",
                                                     #"{"capaciteDemiJournee":2,"demiJournees":1,"epreuves":["T012B"],"salles":[]}"#)
            #expect(sansPCApres.status == .ok)
            #expect(try JSONDecoder().decode(Fiche.self, from: sansPCApres.body).centre?.epreuves == ["T012B"])
            #expect(try await Self.request(client, .delete, "etablissements/\(uai)/centre").status == .noContent)
            #expect(try JSONDecoder().decode(Fiche.self, from: try await Self.request(client, .get, "etablissements/\(uai)").body).centre == nil)
        }
    }

    @Test func theDirectoryReaderIsTotalAndChunkProof() {
        let text = "uai;nom;commune;academie;autonome\n0251080N;Lycée \"Victor-Hugo\";Besançon;03;oui\n\"0250007X;Lycée;;03;non\n"
        for chunk in [1, 3, 7, 1000] {
            var csv = AnnuaireCSV(academies: ["03"], academie: "03")
            let bytes = Array(text.utf8)
            for start in stride(from: 0, to: bytes.count, by: chunk) { csv.feed(bytes[start..<min(start + chunk, bytes.count)]) }
            csv.finish()
            #expect(csv.etablissements.map(\.uai) == ["0251080N"] && csv.errors.map(\.line) == [3], "\(csv.errors)")
        }
        for garbage in [[UInt8](), [0xFF, 0xFE, 0x00], Array(repeating: 0x3B, count: 20_000), Array("uai\n\n\n".utf8)] {
            var csv = AnnuaireCSV(academies: ["03"], academie: nil)
            csv.feed(garbage)
            csv.finish()
            #expect(csv.errorCount > 0 && csv.etablissements.isEmpty)
        }
    }
}
