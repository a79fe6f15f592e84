import Yams

/// Walks a composed YAML tree and collects located diagnostics instead of stopping at the first problem.
struct ManifestReader {
    let file: String
    var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    mutating func error(_ node: Node?, _ message: String) {
        error(at: node?.mark, message)
    }

    mutating func error(at mark: Mark?, _ message: String) {
        diagnostics.append(Diagnostic(file: file, line: mark?.line ?? 0, column: mark?.column ?? 0, message: message))
    }

    /// Entries of a mapping node with their key nodes; unknown keys are reported (with a suggestion).
    mutating func mapping(_ node: Node, _ what: String, allowed: [String]) -> [(
        key: String, keyNode: Node, value: Node
    )]? {
        guard let mapping = node.mapping else {
            error(node, "\(what) must be a mapping of keys to values, found \(describe(node))")
            return nil
        }
        var entries: [(String, Node, Node)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.scalar?.string else {
                error(keyNode, "keys in \(what) must be plain strings")
                continue
            }
            if !allowed.isEmpty && !allowed.contains(key) {
                var message = "unknown key '\(key)' in \(what)"
                if let hint = Suggestion.closest(to: key, in: allowed) {
                    message += "; did you mean '\(hint)'?"
                } else {
                    message += "; expected one of: \(allowed.joined(separator: ", "))"
                }
                error(keyNode, message)
                continue
            }
            entries.append((key, keyNode, value))
        }
        return entries
    }

    /// Reports keys that must be present but are not.
    mutating func require(
        _ keys: [String], in entries: [(key: String, keyNode: Node, value: Node)], of node: Node, _ what: String
    ) {
        for key in keys where !entries.contains(where: { $0.key == key }) {
            error(node, "missing required key '\(key)' in \(what)")
        }
    }

    func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            if scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
                return "nothing"
            }
            return "'\(scalar.string)'"
        case .alias: return "an alias"
        }
    }

    func isNull(_ node: Node) -> Bool {
        guard let scalar = node.scalar, scalar.style == .plain else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    mutating func string(_ node: Node, _ what: String) -> String? {
        guard let scalar = node.scalar, !isNull(node) else {
            error(node, "\(what) must be a string, found \(describe(node))")
            return nil
        }
        return scalar.string
    }

    mutating func int(_ node: Node, _ what: String, in range: ClosedRange<Int>) -> Int? {
        guard let scalar = node.scalar, scalar.style == .plain, !isNull(node) else {
            error(node, "\(what) must be a whole number, found \(describe(node))")
            return nil
        }
        let text = scalar.string.replacingOccurrences(of: "_", with: "")
        guard let value = Int(text) else {
            if Self.isWholeNumber(text) {
                // Too many digits for any count: out of range, whichever way.
                error(
                    node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(scalar.string)")
            } else {
                error(node, "\(what) must be a whole number, found '\(scalar.string)'")
            }
            return nil
        }
        guard range.contains(value) else {
            error(node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(value)")
            return nil
        }
        return value
    }

    /// Digits with an optional sign: a whole number, however large.
    static func isWholeNumber(_ text: String) -> Bool {
        let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
        return !digits.isEmpty && digits.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    mutating func number(_ node: Node, _ what: String, in range: ClosedRange<Double>) -> Double? {
        guard let scalar = node.scalar, scalar.style == .plain, let value = Double(scalar.string) else {
            error(node, "\(what) must be a number, found \(describe(node))")
            return nil
        }
        guard range.contains(value) else {
            error(node, "\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(scalar.string)")
            return nil
        }
        return value
    }

    mutating func bool(_ node: Node, _ what: String) -> Bool? {
        if let scalar = node.scalar, scalar.style == .plain {
            switch scalar.string {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        error(node, "\(what) must be true or false, found \(describe(node))")
        return nil
    }

    mutating func duration(_ node: Node, _ what: String, min: Int64, max: Int64) -> Int64? {
        guard let text = string(node, what) else { return nil }
        guard let (digits, factor) = DurationText.split(text) else {
            error(node, "\(what) must be a duration such as 500ms, 30s, 5m, 12h or 7d, found '\(text)'")
            return nil
        }
        // Durations too long for 64 bits are out of range like any other: checked, never trapped.
        let product = Int64(digits).map { $0.multipliedReportingOverflow(by: factor) }
        guard let product, !product.overflow, product.partialValue >= min, product.partialValue <= max else {
            error(
                node,
                "\(what) must be between \(DurationText.format(min)) and \(DurationText.format(max)), found '\(text)'")
            return nil
        }
        return product.partialValue
    }

    /// A date from 1970-01-01 to 9999-12-31 (`Timestamp.earliest`…`Timestamp.latest`), in ms.
    mutating func date(_ node: Node, _ what: String) -> Int64? {
        guard let text = string(node, what) else { return nil }
        guard let millis = Timestamp.parse(text) else {
            error(
                node, "\(what) must be a date (2024-01-01) or an RFC 3339 time (2024-01-01T00:00:00Z), found '\(text)'")
            return nil
        }
        guard millis >= Timestamp.earliest, millis <= Timestamp.latest else {
            error(node, "\(what) must be between 1970-01-01 and 9999-12-31 (UTC), found '\(text)'")
            return nil
        }
        return millis
    }

    mutating func list(_ node: Node, _ what: String) -> [Node]? {
        guard let sequence = node.sequence else {
            error(node, "\(what) must be a list such as [\"a\", \"b\"], found \(describe(node))")
            return nil
        }
        return Array(sequence)
    }

    /// A list of symbol globs, each checked.
    mutating func globs(_ node: Node, _ what: String) -> [String]? {
        guard let items = list(node, what) else { return nil }
        var result: [String] = []
        for item in items {
            guard let pattern = string(item, "each entry of \(what)") else { continue }
            if Glob.isValidPattern(pattern) {
                result.append(pattern)
            } else if Glob.isValidPattern(pattern.uppercased()) {
                error(
                    item,
                    "symbol pattern '\(pattern)' in \(what) must be upper case; did you mean '\(pattern.uppercased())'?"
                )
            } else {
                error(
                    item,
                    "symbol pattern '\(pattern)' in \(what) may only hold A-Z, 0-9, '_', '-', '*' and '?' (1 to 40 characters)"
                )
            }
        }
        return result
    }
}
