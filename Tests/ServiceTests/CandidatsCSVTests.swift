import Foundation
import Testing
import TestSupport
@testable import Inscriptions

/// The candidates file reader: every line checked, every error located.
@Suite struct CandidatsCSVTests {
    static let schools = ["0251080N": "03", "0250007X": "03", "0750654D": "01"]

    static func read(_ text: String, bytes: [UInt8]? = nil, chunk: Int = 7) -> CandidatsCSV {
        var csv = CandidatsCSV(etablissements: schools, academie: "03")
        let all = bytes ?? Array(text.utf8)
        // Fed in small chunks: lines and multi-byte characters straddle chunk boundaries.
        for start in stride(from: 0, to: all.count, by: chunk) { csv.feed(all[start..<min(start + chunk, all.count)]) }
        csv.finish()
        return csv
    }

    @Test func aValidFileInBothSeparatorsAndLineEndings() {
        let semicolons = """
            numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve\r
            C1;Lefèvre;Éloïse;03/02/2008;scolaire;0251080N;T2;BCG;T011B\r
            C1;Lefèvre;Éloïse;03/02/2008;scolaire;0251080N;T2;BCG;T012B\r
            C2;Da Silva;Jean-Baptiste;2008-12-31;individuel;;;BTN;T029B\r

            """
        let csv = Self.read(semicolons)
        #expect(csv.errorCount == 0, "\(csv.errors)")
        #expect(csv.lignes.count == 3 && csv.separator == ";" && csv.encoding == "UTF-8")
        #expect(csv.lignes[0].nom == "Lefèvre" && csv.lignes[2].uai == nil && csv.lignes[2].naissance == "2008-12-31")

        let commas = "epreuve,numero,nom,prenoms,naissance,categorie,uai,division,filiere\nT010B,C3,\"N'Diaye, dit \"\"Ben\"\"\",Awa,01/01/2008,scolaire,0250007X,T1,BCG\n"
        let quoted = Self.read(commas)
        #expect(quoted.errorCount == 1, "the comma inside the quoted name is kept, and a name has no quotes")
        #expect(quoted.errors.first?.column == "nom")
    }

    @Test func windows1252IsDetected() {
        var bytes = Array("numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve\n".utf8)
        bytes += Array("C9;Lef".utf8) + [0xE8] + Array("vre;Zo".utf8) + [0xEB] + Array(";01/06/2008;scolaire;0251080N;T3;BCG;T011B\n".utf8)
        let csv = Self.read("", bytes: bytes)
        #expect(csv.errorCount == 0, "\(csv.errors)")
        #expect(csv.encoding == "Windows-1252")
        #expect(csv.lignes.first?.nom == "Lefèvre" && csv.lignes.first?.prenoms == "Zoë")
    }

    @Test func everyErrorIsReportedWithLineAndColumn() {
        let text = """
            numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve
            C1;Martin;Léa;31/02/2008;scolaire;0251080N;T1;BCG;T011B
            C2;M4rtin;Léa;01/02/2008;eleve;0251080A;T1;BCG;T011B
            C3;Martin;Léa;01/02/2008;scolaire;0750654D;T1;BCG;T011B
            C4;Martin;Léa;01/02/2008;scolaire;0251080N;;BTN;T011B
            C5;Martin;Léa;01/02/2008;scolaire;0251080N;T1;BCG;T011B
            C5;Martin;Léa;01/02/2008;scolaire;0251080N;T1;BCG;T011B
            C5;Martin;Lou;01/02/2008;scolaire;0251080N;T1;BCG;T012B
            C6;Martin;Léa;01/02/2008;scolaire;1234567Z;T1;BCG;X999
            """
        let csv = Self.read(text)
        let found = Set(csv.errors.map { "\($0.line):\($0.column)" })
        let expected: Set = ["2:naissance", "3:nom", "3:categorie", "3:uai", "4:uai", "5:division", "5:epreuve",
                             "7:epreuve", "8:numero", "9:uai", "9:epreuve"]
        #expect(found == expected, "\(csv.errors)")
        #expect(csv.lignes.map(\.line) == [6], "only the one good line is kept")
    }

    @Test func aMissingColumnIsReportedOnce() {
        let csv = Self.read("numero;nom;prenoms;naissance;categorie;uai;filiere;epreuve\nC1;A;B;01/01/2008;scolaire;0251080N;BCG;T011B\n")
        #expect(csv.errors == [ImportError(line: 1, column: "division", reason: "colonne absente de l'en-tête / column missing from the header")])
        #expect(Self.read("").errors.first?.column == "en-tête")
    }

    @Test func generatedFilesAreValid() {
        let csv = Self.read(CandidatsFile.generate(lines: 5000, uais: ["0251080N", "0250007X"]), chunk: 4096)
        #expect(csv.errorCount == 0, "\(csv.errors.prefix(3))")
        #expect(csv.lignes.count == 5000)
    }

    /// Issue 18 item 7: a 30 MB line (fed in 4 KB pieces, as a slow upload arrives) is one located
    /// error and the lines around it are still read. The former reader searched the whole pending
    /// line again for every piece: about 10^11 byte reads here, minutes; linear, well under a second.
    @Test func aHugeLineIsOneErrorReadInLinearTime() {
        let header = "numero;nom;prenoms;naissance;categorie;uai;division;filiere;epreuve\n"
        let good = "C1;Martin;Léa;01/02/2008;scolaire;0251080N;T1;BCG;T011B\n"
        var bytes = Array((header + good).utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 30_000_000)
        bytes += Array(("\n" + good.replacingOccurrences(of: "C1", with: "C2")).utf8)
        for chunk in [4096, bytes.count] {
            let csv = Self.read("", bytes: bytes, chunk: chunk)
            #expect(csv.errors == [ImportError(line: 3, column: "ligne", reason: "ligne de plus de 10000 octets / line longer than 10000 bytes")],
                    "\(csv.errors.prefix(3))")
            #expect(csv.lignes.map(\.numero) == ["C1", "C2"] && csv.lignes.map(\.line) == [2, 4])
        }
        // Without a newline at all, and as the header.
        let endless = Self.read("", bytes: [UInt8](repeating: UInt8(ascii: ";"), count: 3_000_000), chunk: 65_536)
        #expect(endless.errors.map(\.column) == ["en-tête"] && endless.lignes.isEmpty)
        // Just under the limit is read as a line (and refused for its content, not its length).
        let long = Self.read(header + "C3;" + String(repeating: "a", count: 9_000) + ";Léa;01/02/2008;scolaire;0251080N;T1;BCG;T011B\n")
        #expect(long.errors.map(\.column) == ["nom"])
    }

    @Test func uaiCheckLetters() {
        #expect(UAI.isValid("0750654D") && UAI.isValid("0750653C") && UAI.isValid("0251080n"))
        #expect(!UAI.isValid("0750654C") && !UAI.isValid("075065D") && !UAI.isValid("07506540") && !UAI.isValid("٠750654D"))
    }
}

/// The designations file reader: each line checked as the JSON route checks one designation.
@Suite struct DesignationsCSVTests {
    static func read(_ text: String, chunk: Int = 5) -> DesignationsCSV {
        var csv = DesignationsCSV()
        let all = Array(text.utf8)
        for start in stride(from: 0, to: all.count, by: chunk) { csv.feed(all[start..<min(start + chunk, all.count)]) }
        csv.finish()
        return csv
    }

    @Test func linesAreReadAsSingleDesignations() {
        let csv = Self.read("""
            login,nom,prenom,role,epreuve,centre,divisions,uai,email
            prof.a,Lefèvre,Éloïse,Examinateur,t011b,0251080n,"T1, T2 T3",0250007x,a@b.fr
            coord.b,Roux,Anne,coordinateur,T011B,,,,
            prof.c,L3f,Anne,juge,T011B,0251080N,,,
            prof.d,Roux,,examinateur,T099B,0251080N,,12345678,sans-arobase
            prof.e,Roux,Anne,examinateur,T011B,0251080N,T1\u{1F}T2,,a\u{0}@b.fr

            """)
        #expect(csv.separator == "," && csv.lineNumber == 6)
        #expect(csv.demandes.map(\.ligne) == [2, 3])
        let a = csv.demandes[0].demande
        #expect(a.role == .examinateur && a.epreuve == "T011B" && a.centre == "0251080N" && a.intervenant.uai == "0250007X"
                && a.intervenant.divisions == ["T1", "T2", "T3"] && a.intervenant.email == "a@b.fr" && a.intervenant.nom == "Lefèvre")
        let b = csv.demandes[1].demande
        #expect(b.role == .coordinateur && b.centre == nil && b.intervenant.uai == nil && b.intervenant.divisions == nil)
        #expect(csv.errors.map { "\($0.line) \($0.column)" } == ["4 role", "5 prenom", "5 email", "5 uai", "5 epreuve", "6 email", "6 divisions"], "\(csv.errors)")
    }

    @Test func aFileOverTheCapIsRefusedAtItsFirstLineTooMany() {
        var text = "role;epreuve;centre;login;nom;prenom\n"
        for n in 1...(DesignationsCSV.maxLines + 2) { text += "examinateur;T011B;0251080N;p\(n);Roux;Anne\n" }
        let csv = Self.read(text, chunk: 4096)
        #expect(csv.demandes.count == DesignationsCSV.maxLines)
        #expect(csv.errors.map(\.line) == [DesignationsCSV.maxLines + 2] && csv.errorCount == 1, "\(csv.errors)")
    }

    /// What Imag'In's consumer would refuse is refused here: one such person would hold their whole
    /// group's exports back (a blank division, a name of 100 letters carrying thousands of marks).
    @Test func aRequestImagInWouldRefuseIsRefusedHere() {
        func demande(nom: String = "Roux", divisions: [String]? = nil, centre: String? = "0251080N") -> DemandeDesignation {
            DemandeDesignation(role: .examinateur, epreuve: "T011B", centre: centre,
                               intervenant: .init(login: "p.a", nom: nom, prenom: "Anne", divisions: divisions))
        }
        #expect(demande(divisions: ["T1"]).erreurs.isEmpty)
        #expect(demande(divisions: ["\u{00A0}"]).erreurs.map(\.field) == ["intervenant.divisions"])
        #expect(demande(nom: "R" + String(repeating: "\u{0301}", count: 3_000)).erreurs.map(\.field) == ["intervenant"])
        #expect(demande(centre: "0251080N\u{0}").erreurs.map(\.field) == ["centre"])
    }

    @Test func aHeaderWithoutTheColumnsRefusesTheFile() {
        let csv = Self.read("login;nom\nprof.a;Roux\n")
        #expect(csv.demandes.isEmpty && Set(csv.errors.map(\.column)) == ["role", "epreuve", "centre", "prenom"])
    }
}
