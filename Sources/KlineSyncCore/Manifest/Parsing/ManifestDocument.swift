import Foundation
import Yams

/// The YAML layer of manifest loading: bytes to text, text to a composed tree. Every failure becomes a located
/// diagnostic (`file:line:column`), including bytes that are not UTF-8 and characters YAML does not allow.
///
/// Yams resolves an alias to its anchored node, marks and all; `compose` gives the nodes reached through an alias
/// the location of the alias, so that a problem in them is reported where the alias is used.
enum ManifestDocument {
    /// The manifest's bytes as text, or a diagnostic at the first byte that is not UTF-8.
    static func text(of data: Data, file: String) throws -> String {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = data.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .emptyInput: return String(decoding: data, as: UTF8.self)
            case .error:
                let prefix = String(decoding: data.prefix(offset), as: UTF8.self)
                let (line, column) = TextPosition.end(of: prefix)
                let byte = data[data.startIndex + offset]
                throw ManifestError(diagnostics: [
                    Diagnostic(
                        file: file, line: line, column: column,
                        message:
                            "manifest is not UTF-8 text: byte \(hex(byte)) here is not valid UTF-8 (Latin-1 or another legacy encoding?); save the file as UTF-8"
                    )
                ])
            }
        }
    }

    /// The composed tree of `text` (nil when the document is empty), or every problem as located diagnostics.
    static func compose(_ text: String, file: String) throws -> Node? {
        if let problem = disallowedCharacter(in: text, file: file) { throw ManifestError(diagnostics: [problem]) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            if case .duplicatedKeysInMapping = error {
                throw ManifestError(diagnostics: DuplicateKeys.diagnostics(text: text, first: error, file: file))
            }
            throw ManifestError(diagnostics: [diagnostic(for: error, text: text, file: file)])
        } catch {
            throw ManifestError(diagnostics: [
                Diagnostic(file: file, line: 1, column: 1, message: "invalid YAML: the document could not be read")
            ])
        }
        guard let root else { return nil }
        return AliasUses.relocate(root, text: text)
    }

    /// The first character libyaml's reader refuses (control characters, non-characters), located.
    static func disallowedCharacter(in text: String, file: String) -> Diagnostic? {
        var position = TextPosition()
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            let v = scalar.value
            let allowed =
                v == 0x09 || v == 0x0A || v == 0x0D || (0x20...0x7E).contains(v) || v == 0x85
                || (0xA0...0xD7FF).contains(v) || (0xE000...0xFFFD).contains(v) || (0x10000...0x10FFFF).contains(v)
            if !allowed {
                let digits = String(v, radix: 16, uppercase: true)
                let code = "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
                let kind = v < 0x20 || (0x7F...0x9F).contains(v) ? "control character" : "character"
                return Diagnostic(
                    file: file, line: position.line, column: position.column,
                    message: "\(kind) \(code) is not allowed in YAML text; delete it")
            }
            position.advance(over: scalar, after: previous)
            previous = scalar
        }
        return nil
    }

    /// A located diagnostic for a Yams error; the offset of a reader error is turned into a line and a column.
    static func diagnostic(for error: YamlError, text: String, file: String) -> Diagnostic {
        func located(_ mark: Mark, _ problem: String, _ context: YamlError.Context?) -> Diagnostic {
            var message = "invalid YAML: \(problem)"
            if let context {
                message += " (\(context.text) at line \(context.mark.line), column \(context.mark.column))"
            }
            return Diagnostic(file: file, line: max(1, mark.line), column: max(1, mark.column), message: message)
        }
        switch error {
        case .scanner(let context, let problem, let mark, _): return located(mark, problem, context)
        case .parser(let context, let problem, let mark, _): return located(mark, problem, context)
        case .composer(let context, let problem, let mark, _): return located(mark, problem, context)
        case .duplicatedKeysInMapping(let duplicates, let context):
            return Diagnostic(
                file: file, line: max(1, context.mark.line), column: max(1, context.mark.column),
                message: "duplicate key '\(duplicates.joined(separator: "', '"))'; each key may appear once")
        case .reader(let problem, let offset, _, _):
            // Yams gives the offset in characters.
            var (line, column) = (1, 1)
            if let offset, let index = text.index(text.startIndex, offsetBy: offset, limitedBy: text.endIndex) {
                (line, column) = TextPosition.end(of: text[..<index])
            }
            return Diagnostic(file: file, line: line, column: column, message: "invalid YAML: \(problem)")
        default:
            return Diagnostic(file: file, line: 1, column: 1, message: "invalid YAML: the document could not be read")
        }
    }

    static func hex(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count == 1 ? "0" + digits : digits)
    }
}
