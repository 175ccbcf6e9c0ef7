import Foundation
import PostgresNIO
import Shared

/// The documents around the exam: who is convoked when and where (the candidates' convocations, the
/// slots' attendance sheets), read from the sheets, their slot and their group (the room).
extension CommissionRepository {

    /// The candidates of a session, narrowed to one number, one school of origin, or one slot of a
    /// commission, in alphabetical order.
    func convoques(session: Int, numero: String? = nil, uaiOrigine: String? = nil, creneau: (CommissionKey, UUID)? = nil)
        async throws -> [Convoque] {
        let rows = try await client.query("""
            SELECT f.id, f.numero, f.nom, f.prenoms, f.uai_origine, f.epreuve, f.centre, c.academie, k.jour::text, k.demi_journee,
                   g.nom, f.statut, f.absence, k.heure, c.centre_nom, c.centre_commune
            FROM \(unescaped: s).fiches f
            JOIN \(unescaped: s).commissions c ON c.session = f.session AND c.epreuve = f.epreuve AND c.centre = f.centre
            LEFT JOIN \(unescaped: s).creneaux k ON k.id = f.creneau_id
            LEFT JOIN \(unescaped: s).groupes g ON g.id = f.groupe_id
            WHERE f.session = \(session) AND (\(numero)::text IS NULL OR f.numero = \(numero))
              AND (\(uaiOrigine)::text IS NULL OR f.uai_origine = \(uaiOrigine))
              AND (\(creneau?.1)::uuid IS NULL OR (f.creneau_id = \(creneau?.1) AND f.epreuve = \(creneau?.0.epreuve)
                                                   AND f.centre = \(creneau?.0.centre)))
            LIMIT 20000
            """, logger: logger)
        var result: [Convoque] = []
        for try await r in rows.decode((UUID, String, String, String, String?, String, String, String, String?, String?, String?, String,
                                        String?, String?, String?, String?).self) {
            result.append(Convoque(ficheId: r.0, numero: r.1, nom: r.2, prenoms: r.3, uaiOrigine: r.4, session: session, epreuve: r.5,
                                   centre: r.6, centreNom: r.14, centreCommune: r.15, academie: r.7, jour: r.8, demiJournee: r.9, heure: r.13,
                                   salle: r.10, statut: r.11, absence: r.12))
        }
        return result.sorted(by: Convoque.alphabetique)
    }

    /// A slot of the commission: its day (aaaa-mm-jj), half-day and time, and the centre's name and town.
    func creneau(_ key: CommissionKey, _ id: UUID) async throws -> (jour: String, demiJournee: String, heure: String?, lieu: String)? {
        let rows = try await client.query("""
            SELECT k.jour::text, k.demi_journee, k.heure, c.centre_nom, c.centre_commune FROM \(unescaped: s).creneaux k
            JOIN \(unescaped: s).commissions c ON c.session = k.session AND c.epreuve = k.epreuve AND c.centre = k.centre
            WHERE k.id = \(id) AND k.session = \(key.session) AND k.epreuve = \(key.epreuve) AND k.centre = \(key.centre)
            """, logger: logger)
        for try await r in rows.decode((String, String, String?, String?, String?).self) {
            return (r.0, r.1, r.2, Convoque.lieu(uai: key.centre, nom: r.3, commune: r.4))
        }
        return nil
    }
}


struct Convoque: Codable, Sendable {
    var ficheId: UUID
    var numero: String
    var nom: String
    var prenoms: String
    var uaiOrigine: String?
    var session: Int
    var epreuve: String
    var centre: String
    /// The centre's name and town as Cyclades published them (nil before: the UAI is printed alone).
    var centreNom: String?
    var centreCommune: String?
    var academie: String
    /// aaaa-mm-jj and matin / apres-midi; nil until the centre places the candidate in a slot.
    var jour: String?
    var demiJournee: String?
    /// HH:MM, when the centre gave the slot one.
    var heure: String?
    /// The name of the group whose lot holds the candidate: the room.
    var salle: String?
    var statut: String
    var absence: String?

    /// « Lycée Jean Moulin, Lyon (0690001A) », or the UAI alone when Cyclades did not name the centre.
    static func lieu(uai: String, nom: String?, commune: String?) -> String {
        guard let nom else { return uai }
        return nom + (commune.map { ", \($0)" } ?? "") + " (\(uai))"
    }

    var lieu: String { Self.lieu(uai: centre, nom: centreNom, commune: centreCommune) }

    /// Alphabetical order as a French list reads (accents and case aside), then the number.
    static func alphabetique(_ a: Convoque, _ b: Convoque) -> Bool {
        let options: String.CompareOptions = [.caseInsensitive, .diacriticInsensitive]
        let nom = a.nom.compare(b.nom, options: options)
        if nom != .orderedSame { return nom == .orderedAscending }
        let prenoms = a.prenoms.compare(b.prenoms, options: options)
        if prenoms != .orderedSame { return prenoms == .orderedAscending }
        return a.numero < b.numero
    }
}
