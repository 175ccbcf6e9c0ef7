/// A schema or table name that must be spliced into SQL text (identifiers cannot be bound).
/// Only lower-case letters, digits and underscores are accepted, so splicing it is safe.
public struct SQLIdentifier: Sendable, Hashable, CustomStringConvertible {
    public let name: String

    public init(_ name: String) throws {
        guard let first = name.first, first.isLetter || first == "_", name.count <= 63,
            name.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" })
        else { throw SQLIdentifierError(name: name) }
        self.name = name
    }

    public var description: String { name }
}

public struct SQLIdentifierError: Error, CustomStringConvertible {
    public var name: String
    public var description: String { "not a safe SQL identifier: \(name)" }
}
