import CrierXML

extension Link {
    /// Writes the link as an empty `name` element: `leading` (`rel` and `href`, in the
    /// writer's own order), then `type` and `title` when set.
    func write(as name: String, leading: KeyValuePairs<String, String>, to w: XMLWriter) throws {
        try w.startElement(name, attributes: leading)
        if let type { try w.attribute("type", type) }
        if let title { try w.attribute("title", title) }
        try w.endElement()
    }
}
