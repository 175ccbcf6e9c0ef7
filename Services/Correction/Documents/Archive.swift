import CZip
import Foundation

/// A zip of files built with libzip (the export of a centre's filled evaluation sheets).
enum Archive {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Names are the caller's: they must already be safe (no path, no "..").
    static func zip(_ files: [(name: String, bytes: [UInt8])]) throws -> [UInt8] {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ece-\(UUID().uuidString).zip").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var error: Int32 = 0
        guard let archive = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &error) else {
            throw Failure(description: "libzip: cannot create the archive (\(error))")
        }
        // libzip reads the buffers at zip_close: they must live until then.
        var buffers: [UnsafeMutableRawBufferPointer] = []
        defer { buffers.forEach { $0.deallocate() } }
        for file in files {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(file.bytes.count, 1), alignment: 1)
            buffers.append(buffer)
            buffer.copyBytes(from: file.bytes)
            guard let source = zip_source_buffer(archive, buffer.baseAddress, zip_uint64_t(file.bytes.count), 0) else {
                let message = String(cString: zip_strerror(archive))
                zip_discard(archive)
                throw Failure(description: "libzip: \(message)")
            }
            guard zip_file_add(archive, file.name, source, zip_flags_t(ZIP_FL_ENC_UTF_8)) >= 0 else {
                zip_source_free(source)
                let message = String(cString: zip_strerror(archive))
                zip_discard(archive)
                throw Failure(description: "libzip: \(message)")
            }
        }
        guard zip_close(archive) == 0 else {
            let message = String(cString: zip_strerror(archive))
            zip_discard(archive)
            throw Failure(description: "libzip: \(message)")
        }
        return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    /// A file name from what a person typed: letters, digits, - and _ only.
    static func safeName(_ text: String) -> String {
        let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "fr_FR"))
        let kept = folded.unicodeScalars.map { CharacterSet.alphanumerics.contains($0) && $0.isASCII ? Character($0) : "_" }
        return String(String(kept).prefix(60))
    }
}
