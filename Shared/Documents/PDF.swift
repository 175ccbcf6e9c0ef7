import CHaru
import CQREncode
import Foundation
import Hummingbird
import NIOPosix

/// A PDF built with libharu: A4 pages, Helvetica in WinAnsi (the French accents), boxes and QR
/// codes (libqrencode). One document per request; libharu is not shared between threads.
/// Correction's evaluation sheets, candidates' convocations and attendance sheets, and Missions' convocations.
public final class PDF {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let doc: HPDF_Doc
    private let regular: HPDF_Font
    private let bold: HPDF_Font

    public init(title: String) throws {
        guard let doc = HPDF_New(nil, nil) else { throw Failure(description: "libharu: cannot create a document") }
        self.doc = doc
        HPDF_SetCompressionMode(doc, HPDF_UINT(HPDF_COMP_ALL))
        guard let regular = HPDF_GetFont(doc, "Helvetica", "WinAnsiEncoding"),
            let bold = HPDF_GetFont(doc, "Helvetica-Bold", "WinAnsiEncoding")
        else {
            HPDF_Free(doc)
            throw Failure(description: "libharu: no Helvetica")
        }
        (self.regular, self.bold) = (regular, bold)
        Self.withWinAnsi(title) { HPDF_SetInfoAttr(doc, HPDF_INFO_TITLE, $0) }
        Self.withWinAnsi("Plateforme ECE") { HPDF_SetInfoAttr(doc, HPDF_INFO_CREATOR, $0) }
    }

    deinit { HPDF_Free(doc) }

    /// The text as the WinAnsi bytes the base fonts expect (what cannot be said becomes "?").
    public static func withWinAnsi<R>(_ text: String, _ body: (UnsafePointer<CChar>) -> R) -> R {
        // Composed first: "e" + combining accent must print as "é", not "e?".
        let composed = text.precomposedStringWithCanonicalMapping.replacingOccurrences(of: "\n", with: " ")
        var bytes = Array(composed.data(using: .windowsCP1252, allowLossyConversion: true) ?? Data(composed.utf8))
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { $0.baseAddress!.withMemoryRebound(to: CChar.self, capacity: bytes.count) { body($0) } }
    }

    /// A new A4 portrait page; coordinates in points from the bottom left.
    public func page() throws -> Page {
        guard let page = HPDF_AddPage(doc) else { throw Failure(description: "libharu: cannot add a page (\(HPDF_GetError(doc)))") }
        HPDF_Page_SetSize(page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT)
        return Page(document: self, page: page, regular: regular, bold: bold)
    }

    /// The finished document's bytes.
    public func bytes() throws -> [UInt8] {
        guard HPDF_SaveToStream(doc) == HPDF_OK else { throw Failure(description: "libharu: error \(HPDF_GetError(doc))") }
        var size = HPDF_UINT32(HPDF_GetStreamSize(doc))
        var buffer = [UInt8](repeating: 0, count: Int(size))
        let status = buffer.withUnsafeMutableBufferPointer { HPDF_ReadFromStream(doc, $0.baseAddress, &size) }
        guard status == HPDF_OK || status == HPDF_STREAM_EOF else { throw Failure(description: "libharu: error \(status)") }
        return Array(buffer.prefix(Int(size)))
    }

    public struct Page {
        /// Keeps the document (which owns the page) alive while the page is drawn on.
        let document: PDF
        let page: HPDF_Page
        let regular: HPDF_Font
        let bold: HPDF_Font

        public static let width: Float = 595, height: Float = 842, margin: Float = 40

        public func text(_ text: String, x: Float, y: Float, size: Float = 10, bold: Bool = false) {
            HPDF_Page_BeginText(page)
            HPDF_Page_SetFontAndSize(page, bold ? self.bold : regular, size)
            PDF.withWinAnsi(text) { _ = HPDF_Page_TextOut(page, x, y, $0) }
            HPDF_Page_EndText(page)
        }

        /// Text cut to lines that fit `width`; returns the y below the last line.
        @discardableResult
        public func paragraph(_ text: String, x: Float, y: Float, width: Float, size: Float = 10) -> Float {
            HPDF_Page_SetFontAndSize(page, regular, size)
            var y = y
            var line = ""
            for word in text.split(separator: " ") {
                let candidate = line.isEmpty ? String(word) : line + " " + word
                let fits = PDF.withWinAnsi(candidate) { HPDF_Page_TextWidth(page, $0) } <= width
                if fits || line.isEmpty { line = candidate } else {
                    self.text(line, x: x, y: y, size: size)
                    y -= size * 1.3
                    line = String(word)
                }
            }
            if !line.isEmpty { self.text(line, x: x, y: y, size: size); y -= size * 1.3 }
            return y
        }

        public func box(x: Float, y: Float, width: Float, height: Float, filled: Bool = false, lineWidth: Float = 0.8) {
            HPDF_Page_SetLineWidth(page, lineWidth)
            HPDF_Page_Rectangle(page, x, y, width, height)
            _ = filled ? HPDF_Page_Fill(page) : HPDF_Page_Stroke(page)
        }

        public func line(x1: Float, y1: Float, x2: Float, y2: Float, lineWidth: Float = 0.5) {
            HPDF_Page_SetLineWidth(page, lineWidth)
            HPDF_Page_MoveTo(page, x1, y1)
            HPDF_Page_LineTo(page, x2, y2)
            HPDF_Page_Stroke(page)
        }

        /// The ministry's letterhead across the page (`left` to `right`): the Republic and the ministry on
        /// the left, the académie, its exam division and the session on the right; returns the y below its rule.
        public func entete(academie: String, session: Int, left: Float, right: Float, top: Float) -> Float {
            var y = top
            text("RÉPUBLIQUE FRANÇAISE", x: left, y: y, size: 11, bold: true)
            text("Académie \(academie)", x: right - 170, y: y, size: 10, bold: true)
            y -= 13
            text("Liberté, Égalité, Fraternité", x: left, y: y, size: 8)
            text("Division des examens et concours", x: right - 170, y: y, size: 9)
            y -= 16
            text("Ministère de l'Éducation nationale", x: left, y: y, size: 10, bold: true)
            text("Baccalauréat — session \(session)", x: right - 170, y: y, size: 9)
            y -= 14
            line(x1: left, y1: y, x2: right, y2: y, lineWidth: 1.2)
            return y
        }

        /// A QR code of `text`, `size` points wide, its bottom-left corner at (x, y).
        public func qrCode(_ text: String, x: Float, y: Float, size: Float) {
            guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else { return }
            defer { QRcode_free(code) }
            let width = Int(code.pointee.width)
            let module = size / Float(width)
            HPDF_Page_SetRGBFill(page, 0, 0, 0)
            for row in 0..<width {
                for column in 0..<width where code.pointee.data[row * width + column] & 1 == 1 {
                    HPDF_Page_Rectangle(page, x + Float(column) * module, y + size - Float(row + 1) * module, module, module)
                }
            }
            HPDF_Page_Fill(page)
        }
    }

    /// Builds documents off the cooperative pool (libharu, libqrencode and libzip block).
    public static func build<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await NIOThreadPool.singleton.runIfActive(work)
    }

    /// A PDF shown in the browser, named for saving.
    public static func response(_ bytes: [UInt8], name: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/pdf", .contentDisposition: "inline; filename=\"\(name)\""],
                 body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
