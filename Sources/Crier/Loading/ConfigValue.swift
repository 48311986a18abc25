import Foundation

/// A value read from front matter or a site configuration, whatever its syntax (YAML or
/// TOML): one shape for both so the rules that read them are written once.
indirect enum ConfigValue: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    /// A TOML date or date-time (YAML timestamps stay strings: see `FrontMatter`).
    case dateTime(DateTimeValue)
    case array([ConfigValue])
    case table(ConfigTable)
    case null

    /// The text of a scalar (numbers and booleans as written in YAML), `nil` otherwise.
    var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .float(let d): return String(d)
        case .bool(let b): return b ? "true" : "false"
        case .dateTime, .array, .table, .null: return nil
        }
    }

    /// What the value is, in words for a message about a key that wants another kind of
    /// value: "a list", "a mapping" ("a table" in TOML), "a date", "the text 'x'", "the
    /// number 3", "true", "false" or "empty".
    func kindForUser(toml: Bool = false) -> String {
        switch self {
        case .string(let s): return "the text '\(s.count > 40 ? String(s.prefix(40)) + "…" : s)'"
        case .integer, .float: return "the number \(scalarText ?? "")"
        case .bool(let b): return b ? "true" : "false"
        case .dateTime: return "a date"
        case .array: return "a list"
        case .table: return toml ? "a table" : "a mapping"
        case .null: return "empty"
        }
    }

    var table: ConfigTable? {
        if case .table(let t) = self { return t }
        return nil
    }

    /// A boolean, also from the strings `true`/`false` (written quoted by some people).
    var bool: Bool? {
        switch self {
        case .bool(let b): return b
        case .string(let s):
            switch s.lowercased() {
            case "true", "yes", "on": return true
            case "false", "no", "off": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// The value as Hugo 0.111 reads `draft` (Go's `cast.ToBool`): a boolean; a number,
    /// true unless 0; text as Go's `strconv.ParseBool` reads it (`1`, `t`, `TRUE`...); and,
    /// in YAML (`yaml`), the YAML 1.1 words Hugo's YAML reader takes for booleans when
    /// written plain (`yes`, `y`, `on`, `no`...: Crier's reader keeps them as text, quoted
    /// or not, so they count as written plain). `nil` for anything else, which Hugo takes
    /// for false.
    func hugoBool(yaml: Bool) -> Bool? {
        switch self {
        case .bool(let b): return b
        case .integer(let i): return i != 0
        case .float(let d): return d != 0
        case .string(let s):
            switch s {
            case "1", "t", "T", "TRUE", "true", "True": return true
            case "0", "f", "F", "FALSE", "false", "False": return false
            default:
                guard yaml else { return nil }
                switch s {
                case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON": return true
                case "n", "N", "no", "No", "NO", "off", "Off", "OFF": return false
                default: return nil
                }
            }
        default: return nil
        }
    }

    var int: Int? {
        switch self {
        case .integer(let i): return i
        case .string(let s): return Int(s.trimmingCharacters(in: .whitespaces))
        default: return nil
        }
    }

    /// A list of strings from a list, or from one string split on spaces (Jekyll's
    /// `tags: swift feeds`).
    var stringList: [String] {
        switch self {
        case .array(let items): return items.compactMap { $0.scalarText }.filter { !$0.isEmpty }
        case .string(let s): return s.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        case .integer, .float, .bool: return scalarText.map { [$0] } ?? []
        default: return []
        }
    }
}

/// A table (mapping) with its keys in written order, and the line each key is on.
struct ConfigTable: Sendable, Equatable {
    private(set) var keys: [String] = []
    private(set) var values: [String: ConfigValue] = [:]
    /// 1-based line of each key in the text it came from, where known.
    var lines: [String: Int] = [:]
    /// The keys whose value is written in YAML as an unquoted timestamp with a time of day
    /// and no zone (`date: 2024-03-05 20:00:00`): Ruby's YAML, and so Jekyll, reads such a
    /// value as UTC, where a quoted one, or one without seconds, is read in the site's zone.
    var unzonedYAMLTimestamps: Set<String> = []

    init() {}

    /// The value of `key`; `nil` when it is absent or null (`~`, `null` or nothing in
    /// YAML): a key left empty is a setting not made.
    subscript(key: String) -> ConfigValue? {
        get { values[key].flatMap { $0 == .null ? nil : $0 } }
        set {
            if let newValue {
                if values.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if values.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// The value of the first of `names` present and not null, compared without case
    /// (Hugo's keys are case-insensitive: `baseURL`, `baseurl`).
    func first(_ names: String...) -> (key: String, value: ConfigValue)? { first(of: names) }

    /// The value of the first of `names` present, as `first(_:)` finds it.
    func value(_ names: String...) -> ConfigValue? { first(of: names)?.value }

    private func first(of names: [String]) -> (key: String, value: ConfigValue)? {
        for name in names {
            if let value = self[name] { return (name, value) }
            let lower = name.lowercased()
            if let key = keys.first(where: { Self.lowercases($0, to: lower) && self[$0] != nil }), let value = self[key] {
                return (key, value)
            }
        }
        return nil
    }

    /// Whether `key.lowercased() == lower`, without lowercasing (a new string) when both
    /// are ASCII: ASCII text equals only the same bytes, and lower-casing it maps `A`–`Z`
    /// to `a`–`z` and nothing else.
    static func lowercases(_ key: String, to lower: String) -> Bool {
        var key = key, lower = lower
        let ascii = key.withUTF8 { keyBytes in
            lower.withUTF8 { lowerBytes -> Bool? in
                guard keyBytes.isAllASCII, lowerBytes.isAllASCII else { return nil }
                guard keyBytes.count == lowerBytes.count else { return false }
                for (byte, expected) in zip(keyBytes, lowerBytes) {
                    let lowered = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
                    if lowered != expected { return false }
                }
                return true
            }
        }
        return ascii ?? (key.lowercased() == lower)
    }

    func line(of key: String) -> Int? { lines[key] }

    /// The table with every key in lower case, in the same order; of keys that differ
    /// only by case, the first written wins (nested tables are left as they are).
    func withLowercasedKeys() -> ConfigTable {
        var lowered = ConfigTable()
        for key in keys {
            let lower = key.lowercased()
            guard !lowered.contains(lower), let value = values[key] else { continue }
            lowered[lower] = value
            lowered.lines[lower] = lines[key]
        }
        return lowered
    }

    /// Whether `key` is in the table, null or not.
    func contains(_ key: String) -> Bool { values[key] != nil }
}
