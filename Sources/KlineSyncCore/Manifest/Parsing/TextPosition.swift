import Foundation
import Yams

/// A 1-based line and column as libyaml counts them: columns in Unicode scalars; `\n`, `\r\n`, `\r`, U+0085,
/// U+2028 and U+2029 end a line.
struct TextPosition {
    var line = 1
    var column = 1

    mutating func advance(over scalar: Unicode.Scalar, after previous: Unicode.Scalar?) {
        switch scalar.value {
        case 0x0A:
            if previous?.value == 0x0D { return }  // the second half of \r\n
            line += 1
            column = 1
        case 0x0D, 0x85, 0x2028, 0x2029:
            line += 1
            column = 1
        default:
            column += 1
        }
    }

    /// The position just after `text`.
    static func end<S: StringProtocol>(of text: S) -> (line: Int, column: Int) {
        var position = TextPosition()
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            position.advance(over: scalar, after: previous)
            previous = scalar
        }
        return (position.line, position.column)
    }

    /// The UTF-8 offset of a 1-based line and column in `bytes`, or nil when the text is shorter.
    static func offset(line: Int, column: Int, in bytes: [UInt8]) -> Int? {
        var position = TextPosition()
        var previous: Unicode.Scalar?
        var offset = 0
        for scalar in String(decoding: bytes, as: UTF8.self).unicodeScalars {
            if position.line == line && position.column == column { return offset }
            if position.line > line { return nil }
            position.advance(over: scalar, after: previous)
            previous = scalar
            offset += UTF8.width(scalar)
        }
        return position.line == line && position.column == column ? offset : nil
    }
}
