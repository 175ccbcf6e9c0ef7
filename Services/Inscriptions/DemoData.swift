import Foundation
import Logging
import PostgresNIO
import Shared

/// Demo reference data: the académie of Besançon (03) with ten schools, four of them centres
/// d'épreuve, and one school of Paris (01) to show scope. Idempotent upserts.
enum DemoReferenceData {
    static let academies = [("01", "Paris"), ("03", "Besançon")]
    /// (UAI, name, académie, commune, autonomous, latitude, longitude, centre capacity, exams hosted)
    static let etablissements: [(String, String, String, String, Bool, Double, Double, Int?, [String])] = [
        ("0251080N", "Lycée Victor-Hugo", "03", "Besançon", true, 47.2378, 6.0241, 24, ["T011B", "T012B", "T010B"]),
        ("0250007X", "Lycée Louis-Pasteur", "03", "Besançon", true, 47.2413, 6.0194, 24, ["T011B", "T012B", "T029B", "T030B"]),
        ("0251671F", "Lycée Jules-Haag", "03", "Besançon", true, 47.2301, 6.0303, nil, []),
        ("0250058C", "Lycée Cuvier", "03", "Montbéliard", true, 47.5098, 6.7985, 16, ["T011B", "T012B", "T010B"]),
        ("0390013C", "Lycée Jean-Michel", "03", "Lons-le-Saunier", true, 46.6747, 5.5547, 16, ["T011B", "T012B"]),
        ("0390786T", "Lycée du Jura (non autonome)", "03", "Dole", false, 47.0925, 5.4897, nil, []),
        ("0700009E", "Lycée Gérôme", "03", "Vesoul", true, 47.6239, 6.1556, nil, []),
        ("0700905D", "Lycée Édouard-Belin", "03", "Vesoul", true, 47.6197, 6.1490, nil, []),
        ("0900003P", "Lycée Condorcet", "03", "Belfort", true, 47.6380, 6.8628, nil, []),
        ("0900024M", "Lycée Courbet", "03", "Belfort", true, 47.6415, 6.8500, nil, []),
        ("0750654D", "Lycée Louis-le-Grand", "01", "Paris", true, 48.8483, 2.3444, 30, ["T011B", "T012B", "T010B"]),
    ]

    static func seed(client: PostgresClient, schema: SQLIdentifier, logger: Logger) async throws {
        let s = schema.name
        try await client.withTransaction(logger: logger) { connection in
            for (code, nom) in academies {
                try await connection.query("""
                    INSERT INTO \(unescaped: s).academies VALUES (\(code), \(nom)) ON CONFLICT (code) DO UPDATE SET nom = EXCLUDED.nom
                    """, logger: logger)
            }
            for (uai, nom, academie, commune, autonome, lat, lon, capacite, epreuves) in etablissements {
                try await connection.query("""
                    INSERT INTO \(unescaped: s).etablissements VALUES (\(uai), \(nom), \(academie), \(commune), \(autonome), \(lat), \(lon))
                    ON CONFLICT (uai) DO UPDATE SET nom = EXCLUDED.nom, academie = EXCLUDED.academie, commune = EXCLUDED.commune,
                        autonome = EXCLUDED.autonome, latitude = EXCLUDED.latitude, longitude = EXCLUDED.longitude
                    """, logger: logger)
                guard let capacite else { continue }
                try await connection.query("""
                    INSERT INTO \(unescaped: s).centres VALUES (\(uai), \(capacite))
                    ON CONFLICT (uai) DO UPDATE SET capacite_demi_journee = EXCLUDED.capacite_demi_journee
                    """, logger: logger)
                for epreuve in epreuves {
                    try await connection.query("""
                        INSERT INTO \(unescaped: s).centre_epreuves VALUES (\(uai), \(epreuve)) ON CONFLICT DO NOTHING
                        """, logger: logger)
                }
            }
        }
    }
}
