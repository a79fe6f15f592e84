import Yams

extension ManifestDocument {
    /// Most nodes a relocation or search visits; an alias bomb (aliases of aliases of …) stops there.
    static let nodeBudget = 200_000

    /// Bytes that may follow `*` or `&` in an anchor name (libyaml's `IS_ALPHA`).
    static func isAnchorByte(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122) || byte == 95
            || byte == 45
    }

    /// Where aliases are used. Yams returns the anchored node itself for an alias, so a problem in it would point
    /// at the anchor. Each `*name` of a defined anchor is replaced by the plain scalar `~name` (one byte changed,
    /// so every other mark stays), the copy is composed, and the nodes the alias stands for take the placeholder's
    /// mark. Replacements inside strings or comments change only text, never structure.
    enum AliasUses {
        static func relocate(_ root: Node, text: String) -> Node {
            var bytes = Array(text.utf8)
            guard bytes.contains(UInt8(ascii: "*")) else { return root }
            var anchors: Set<String> = []
            var i = 0
            while i < bytes.count {
                var j = i + 1
                while j < bytes.count && isAnchorByte(bytes[j]) { j += 1 }
                if bytes[i] == UInt8(ascii: "&") && j > i + 1 {
                    anchors.insert(String(decoding: bytes[i + 1..<j], as: UTF8.self))
                }
                i = j
            }
            guard !anchors.isEmpty else { return root }
            var changed = false
            i = 0
            while i < bytes.count {
                var j = i + 1
                while j < bytes.count && isAnchorByte(bytes[j]) { j += 1 }
                if bytes[i] == UInt8(ascii: "*"), anchors.contains(String(decoding: bytes[i + 1..<j], as: UTF8.self)) {
                    bytes[i] = UInt8(ascii: "~")
                    changed = true
                }
                i = j
            }
            guard changed, let marked = try? Yams.compose(yaml: String(decoding: bytes, as: UTF8.self)) else {
                return root
            }
            var budget = nodeBudget
            return relocate(root, along: marked, anchors: anchors, budget: &budget)
        }

        /// `node` with the marks of `marked`, its twin in the copy, wherever the copy holds an alias placeholder.
        /// The walk follows the copy, which holds no aliases, so it is as long as the text; only copying the nodes an
        /// alias stands for is bounded by `budget`.
        static func relocate(_ node: Node, along marked: Node, anchors: Set<String>, budget: inout Int) -> Node {
            if let placeholder = marked.scalar, placeholder.style == .plain, placeholder.string.hasPrefix("~"),
                anchors.contains(String(placeholder.string.dropFirst())),
                !(node.scalar.map { $0.style == .plain && $0.string == placeholder.string } ?? false)
            {
                return moved(node, to: placeholder.mark, budget: &budget)
            }
            switch (node, marked) {
            case (.mapping(let mapping), .mapping(let twin)) where mapping.count == twin.count:
                let pairs = zip(mapping, twin).map { pair, twinPair in
                    (
                        relocate(pair.key, along: twinPair.key, anchors: anchors, budget: &budget),
                        relocate(pair.value, along: twinPair.value, anchors: anchors, budget: &budget)
                    )
                }
                return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mapping.mark, mapping.anchor))
            case (.sequence(let sequence), .sequence(let twin)) where sequence.count == twin.count:
                let items = zip(sequence, twin).map { item, twinItem in
                    relocate(item, along: twinItem, anchors: anchors, budget: &budget)
                }
                return .sequence(Node.Sequence(items, sequence.tag, sequence.style, sequence.mark, sequence.anchor))
            default:
                return node
            }
        }

        /// `node` and everything in it, marked at `mark`; once `budget` is spent, only `node` itself.
        static func moved(_ node: Node, to mark: Mark?, budget: inout Int) -> Node {
            budget -= 1
            switch node {
            case .scalar(var scalar):
                scalar.mark = mark
                return .scalar(scalar)
            case .mapping(var mapping) where budget <= 0:
                mapping.mark = mark
                return .mapping(mapping)
            case .sequence(var sequence) where budget <= 0:
                sequence.mark = mark
                return .sequence(sequence)
            case .mapping(let mapping):
                let pairs = mapping.map {
                    (moved($0.key, to: mark, budget: &budget), moved($0.value, to: mark, budget: &budget))
                }
                return .mapping(Node.Mapping(pairs, mapping.tag, mapping.style, mark, mapping.anchor))
            case .sequence(let sequence):
                let items = sequence.map { moved($0, to: mark, budget: &budget) }
                return .sequence(Node.Sequence(items, sequence.tag, sequence.style, mark, sequence.anchor))
            case .alias:
                return node
            }
        }
    }

    /// Where duplicate keys are. Yams reports a duplicate at the key's first occurrence and stops; the key written
    /// second is the mistake. The first occurrence is disguised (its first character is replaced by another one, a
    /// different one each round, so every mark stays) and the copy composed again, until it composes; the copy's tree
    /// then shows each key's second place.
    enum DuplicateKeys {
        static func diagnostics(text: String, first: YamlError, file: String) -> [Diagnostic] {
            let fallback = [ManifestDocument.diagnostic(for: first, text: text, file: file)]
            var bytes = Array(text.utf8)
            var found: [(name: String, line: Int, column: Int)] = []
            var error = first
            var tree: Node?
            for round in 0..<disguises.count {
                guard case .duplicatedKeysInMapping(let names, let context) = error, let name = names.first,
                    !found.contains(where: { $0.line == context.mark.line && $0.column == context.mark.column }),
                    let offset = TextPosition.offset(line: context.mark.line, column: context.mark.column, in: bytes),
                    disguise(keyAt: offset, in: &bytes, with: disguises[round])
                else { break }
                found.append((name, context.mark.line, context.mark.column))
                do {
                    tree = try Yams.compose(yaml: String(decoding: bytes, as: UTF8.self))
                    break
                } catch let next as YamlError {
                    error = next
                } catch {
                    break
                }
            }
            guard let tree else { return fallback }
            var diagnostics: [Diagnostic] = []
            var reported: Set<String> = []
            for entry in found {
                var budget = nodeBudget
                guard let mapping = mapping(holdingKeyAt: entry.line, entry.column, in: tree, budget: &budget) else {
                    continue
                }
                let places = mapping.keys.compactMap { key -> (line: Int, column: Int)? in
                    guard let mark = key.mark else { return nil }
                    let disguised = found.contains {
                        $0.name == entry.name && $0.line == mark.line && $0.column == mark.column
                    }
                    return disguised || key.string == entry.name ? (mark.line, mark.column) : nil
                }.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
                guard places.count >= 2, places[0] == (entry.line, entry.column) else { continue }
                guard reported.insert("\(places[0].line):\(places[0].column):\(entry.name)").inserted else { continue }
                diagnostics.append(
                    Diagnostic(
                        file: file, line: places[1].line, column: places[1].column,
                        message:
                            "duplicate key '\(entry.name)' (first at line \(entry.line), column \(entry.column)); each key may appear once"
                    ))
            }
            guard !diagnostics.isEmpty else { return fallback }
            return diagnostics.sorted { ($0.line, $0.column) < ($1.line, $1.column) }
        }

        /// Characters that may start a plain scalar and rarely start a key: each round disguises with the next one.
        static let disguises = Array("~^=;$+(<./)".utf8)

        /// Changes the first character of the key starting at `offset` to `byte`; false when it cannot safely.
        static func disguise(keyAt offset: Int, in bytes: inout [UInt8], with byte: UInt8) -> Bool {
            var i = offset
            guard i < bytes.count else { return false }
            if bytes[i] == UInt8(ascii: "\"") || bytes[i] == UInt8(ascii: "'") { i += 1 }
            guard i < bytes.count, isAnchorByte(bytes[i]) || bytes[i] == UInt8(ascii: ".") else { return false }
            bytes[i] = byte
            return true
        }

        static func mapping(holdingKeyAt line: Int, _ column: Int, in node: Node, budget: inout Int) -> Node.Mapping? {
            guard budget > 0 else { return nil }
            budget -= 1
            switch node {
            case .mapping(let mapping):
                if mapping.keys.contains(where: { $0.mark?.line == line && $0.mark?.column == column }) {
                    return mapping
                }
                for (key, value) in mapping {
                    if let found = self.mapping(holdingKeyAt: line, column, in: key, budget: &budget)
                        ?? self.mapping(holdingKeyAt: line, column, in: value, budget: &budget)
                    {
                        return found
                    }
                }
                return nil
            case .sequence(let sequence):
                for item in sequence {
                    if let found = self.mapping(holdingKeyAt: line, column, in: item, budget: &budget) { return found }
                }
                return nil
            case .scalar, .alias:
                return nil
            }
        }
    }
}
