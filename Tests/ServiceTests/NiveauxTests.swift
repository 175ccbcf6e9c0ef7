import Foundation
import Shared
import Testing
import TestSupport

/// The levels the statistics count per criterion: each graded sheet's once, as last saved, after
/// the aids' caps; none for a draft or an absentee. Written through the editor, read through the
/// gateway, so a change to how the save keeps them (issue 24 item 2) must keep this.
@Suite(.serialized) struct NiveauxTests {
    typealias R = RoadMapRuleTests
    static let grille = HarmonisationParcoursTests.grille

    struct Stats: Decodable {
        var sujets: [Sujet]
        struct Sujet: Decodable { var niveaux: [String: [String: Int]] }
        /// Per criterion and level, over every subject.
        var niveaux: [String: [String: Int]] {
            sujets.reduce(into: [:]) { all, s in
                for (critere, parNiveau) in s.niveaux { all[critere, default: [:]].merge(parNiveau, uniquingKeysWith: +) }
            }
        }
    }

    @Test func theStatisticsCountEachGradedSheetsLastLevels() async throws {
        try await R.withPlatform { h, publisher in
            let c = try await R.commission(h, publisher, candidats: 3)
            let examiner = c.examiners[0]
            #expect(try await h.call(.post, "\(c.path)/distribution", R.move(c.fiches, to: c.groups[0]), as: c.centreId).status == .ok)
            let stats = "/api/correction/sessions/\(R.session)/epreuves/T011B/statistiques"
            func niveaux() async throws -> [String: [String: Int]] { try await h.decode(Stats.self, .get, stats, as: c.centreId).niveaux }

            // Two sheets graded, the second with a major aid on REA (capped at C); the third a draft.
            var versions: [Int] = []
            for (i, grille) in [Self.grille("AAB", nil), Self.grille("BAB", "REA"), Self.grille("DDD", nil)].enumerated() {
                let drawn = try await h.decode(CorrectionTests.Fiche.self, .post, "/api/correction/fiches/\(c.fiches[i])/tirage",
                                               #"{"version":0}"#, as: examiner)
                let finale = i < 2 ? #","finaliser":true"# : ""
                versions.append(try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(c.fiches[i])",
                                                   #"{"version":\#(drawn.version),\#(grille)\#(finale)}"#, as: examiner).version)
            }
            #expect(try await niveaux() == ["APP": ["A": 1, "B": 1], "REA": ["A": 1, "C": 1], "VAL": ["B": 2]])

            // The first regraded: its new levels replace the old ones.
            versions[0] = try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(c.fiches[0])",
                                             #"{"version":\#(versions[0]),\#(Self.grille("CBA", nil)),"finaliser":true}"#, as: examiner).version
            #expect(try await niveaux() == ["APP": ["B": 1, "C": 1], "REA": ["B": 1, "C": 1], "VAL": ["A": 1, "B": 1]])

            // The second back to a draft, then the first marked absent: nothing left to count.
            _ = try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(c.fiches[1])",
                                   #"{"version":\#(versions[1]),\#(Self.grille("BAB", nil))}"#, as: examiner)
            #expect(try await niveaux() == ["APP": ["C": 1], "REA": ["B": 1], "VAL": ["A": 1]])
            _ = try await h.decode(CorrectionTests.Fiche.self, .put, "/api/correction/fiches/\(c.fiches[0])",
                                   #"{"version":\#(versions[0]),"absence":"injustifiee"}"#, as: examiner)
            #expect(try await niveaux() == [:])
        }
    }
}
