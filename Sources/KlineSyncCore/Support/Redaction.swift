import Foundation

/// Hides the secrets of a database connection string, in every spelling libpq accepts, before it is printed or
/// stored.
///
/// - URIs (`postgres://` and `postgresql://`): the password of the user information (`user:secret@host`, also
///   when it holds unencoded `@`, `/` or `?`), and the values of the `password` and `sslpassword` query
///   parameters, whatever their case or percent-encoding (`?PassWord=…`, `?pass%77ord=…`).
/// - Keyword/value strings (`host=h password=secret`): the values of `password` and `sslpassword`, unquoted or
///   quoted (`password='se cret'`, with `\'` escapes), with or without spaces around `=`; a value that is itself a
///   URI is redacted as one.
///
/// Each secret becomes `***`; everything else is kept, so the result still says which database is meant.
public enum Redaction {
    /// The mark that replaces a secret.
    public static let mark = "***"

    /// Parameter names whose values are secrets (lower case).
    static let secretKeys: Set<String> = ["password", "sslpassword"]

    /// `text` with every secret replaced by `***`.
    public static func redact(_ text: String) -> String {
        if let schemeEnd = text.range(of: "://") {
            let scheme = text[..<schemeEnd.lowerBound]
            if !scheme.isEmpty, scheme.allSatisfy({ $0.isLetter || $0.isNumber || "+-.".contains($0) }) {
                return redactURI(text, after: schemeEnd.upperBound)
            }
        }
        if text.contains("=") { return redactKeywords(text) }
        return text
    }

    /// `scheme://[userinfo@]hosts[/db][?query][#fragment]`.
    private static func redactURI(_ text: String, after start: String.Index) -> String {
        let rest = text[start...]
        // The user information ends at the last `@` before the path; a password with an unencoded `/` or `?`
        // (which libpq would refuse) still counts as user information when an `@` follows it.
        let pathStart = rest.firstIndex(of: "/") ?? rest.endIndex
        var at = rest[..<pathStart].lastIndex(of: "@")
        if at == nil {
            let queryStart = rest.firstIndex(of: "?") ?? rest.endIndex
            at = rest[..<queryStart].lastIndex(of: "@") ?? rest.lastIndex(of: "@")
        }
        var result = String(text[..<start])
        var tail = rest[...]
        if let at {
            let userInfo = rest[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                result += userInfo[..<colon] + ":" + mark
            } else {
                result += userInfo
            }
            tail = rest[at...]
        }
        // The query: everything after the first `?` that follows the user information.
        guard let question = tail.firstIndex(of: "?") else { return result + tail }
        result += tail[...question]
        var query = tail[tail.index(after: question)...]
        var fragment = Substring("")
        if let hash = query.firstIndex(of: "#") {
            fragment = query[hash...]
            query = query[..<hash]
        }
        let parameters = query.split(separator: "&", omittingEmptySubsequences: false).map { parameter -> String in
            guard let equals = parameter.firstIndex(of: "=") else { return String(parameter) }
            let name = parameter[..<equals]
            let decoded = (name.removingPercentEncoding ?? String(name)).lowercased()
            return isSecret(decoded) ? name + "=" + mark : String(parameter)
        }
        return result + parameters.joined(separator: "&") + fragment
    }

    /// `key = value` pairs separated by white space; values unquoted (backslash escapes) or single-quoted.
    private static func redactKeywords(_ text: String) -> String {
        let characters = Array(text)
        var result = ""
        var index = 0
        while index < characters.count {
            // Copy white space and the key up to `=` unchanged.
            var keyStart = index
            while keyStart < characters.count, characters[keyStart].isWhitespace { keyStart += 1 }
            var keyEnd = keyStart
            while keyEnd < characters.count, characters[keyEnd] != "=", !characters[keyEnd].isWhitespace {
                keyEnd += 1
            }
            var equals = keyEnd
            while equals < characters.count, characters[equals].isWhitespace { equals += 1 }
            guard equals < characters.count, characters[equals] == "=" else {
                // Not a `key=value` pair: keep the word and go on.
                let next = Swift.min(Swift.max(keyEnd, keyStart + 1), characters.count)
                result += String(characters[index..<next])
                index = next
                continue
            }
            let key = String(characters[keyStart..<keyEnd]).lowercased()
            var valueStart = equals + 1
            while valueStart < characters.count, characters[valueStart].isWhitespace { valueStart += 1 }
            let valueEnd = endOfValue(characters, from: valueStart)
            result += String(characters[index..<valueStart])
            let value = String(characters[valueStart..<valueEnd])
            if isSecret(key) {
                result += mark
            } else if value.contains("://") {
                let quoted = value.hasPrefix("'") && value.hasSuffix("'") && value.count >= 2
                result += quoted ? "'" + redact(String(value.dropFirst().dropLast())) + "'" : redact(value)
            } else {
                result += value
            }
            index = valueEnd
        }
        return result
    }

    /// Where a value starting at `start` ends: after its closing quote, or at white space (an unclosed quote runs
    /// to the end, so that nothing of a secret is left over).
    private static func endOfValue(_ characters: [Character], from start: Int) -> Int {
        var index = start
        guard index < characters.count else { return index }
        if characters[index] == "'" {
            index += 1
            while index < characters.count {
                if characters[index] == "\\" {
                    index += 2
                    continue
                }
                if characters[index] == "'" { return index + 1 }
                index += 1
            }
            return characters.count
        }
        while index < characters.count, !characters[index].isWhitespace {
            index += characters[index] == "\\" ? 2 : 1
        }
        return min(index, characters.count)
    }

    /// Whether a parameter name (lower case, decoded) names a secret; also its spellings with `_` or `-`.
    private static func isSecret(_ name: String) -> Bool {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        return secretKeys.contains(trimmed) || secretKeys.contains(trimmed.replacingOccurrences(of: "_", with: ""))
            || secretKeys.contains(trimmed.replacingOccurrences(of: "-", with: ""))
    }
}
