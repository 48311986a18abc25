import CrierXML

/// Google Base (`g:`) item attributes, as the Google Base attribute reference defined them.
enum GoogleBaseChecks {
    static let uri = "http://base.google.com/ns/1.0"

    static let namespace = ExtensionNamespace(name: "g", spec: "Google Base attributes", closed: false, elements: [
        "age": .init(scope: .item, singleton: true, text: .nonNegativeInteger),
        "bathrooms": .init(scope: .item, singleton: true, text: .float),
        "bedrooms": .init(scope: .item, singleton: true, text: .float),
        "pages": .init(scope: .item, singleton: true, text: .nonNegativeInteger),
        "quantity": .init(scope: .item, singleton: true, text: .nonNegativeInteger),
        "listing_type": .init(scope: .item, singleton: true, text: .trueFalse),
        "price_type": .init(scope: .item, singleton: true, text: .oneOf(["negotiable", "starting"], rule: "InvalidPriceType", caseSensitive: false)),
        "image_link": .init(scope: .item, text: .fullURI),
        "url_of_item_being_reviewed": .init(scope: .item, text: .fullURI),
        "expiration_date": .init(scope: .item, singleton: true, text: .w3cdtfOptionalZone),
        "publish_date": .init(scope: .item, text: .w3cdtfOptionalZone),
        "course_date_range": .init(scope: .item, nested: true),
        "event_date_range": .init(scope: .item, nested: true),
        "start": .init(singleton: true, text: .w3cdtfOptionalZone),
        "gender": .init(scope: .item, singleton: true, text: .oneOf(["male", "female", "m", "f"], rule: "InvalidGender", caseSensitive: false)),
        "marital_status": .init(scope: .item, singleton: true, text: .oneOf(["single", "divorced", "separated", "widowed", "married", "in relationship"], rule: "InvalidMaritalStatus", caseSensitive: false)),
        "reviewer_type": .init(scope: .item, singleton: true, text: .oneOf(["editorial", "user"], rule: "InvalidReviewerType", caseSensitive: false)),
        "salary_type": .init(scope: .item, singleton: true, text: .oneOf(["starting", "negotiable"], rule: "InvalidSalaryType", caseSensitive: false)),
        "pickup": .init(scope: .item, singleton: true, text: .trueFalse),
        "hoa_dues": .init(scope: .item, singleton: true, text: .float),
        "megapixels": .init(scope: .item, singleton: true, text: .float),
        // Checked in `check(_:parent:sink:)`.
        "payment_accepted": .init(scope: .item),
        "tax_percent": .init(scope: .item, singleton: true),
        "area": .init(scope: .item, singleton: true),
        "mileage": .init(scope: .item, singleton: true),
        "weight": .init(scope: .item, singleton: true),
        "delivery_radius": .init(scope: .item, singleton: true),
        "processor_speed": .init(scope: .item, singleton: true),
        "memory": .init(scope: .item, singleton: true),
        "currency": .init(scope: .item, singleton: true),
        "price": .init(scope: .item, singleton: true),
        "salary": .init(scope: .item, singleton: true),
        "year": .init(scope: .item, singleton: true),
        "location": .init(scope: .item, singleton: true),
        "from_location": .init(scope: .item, singleton: true),
        "to_location": .init(scope: .item, singleton: true),
        "label": .init(scope: .item),
        "end": .init(singleton: true, text: .w3cdtfOptionalZone),
    ])

    static let currencies: Set<String> = [
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT",
        "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BOV", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD",
        "CAD", "CDF", "CHE", "CHF", "CHW", "CLF", "CLP", "CNY", "COP", "COU", "CRC", "CUC", "CUP",
        "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB", "EUR", "FJD", "FKP", "GBP",
        "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HRK", "HTG", "HUF", "IDR",
        "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF", "KPW",
        "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
        "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MXV", "MYR", "MZN", "NAD",
        "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG",
        "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE",
        "SLL", "SOS", "SRD", "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP",
        "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD", "USN", "UYI", "UYU", "UYW", "UZS", "VED",
        "VES", "VND", "VUV", "WST", "XAF", "XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XCD", "XDR",
        "XOF", "XPD", "XPF", "XPT", "XSU", "XTS", "XUA", "XXX", "YER", "ZAR", "ZMW", "ZWL",
    ]

    /// Rules beyond the table: units, locations, labels, limits.
    static func check(_ e: XMLElement, parent: XMLElement, sink: DiagnosticSink) {
        let spec = "Google Base attributes §g:\(e.name)"
        let raw = e.text
        let value = String(raw.trimmingWhitespace())
        switch e.name {
        case "currency":
            if !currencies.contains(value) {
                sink.error("InvalidCurrencyUnit", at: e, "<g:currency> \"\(value)\" is not an ISO 4217 currency code such as USD.", spec: spec)
            }
        case "payment_accepted":
            let methods: Set<String> = ["cash", "check", "cheque", "visa", "mastercard", "americanexpress", "discover", "wiretransfer", "paypal"]
            if !methods.contains(value.lowercased().filter { !$0.isWhitespace }) {
                sink.error("InvalidPaymentMethod", at: e, "<g:payment_accepted> \"\(value)\" is not a payment method (Cash, Check, Visa, MasterCard, American Express, Discover, Wire transfer).", spec: spec)
            }
        case "tax_percent":
            let number = value.hasSuffix("%") ? String(value.dropLast()) : value
            if !OtherValues.isFloat(number) || !(0...100).contains(Double(number) ?? -1) {
                sink.error("InvalidPercentage", at: e, "<g:tax_percent> \"\(value)\" must be a percentage from 0 to 100.", spec: spec)
            }
        case "area", "mileage":
            if !isFloatWithUnit(value) || value.prefix(while: { !$0.isLetter && !$0.isWhitespace }).contains(".") {
                sink.error("InvalidIntUnit", at: e, "<g:\(e.name)> \"\(value)\" must be a whole number, optionally followed by a unit.", spec: spec)
            }
        case "weight", "delivery_radius", "processor_speed", "memory":
            if !isFloatWithUnit(value) {
                sink.error("InvalidFloatUnit", at: e, "<g:\(e.name)> \"\(value)\" must be a number, optionally followed by a unit.", spec: spec)
            }
        case "price", "salary":
            if !isFloatWithUnit(value) {
                sink.error("InvalidFloatUnit", at: e, "<g:\(e.name)> \"\(value)\" must be a number, optionally followed by a unit.", spec: spec)
            }
        case "year":
            if !(value.count == 4 && value.allSatisfy(\.isASCIIDigit)) {
                sink.error("InvalidYear", at: e, "<g:year> \"\(value)\" must be a four-digit year.", spec: spec)
            }
        case "location":
            if !isLocation(raw, requireComma: false) {
                sink.error("InvalidFullLocation", at: e, "<g:location> \"\(raw)\" must be an address: comma-separated parts, none empty.", spec: spec)
            }
        case "from_location", "to_location":
            if !isLocation(raw, requireComma: true) {
                sink.error("InvalidLocation", at: e, "<g:\(e.name)> \"\(raw)\" must be a place such as \"City, Country\".", spec: spec)
            }
        case "label":
            if raw.contains(",") || raw.trimmingWhitespace() != raw[...] {
                sink.error("InvalidLabel", at: e, "<g:label> holds one label: no commas, no surrounding space.", spec: spec)
            }
        case "image_link":
            let count = parent.elements.filter { $0.name == e.name && $0.namespace == e.namespace }.count
            if count > 10, parent.elements.first(where: { $0.name == e.name && $0.namespace == e.namespace })?.isSameElement(as: e) == true {
                sink.error("TooMany", at: e, "<\(parent.qualifiedName)> has \(count) <g:image_link> elements; at most 10 are allowed.", spec: spec)
            }
        default:
            break
        }
    }

    /// `12`, `12.50`, `12.50 usd`, `10km`.
    static func isFloatWithUnit(_ value: String) -> Bool {
        let number = value.prefix { $0.isASCIIDigit || $0 == "." || $0 == "-" || $0 == "+" }
        guard OtherValues.isFloat(String(number)) else { return false }
        let unit = value.dropFirst(number.count).trimmingWhitespace()
        return unit.allSatisfy { $0.isLetter }
    }

    static func isLocation(_ value: String, requireComma: Bool) -> Bool {
        guard value.trimmingWhitespace() == value[...], !value.isEmpty else { return false }
        let parts = value.split(separator: ",", omittingEmptySubsequences: false)
        if requireComma && parts.count < 2 { return false }
        return parts.allSatisfy { !$0.trimmingWhitespace().isEmpty }
    }
}
