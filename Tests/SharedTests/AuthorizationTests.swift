import Foundation
import Testing
@testable import Shared

/// Role and scope rules every service applies before its own finer checks.
@Suite struct AuthorizationTests {
    static func identity(_ role: Role, _ scope: Scope) -> Identity {
        Identity(userId: UUID(), login: "x", role: role, scope: scope)
    }

    /// For each role, data of the caller's own académie / school and of another: allowed or not.
    @Test func scopeMatrix() {
        let cases: [(Role, Scope, ownAcademie: Bool, otherAcademie: Bool, ownSchool: Bool, otherSchool: Bool)] = [
            (.dsii, .national, true, true, true, true),
            (.admin, .national, true, true, true, true),
            (.gestionnaire, .academie("03"), true, false, true, false),
            (.coordinateur, .academie("03"), true, false, true, false),
            (.examinateur, .academie("03"), true, false, true, false),
            (.etablissement, .etablissement("0251080N"), false, false, true, false),
            (.centre, .etablissement("0251080N"), false, false, true, false),
            (.referent, .etablissement("0251080N"), false, false, true, false),
        ]
        for (role, scope, ownAcademie, otherAcademie, ownSchool, otherSchool) in cases {
            let caller = Self.identity(role, scope)
            #expect(caller.covers(academie: "03") == ownAcademie, "\(role) own académie")
            #expect(caller.covers(academie: "01") == otherAcademie, "\(role) other académie")
            #expect(caller.covers(academie: "03", uai: "0251080N") == ownSchool, "\(role) own school")
            let otherSchoolAllowed = caller.covers(academie: "01", uai: "0750654D")
            #expect(otherSchoolAllowed == otherSchool, "\(role) other school")
        }
    }

    @Test func scopesMustFitRoles() {
        #expect(Scope.national.fits(.dsii) && !Scope.national.fits(.gestionnaire))
        #expect(Scope.academie("03").fits(.gestionnaire) && !Scope.academie("03").fits(.centre))
        #expect(Scope.etablissement("0251080N").fits(.centre) && !Scope.etablissement("0251080N").fits(.dsii))
        #expect(Scope("academie:03") == .academie("03") && Scope("uai:0251080N") == .etablissement("0251080N"))
        for bad in ["", "academie:", "uai:../x", "region:1", "academie:03;drop", "national:1"] {
            #expect(Scope(bad) == nil, "\(bad)")
        }
    }

    /// A token whose role and scope do not fit is no identity at all.
    @Test func claimsWithAMismatchedScopeAreRefused() {
        var claims = AccessTokenClaims(identity: Self.identity(.gestionnaire, .academie("03")))
        #expect(claims.identity != nil)
        claims.scope = "national"
        #expect(claims.identity == nil)
        claims.role = "superuser"
        #expect(claims.identity == nil)
    }
}
