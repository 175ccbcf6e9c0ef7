import Foundation

/// The severity/leniency indicator of the examiners' statistics (issue 22, harmonisation), with its
/// method stated once here and on the pages.
///
/// Standardised gap z = Σ (mark − m) / √(Σ s²) over the examiner's sheets, where m and s are the
/// mean and standard deviation of the other sheets of the same subject (the examiner's own are
/// left out of the reference). With one subject it is (mean − m) / (s / √n): how many standard
/// errors the examiner's mean lies from what the others gave on the same subjects. Against the
/// national reference: the largest, so the least moved by the examiner or a few colleagues.
enum Severite: String, Codable, Sendable {
    case indulgent
    case severe
    case dansLaNorme = "dans_la_norme"
    case echantillonInsuffisant = "echantillon_insuffisant"

    /// Below 8 graded sheets a mean says little (one strong candidate moves it by more than a point).
    static let effectifMinimum = 8
    /// |z| ≥ 3 rather than the textbook 2: an académie compares a hundred examiners at once (at 2,
    /// about 5 fair ones would be flagged by chance, at 3 fewer than one), and the candidates of one
    /// centre resemble each other more than a random sample, which inflates z.
    static let seuil = 3.0

    static let methode = "Écart standardisé z = (moyenne de l'examinateur − moyenne des autres copies des mêmes sujets) "
        + "÷ (écart type de ces autres copies ÷ √n), les copies de l'examinateur exclues de la référence nationale ; "
        + "calculé à partir de \(effectifMinimum) copies notées ; « indulgent » si z ≥ 3, « sévère » si z ≤ −3."

    /// z, when the sample allows it.
    static func z(comparees: Int, ecart: Double, variance: Double) -> Double? {
        guard comparees >= effectifMinimum, variance > 0 else { return nil }
        return ecart / variance.squareRoot()
    }

    init(z: Double?) {
        guard let z else { self = .echantillonInsuffisant; return }
        self = z >= Self.seuil ? .indulgent : z <= -Self.seuil ? .severe : .dansLaNorme
    }
}
