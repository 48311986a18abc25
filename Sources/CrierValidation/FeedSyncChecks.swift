import CrierXML

/// FeedSync (`sx:`) rules that relate attributes to each other.
enum FeedSyncChecks {
    static func check(_ e: XMLElement, sink: DiagnosticSink) {
        if e.name == "sync" && !e.elements.contains(where: { $0.name == "history" && $0.namespace == e.namespace }) {
            sink.error("MissingElement", at: e, "<sx:sync> has no <sx:history>.", spec: "FeedSync 1.0 §sx:sync")
        }
        if e.name == "history" && e.attribute("by") == nil && e.attribute("when") == nil {
            sink.error("MissingByAndWhenAttrs", at: e, "<sx:history> needs a by or a when attribute.", spec: "FeedSync 1.0 §sx:history")
        }
        guard e.name == "sharing" else { return }
        let spec = "FeedSync 1.0 §sx:sharing"
        let since = e.attribute("since"), until = e.attribute("until")
        if since != nil && until == nil {
            sink.error("MissingAttribute", at: e, "<sx:sharing> has since but no until.", spec: spec)
        } else if until != nil && since == nil {
            sink.error("MissingAttribute", at: e, "<sx:sharing> has until but no since.", spec: spec)
        } else if let since, let until, DateValues.isRFC3339(since), DateValues.isRFC3339(until), since > until {
            // Same-zone RFC 3339 stamps compare as text; the spec's examples use Z.
            sink.error("SinceAfterUntil", at: e, "<sx:sharing> since is after until.", spec: spec)
        }
    }
}
