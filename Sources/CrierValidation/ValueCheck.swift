import CrierXML

/// A check on the text of an element or the value of an attribute, named after the
/// W3C validator's message class it reports.
enum ValueCheck {
    /// An IRI reference (relative allowed).
    case uri
    /// An absolute URI.
    case fullURI
    /// An absolute http(s) URL.
    case httpURL
    case rfc3339, w3cdtf, rfc822
    /// ISO 8601 as W3C-DTF, with the time zone optional (local time).
    case w3cdtfOptionalZone
    /// A rating or category scheme: an absolute URI or a bare `urn:name`.
    case schemeURI
    case positiveInteger, nonNegativeInteger, integer, float
    /// A positive integer that fits in 32 bits (FeedSync counters).
    case positiveInt32
    /// `true` or `false`, lower case.
    case trueFalse
    /// One of a fixed set of values.
    case oneOf(Set<String>, rule: String, caseSensitive: Bool)
    case language
    /// Space-separated ISO 3166 country codes (or `all`/`none`).
    case countryList
    case mediaType
    case latitude, longitude
    /// At most this many characters.
    case maxLength(Int)
    /// `[[HH:]MM:]SS` or seconds (iTunes).
    case duration
    /// Normal Play Time (RFC 2326 §3.6), as Media RSS thumbnails use.
    case npt
    /// A URN namespace-specific string (RFC 2141).
    case nss
    case commaSeparatedIntegers
    /// GeoRSS coordinates: latitude/longitude pairs separated by white space.
    case coordinates(minimum: Int, maximum: Int?)
    case email
    /// A character encoding name registered with IANA (common ones).
    case encoding

    /// Checks `value`; reports through `sink` at `element`. `attribute` names the
    /// attribute when the value comes from one.
    func check(_ raw: String, at element: XMLElement, attribute: String?, sink: DiagnosticSink, spec: String) {
        let what = attribute.map { "\(element.qualifiedName) \($0)=\"\(raw)\"" } ?? "<\(element.qualifiedName)> \"\(raw)\""
        let value = String(raw.trimmingWhitespace())
        func fail(_ rule: String, _ message: String) { sink.error(rule, at: element, "\(what): \(message)", spec: spec) }
        switch self {
        case .uri, .fullURI, .httpURL:
            let absolute = { if case .uri = self { false } else { true } }()
            switch URIValues.check(value, absolute: absolute, iri: false) {
            case .valid:
                if case .httpURL = self, !["http", "https"].contains(URIValues.scheme(of: value) ?? "") {
                    fail(attribute == nil ? "InvalidFullLink" : "InvalidURLAttribute", "must be an http(s) URL.")
                }
            case .invalidCharacter:
                fail("InvalidUriChar", "contains a character that must be percent-encoded.")
            case .notAbsolute, .invalid:
                if case .httpURL = self, attribute != nil {
                    fail("InvalidURLAttribute", "must be an absolute http(s) URL.")
                } else {
                    fail(absolute ? "InvalidFullLink" : (attribute == nil ? "InvalidIRI" : "InvalidURIAttribute"), absolute ? "must be an absolute URI." : "is not a valid IRI.")
                }
            case .invalidTag: fail("InvalidTAG", "is not a valid tag: URI.")
            case .invalidUUID: fail("InvalidUUID", "is not a valid urn:uuid: URI.")
            case .invalidURN: fail("InvalidURN", "is not a valid URN.")
            }
        case .rfc3339:
            if !DateValues.isRFC3339(raw) { fail("InvalidRFC3339Date", "is not an RFC 3339 date-time.") }
        case .w3cdtf:
            if !DateValues.isW3CDTF(value) { fail("InvalidW3CDTFDate", "is not a W3C-DTF date.") }
        case .w3cdtfOptionalZone:
            if !DateValues.isW3CDTF(value, zoneRequired: false) { fail("InvalidW3CDTFDate", "is not an ISO 8601 date.") }
        case .schemeURI:
            let parts = value.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 2, parts[0].lowercased() == "urn", !parts[1].isEmpty, parts[1].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) {
                break
            }
            ValueCheck.fullURI.check(raw, at: element, attribute: attribute, sink: sink, spec: spec)
        case .rfc822:
            switch DateValues.rfc822(value) {
            case .valid: break
            case .invalid: fail("InvalidRFC2822Date", "is not an RFC 822 date.")
            case .incorrectDayOfWeek: fail("IncorrectDOW", "names the wrong day of the week.")
            case .problematic: sink.warning("ProblematicalRFC822Date", at: element, "\(what): many readers misread this date form.", spec: spec)
            }
        case .positiveInteger:
            if !OtherValues.isPositiveInteger(value) { fail("InvalidPositiveInteger", "must be a whole number greater than zero.") }
        case .nonNegativeInteger:
            if !OtherValues.isNonNegativeInteger(value) { fail("InvalidNonNegativeInteger", "must be a whole number, zero or more.") }
        case .integer:
            if !OtherValues.isInteger(value) { fail("InvalidInteger", "must be a whole number.") }
        case .float:
            if !OtherValues.isFloat(value) { fail("InvalidFloat", "must be a number.") }
        case .positiveInt32:
            guard let number = OtherValues.integerValue(value), number > 0 else {
                fail("InvalidPositiveInteger", "must be a whole number greater than zero.")
                break
            }
            if number > Int(Int32.max) {
                fail("IntegerOverflow", "is larger than 2147483647.")
            }
        case .trueFalse:
            if value != "true" && value != "false" { fail("InvalidTrueFalse", "must be true or false.") }
        case .oneOf(let allowed, let rule, let caseSensitive):
            let v = caseSensitive ? value : value.lowercased()
            if !allowed.contains(v) { fail(rule, "must be one of \(allowed.sorted().joined(separator: ", ")).") }
        case .language:
            if !LanguageCodes.isValid(value) { fail("InvalidLanguage", "is not a language code.") }
        case .countryList:
            for code in value.split(separator: " ") where !(code == "all" || code == "none" || CountryCodes.all.contains(Substring(code.uppercased()))) {
                fail("InvalidCountryCode", "\"\(code)\" is not an ISO 3166 country code.")
                break
            }
        case .mediaType:
            if !OtherValues.isMediaType(value) { fail("InvalidMIMEType", "is not a media type.") }
        case .latitude:
            if !OtherValues.isFloat(value) || abs(Double(value) ?? 999) > 90 { fail("InvalidLatitude", "must be a latitude from -90 to 90.") }
        case .longitude:
            if !OtherValues.isFloat(value) || abs(Double(value) ?? 999) > 180 { fail("InvalidLongitude", "must be a longitude from -180 to 180.") }
        case .maxLength(let limit):
            if raw.count > limit { fail("TooLong", "is longer than \(limit) characters.") }
        case .duration:
            if !ValueCheck.isDuration(value) { fail("InvalidDuration", "must be seconds or [HH:]MM:SS.") }
        case .npt:
            if !ValueCheck.isNPT(value) { fail("InvalidNPTTime", "is not a Normal Play Time (seconds or h:mm:ss).") }
        case .nss:
            if !URIValues.isURN("urn:xx:" + value) { fail("InvalidNSS", "is not a URN namespace-specific string.") }
        case .commaSeparatedIntegers:
            if !value.split(separator: ",", omittingEmptySubsequences: false).allSatisfy({ OtherValues.isInteger(String($0.trimmingWhitespace())) }) {
                fail("InvalidCommaSeparatedIntegers", "must be whole numbers separated by commas.")
            }
        case .coordinates(let minimum, let maximum):
            // A comma between the two numbers of a point is a common slip readers accept.
            let numbers = value.split(whereSeparator: { $0.isWhitespace || $0 == "," })
            let valid = numbers.allSatisfy { OtherValues.isFloat(String($0)) }
            let count = numbers.count
            if !valid || count < minimum || count % 2 != 0 || (maximum.map { count > $0 } ?? false) {
                fail(minimum == 2 ? "InvalidCoord" : "InvalidCoordList", "must be latitude/longitude pairs separated by spaces.")
            } else {
                let values = numbers.compactMap { Double(String($0)) }
                for pair in stride(from: 0, to: values.count, by: 2) where abs(values[pair]) > 90 || abs(values[pair + 1]) > 180 {
                    fail(minimum == 2 ? "InvalidCoord" : "InvalidCoordList", "holds a latitude or longitude out of range.")
                    break
                }
            }
        case .email:
            if !OtherValues.isRSSContact(value) { fail("InvalidContact", "is not an e-mail address.") }
        case .encoding:
            if !ValueCheck.isEncodingName(value) { fail("InvalidEncoding", "is not a registered character encoding.") }
        }
    }

    static func isDuration(_ value: String) -> Bool {
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        guard (1...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else {
            return parts.count == 1 && OtherValues.isFloat(value) && !value.hasPrefix("-")
        }
        if parts.count == 1 { return true }
        // Minutes and seconds after the first field are below 60.
        return parts.dropFirst().allSatisfy { $0.count <= 2 && (Int($0) ?? 60) < 60 }
    }

    static func isNPT(_ value: String) -> Bool {
        if value == "now" { return true }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        func isSeconds(_ s: Substring) -> Bool {
            let pieces = s.split(separator: ".", omittingEmptySubsequences: false)
            return (1...2).contains(pieces.count) && !pieces[0].isEmpty && pieces.allSatisfy { $0.allSatisfy(\.isASCIIDigit) }
        }
        switch parts.count {
        case 1: return isSeconds(parts[0])
        case 3:
            guard !parts[0].isEmpty, parts[0].allSatisfy(\.isASCIIDigit), parts[1].count == 2, parts[1].allSatisfy(\.isASCIIDigit),
                  (Int(parts[1]) ?? 60) < 60, isSeconds(parts[2]), (Double(parts[2]) ?? 60) < 60 else { return false }
            return true
        default: return false
        }
    }

    static let encodings: Set<String> = [
        "utf-8", "utf-16", "utf-16be", "utf-16le", "utf-32", "us-ascii", "ascii", "iso-8859-1", "iso-8859-2", "iso-8859-3",
        "iso-8859-4", "iso-8859-5", "iso-8859-6", "iso-8859-7", "iso-8859-8", "iso-8859-9", "iso-8859-10", "iso-8859-13",
        "iso-8859-14", "iso-8859-15", "iso-8859-16", "windows-1250", "windows-1251", "windows-1252", "windows-1253",
        "windows-1254", "windows-1255", "windows-1256", "windows-1257", "windows-1258", "shift_jis", "euc-jp", "iso-2022-jp",
        "euc-kr", "iso-2022-kr", "gb2312", "gbk", "gb18030", "big5", "big5-hkscs", "koi8-r", "koi8-u", "tis-620", "macintosh",
        "ibm437", "ibm850", "ibm866", "utf-7", "latin1", "cp1252",
    ]

    static func isEncodingName(_ value: String) -> Bool { encodings.contains(value.lowercased()) }
}
