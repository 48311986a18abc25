import CrierValidation
import Foundation

/// A `lang:` or `locale:` setting as the language tag feeds carry. A locale as Jekyll
/// themes write it (`en_US`, or `en_US.UTF-8`) becomes `en-US`; a value that is still no
/// language tag (`English`) is left out with a warning naming its line, rather than
/// failing every feed at the gate.
enum LanguageValue {
    /// The tag for `raw`, or `nil` when it is none.
    static func tag(_ raw: String) -> String? {
        var value = Substring(raw.trimmingCharacters(in: .whitespacesAndNewlines))
        // `en_US.UTF-8`, `de_DE@euro`: the encoding and modifier of a POSIX locale.
        if let end = value.firstIndex(where: { $0 == "." || $0 == "@" }) { value = value[..<end] }
        let tag = value.replacingOccurrences(of: "_", with: "-")
        guard !tag.isEmpty, FeedValues.isLanguageTag(tag) else { return nil }
        return tag
    }

    /// The warning for a setting `key: raw` that is no language tag.
    static func warning(key: String, raw: String, path: String, line: Int?) -> PostError {
        PostError(path: path, line: line, message: "`\(key): \(raw)` is not a language tag such as en or en-US; the feeds name no language")
    }
}
