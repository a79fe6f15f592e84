/// A saved plan that cannot be read: a field is missing, has the wrong type or an invalid value. The description
/// names the field as it is spelled in the JSON (`series[2].fingerprint`), for `error:` lines.
public struct PlanFormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The field, e.g. `manifest_digest` or `series[2].actions[0].kind`; empty for the document itself.
    public var field: String
    /// What is wrong with it.
    public var problem: String

    /// A problem with a named field.
    public init(field: String, problem: String) {
        self.field = field
        self.problem = problem
    }

    /// Translates a decoding failure into the field it concerns.
    public init(_ error: DecodingError) {
        switch error {
        case .keyNotFound(let key, let context):
            self.init(field: Self.path(context.codingPath + [key]), problem: "is missing")
        case .valueNotFound(_, let context):
            self.init(field: Self.path(context.codingPath), problem: "is null")
        case .typeMismatch(let type, let context):
            self.init(field: Self.path(context.codingPath), problem: "is not \(Self.noun(type))")
        case .dataCorrupted(let context):
            self.init(
                field: Self.path(context.codingPath),
                problem: context.codingPath.isEmpty ? "is not valid JSON" : "has an invalid value")
        @unknown default:
            self.init(field: "", problem: "cannot be read")
        }
    }

    public var description: String {
        field.isEmpty ? "the plan \(problem)" : "field `\(field)` \(problem)"
    }

    static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + snakeCase(key.stringValue)
            }
        }
        return text
    }

    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
        }
        return result
    }

    static func noun(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "of the expected kind"
        }
    }
}
