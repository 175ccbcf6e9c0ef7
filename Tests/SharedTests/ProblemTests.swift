import Foundation
import Testing
@testable import Shared

/// Refusals a client tells apart by their `type` alone (issue 19 item 6).
@Suite struct ProblemTests {
    @Test func eachKindOfConflictHasItsOwnType() throws {
        let types = Conflit.allCases.map { Problem.conflict($0, "détail").type }
        #expect(Set(types).count == Conflit.allCases.count, "two kinds share a type")
        #expect(!types.contains(Problem.badRequest("x").type) && !types.contains(Problem.notFound().type))
        for kind in Conflit.allCases {
            let problem = Problem.conflict(kind, "détail")
            #expect(problem.type == "https://ece.education.gouv.fr/problems/\(kind.rawValue)" && problem.statusCode == 409)
            #expect(kind.rawValue.allSatisfy { $0.isLowercase || $0 == "-" } && problem.title.contains(" / "))
        }
    }
}
