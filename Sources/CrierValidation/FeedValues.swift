/// Rules of the validator for values a feed takes from its author's settings, so that a
/// generator can check a setting where it is written (naming the configuration file and
/// line) instead of failing the written feed at the gate.
public enum FeedValues {
    /// Whether `tag` passes as `xml:lang` or RSS `<language>`: its primary subtag is a
    /// known language code (`LanguageCodes`).
    public static func isLanguageTag(_ tag: String) -> Bool { LanguageCodes.isValid(tag) }

    /// Whether `address` passes as an Atom `<email>` or an RSS author's address.
    public static func isEmailAddress(_ address: String) -> Bool { OtherValues.isEmail(address) }
}
