import Foundation

/// Realistic candidates-and-registrations files (the format of `POST /api/inscriptions/sessions/{annee}/import`).
public enum CandidatsFile {
    public static let header = "numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve"
    static let noms = ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
                       "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
                       "N'Diaye", "Le Goff", "Müller", "Da Silva"]
    static let prenoms = ["Léa", "Hugo", "Chloé", "Louis", "Emma", "Gabriel", "Inès", "Jules", "Manon", "Raphaël", "Zoé",
                          "Nathan", "Anaïs", "Noé", "Maëlys", "Théo", "Jean-Baptiste", "Éloïse"]

    /// `lines` registrations of scolaire candidates of `uais`: BCG pupils take T011B and T012B (or
    /// T010B), BTN pupils T029B or T030B; a few individuals for STL. Deterministic for a given seed.
    public static func generate(lines: Int, uais: [String], seed: UInt64 = 42, numeroPrefix: String = "C") -> String {
        var rng = seed
        func next() -> Int {
            rng &+= 0x9E37_79B9_7F4A_7C15
            var z = rng
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int(truncatingIfNeeded: (z ^ (z >> 31)) >> 1)
        }
        var out = header + "\n"
        out.reserveCapacity(lines * 90)
        var written = 0
        var candidate = 0
        while written < lines {
            candidate += 1
            let numero = "\(numeroPrefix)\(String(format: "%09d", candidate))"
            let nom = noms[next() % noms.count], prenom = prenoms[next() % prenoms.count]
            let naissance = String(format: "%02d/%02d/%04d", 1 + next() % 28, 1 + next() % 12, 2007 + next() % 3)
            let uai = uais[next() % uais.count]
            let btn = next() % 20 == 0
            let individuel = btn && next() % 4 == 0
            let division = "T\(1 + next() % 8)"
            let epreuves = btn ? [next() % 2 == 0 ? "T029B" : "T030B"] : ["T011B", next() % 5 == 0 ? "T010B" : "T012B"]
            for epreuve in epreuves where written < lines {
                out += "\(numero);\(nom);\(prenom);\(naissance);\(individuel ? "individuel" : "scolaire");"
                out += "\(individuel ? "" : uai);\(individuel ? "" : division);\(btn ? "BTN" : "BCG");\(epreuve)\n"
                written += 1
            }
        }
        return out
    }
}
