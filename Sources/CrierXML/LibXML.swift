import CLibXML2

/// One-time libxml2 initialisation. `xmlCleanupParser()` is never called: other threads
/// may still be parsing when any one caller finishes.
enum LibXML {
    static let initialised: Bool = {
        xmlInitParser()
        return true
    }()

    static func ensureInitialised() {
        _ = initialised
    }
}

extension String {
    /// Copies a libxml2 string (NUL-terminated UTF-8) into a Swift string.
    init?(xmlChars: UnsafePointer<xmlChar>?) {
        guard let xmlChars else { return nil }
        self = String(cString: UnsafeRawPointer(xmlChars).assumingMemoryBound(to: CChar.self))
    }

    /// Copies and frees a string that libxml2 allocated for the caller.
    init?(ownedXMLChars: UnsafeMutablePointer<xmlChar>?) {
        guard let ownedXMLChars else { return nil }
        defer { crier_xmlFree(ownedXMLChars) }
        self = String(cString: UnsafeRawPointer(ownedXMLChars).assumingMemoryBound(to: CChar.self))
    }
}
