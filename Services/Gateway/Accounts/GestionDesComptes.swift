import Shared

/// Who keeps which accounts (issue 21, from the road map's actors):
/// - the national administrator keeps every account;
/// - an académie's gestionnaire keeps the accounts of its académie — its gestionnaires, its schools',
///   centres' and référents' accounts, and the examiners and coordinators convoked there — never a
///   national account;
/// - a school keeps the accounts of the référents de correction it designates, for itself only.
/// Examiners' and coordinators' accounts come from their convocations (Imag'In): they can be
/// disabled and enabled here, never created, nor moved to another scope.
enum GestionDesComptes {
    /// The roles `caller` may give a new account.
    static func creables(par caller: Identity) -> [Role] {
        switch (caller.role, caller.scope) {
        case (.admin, .national): [.admin, .dsii, .gestionnaire, .etablissement, .centre, .referent]
        case (.gestionnaire, .academie): [.gestionnaire, .etablissement, .centre, .referent]
        case (.etablissement, .etablissement): [.referent]
        default: []
        }
    }

    /// Whether `caller` may see and change `compte`.
    static func garde(_ caller: Identity, _ compte: Account) -> Bool {
        switch (caller.role, caller.scope) {
        case (.admin, .national): true
        case (.gestionnaire, .academie(let code)):
            compte.academie == code && ![.admin, .dsii].contains(compte.role)
        case (.etablissement, .etablissement(let uai)):
            compte.role == .referent && compte.scope == .etablissement(uai)
        default: false
        }
    }

    /// What `caller` may change of an account it keeps.
    enum Changement { case tout, etatSeulement, rien }

    /// Everything of the accounts the caller creates (name, address, scope, state); only the state of
    /// examiners' and coordinators' (their address comes from Imag'In: changing it would send their
    /// next password link to whoever typed it); nothing of a fellow gestionnaire's (the
    /// administrator's to change), nor of one's own here (a disabled account re-enabling itself).
    /// An account the administrator disabled stays the administrator's to enable (a gestionnaire's,
    /// the gestionnaire's or the administrator's).
    static func changement(par caller: Identity, de compte: Account) -> Changement {
        guard compte.id != caller.userId, garde(caller, compte) else { return .rien }
        if compte.disabled, let par = compte.disabledBy, rang(par) > rang(caller.role) { return .rien }
        switch (caller.role, compte.role) {
        case (.admin, _), (.gestionnaire, .etablissement), (.gestionnaire, .centre), (.gestionnaire, .referent),
             (.etablissement, .referent): return .tout
        case (.gestionnaire, .examinateur), (.gestionnaire, .coordinateur): return .etatSeulement
        default: return .rien
        }
    }

    private static func rang(_ role: Role) -> Int {
        switch role {
        case .admin: 3
        case .gestionnaire: 2
        default: 1
        }
    }

    /// Whether `caller` may give `role` and `scope` to an account: `academie` is the scope's académie
    /// (for a school's UAI, the directory's answer; nil when it is not a known school).
    static func peutAttribuer(_ caller: Identity, role: Role, scope: Scope, academie: String?) -> Bool {
        guard creables(par: caller).contains(role), scope.fits(role) else { return false }
        switch (caller.scope, scope) {
        case (.national, .national): return true
        case (.national, _): return academie != nil
        case (.academie(let code), _): return academie == code
        case (.etablissement(let own), .etablissement(let uai)): return uai == own
        default: return false
        }
    }

    /// The académies whose accounts a list shows `caller`: nil for all (administrator).
    static func perimetre(_ caller: Identity) -> Perimetre? {
        switch (caller.role, caller.scope) {
        case (.admin, .national): .tout
        case (.gestionnaire, .academie(let code)): .academie(code)
        case (.etablissement, .etablissement(let uai)): .referents(uai)
        default: nil
        }
    }

    enum Perimetre: Equatable { case tout, academie(String), referents(String) }
}
