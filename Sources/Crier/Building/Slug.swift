/// Readable file names for tag and category feeds.
public enum Slug {
    /// Lower-cased letters and digits of any script, other characters folded into single
    /// hyphens: `Swift on Linux` → `swift-on-linux`, `Café Crème` → `café-crème`,
    /// `日本語` → `日本語`. A name with no letter or digit at all gets a slug made of its
    /// code points, so every tag has a path.
    public static func make(_ name: String) -> String {
        var slug = ""
        var pendingHyphen = false
        for scalar in name.lowercased().unicodeScalars {
            let p = scalar.properties
            if p.isAlphabetic || p.numericType != nil || p.generalCategory == .nonspacingMark {
                if pendingHyphen && !slug.isEmpty { slug.append("-") }
                pendingHyphen = false
                slug.unicodeScalars.append(scalar)
            } else {
                pendingHyphen = true
            }
        }
        if slug.isEmpty {
            slug = name.unicodeScalars.map { "u" + String($0.value, radix: 16) }.joined(separator: "-")
        }
        return slug.isEmpty ? "untitled" : slug
    }
}
