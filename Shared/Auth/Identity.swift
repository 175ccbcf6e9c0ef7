import Foundation

/// The platform's roles (DESIGN.md §1).
public enum Role: String, Codable, Sendable, CaseIterable {
    /// National team: subjects and grading schemes.
    case dsii
    /// An académie's exam office (DEC).
    case gestionnaire
    /// A school, for its own candidates once delegated.
    case etablissement
    /// An exam centre (centre d'épreuve).
    case centre
    case examinateur
    /// Coordinator of an académie's dematerialised correction (centre Santorin).
    case coordinateur
    /// A school's correction referent.
    case referent
    /// Operators (accounts, queues).
    case admin
}

/// Where a role applies: the whole country, one académie, or one school / centre (UAI).
public enum Scope: Sendable, Hashable, Codable, CustomStringConvertible {
    case national
    case academie(String)
    case etablissement(String)

    /// `national`, `academie:<code>` or `uai:<UAI>` — the form carried in tokens and stored.
    public var description: String {
        switch self {
        case .national: "national"
        case .academie(let code): "academie:\(code)"
        case .etablissement(let uai): "uai:\(uai)"
        }
    }

    public init?(_ text: String) {
        if text == "national" {
            self = .national
            return
        }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty, parts[1].count <= 16,
            parts[1].allSatisfy({ $0.isLetter || $0.isNumber })
        else { return nil }
        switch parts[0] {
        case "academie": self = .academie(parts[1])
        case "uai": self = .etablissement(parts[1])
        default: return nil
        }
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let scope = Scope(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid scope \(text)"))
        }
        self = scope
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    /// The scope each role must have: national roles are national, académie roles name an
    /// académie, school roles a UAI.
    public func fits(_ role: Role) -> Bool {
        switch (role, self) {
        case (.dsii, .national), (.admin, .national): true
        case (.gestionnaire, .academie), (.coordinateur, .academie), (.examinateur, .academie): true
        case (.etablissement, .etablissement), (.centre, .etablissement), (.referent, .etablissement): true
        default: false
        }
    }
}

/// Who is calling, as proven by a verified access token. Services never take it from a plain header.
public struct Identity: Sendable, Equatable {
    public var userId: UUID
    public var login: String
    public var role: Role
    public var scope: Scope

    public init(userId: UUID, login: String, role: Role, scope: Scope) {
        self.userId = userId
        self.login = login
        self.role = role
        self.scope = scope
    }

    /// Whether this caller may see data that belongs to `academie` (and, when given, school `uai`).
    /// The owning service still applies its own finer rules (delegation, convocations, lots).
    public func covers(academie: String, uai: String? = nil) -> Bool {
        switch scope {
        case .national: role == .dsii || role == .admin
        case .academie(let code): code == academie
        case .etablissement(let own): uai == own
        }
    }
}
