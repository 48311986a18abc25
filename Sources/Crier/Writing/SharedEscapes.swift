import CrierXML
import Synchronization

/// Entry contents escaped once for the two XML files of one feed: Atom's `<content>` and
/// RSS's `<content:encoded>` hold the same escaped HTML, and escaping is most of what
/// writing an entry costs. The two files are written at the same time; whichever writer
/// reaches an entry first escapes its content and leaves it here, and the other takes it,
/// which empties the slot.
///
/// At most `limit` bytes wait at once (one writer far ahead of the other, or a publish
/// copying an entry in one file that it writes in the other); past that, the first writer
/// keeps what it escaped to itself and the second escapes again.
final class SharedEscapes: Sendable {
    private enum Slot {
        /// No writer has been here.
        case empty
        /// One writer escaped the content and left it for the other.
        case waiting([UInt8])
        /// Both writers have been, or the first could not leave it: nothing to keep.
        case done
    }

    private struct State {
        var slots: [Slot]
        var waitingBytes = 0
    }

    private let state: Mutex<State>
    private let limit: Int

    /// Slots for a feed of `count` entries.
    init(count: Int, limit: Int = 32 << 20) {
        state = Mutex(State(slots: Array(repeating: .empty, count: count)))
        self.limit = limit
    }

    /// `content` (entry `index`'s) escaped as `XMLWriter.text(_:)` escapes it: left by the
    /// other writer, or escaped now and left for it. `nil` when the content needs cleaning
    /// first, which `XMLWriter.text(_:)` does.
    func escaped(_ index: Int, _ content: String) -> [UInt8]? {
        let left: [UInt8]? = state.withLock { state in
            guard case .waiting(let bytes) = state.slots[index] else { return nil }
            state.slots[index] = .done
            state.waitingBytes -= bytes.count
            return bytes
        }
        if let left { return left }
        let escaped = XMLWriter.escaped(content)
        state.withLock { state in
            switch state.slots[index] {
            case .empty:
                if let escaped, state.waitingBytes + escaped.count <= limit {
                    state.slots[index] = .waiting(escaped)
                    state.waitingBytes += escaped.count
                } else {
                    state.slots[index] = .done
                }
            case .waiting(let bytes):
                // The other writer escaped it meanwhile: neither needs it any more.
                state.slots[index] = .done
                state.waitingBytes -= bytes.count
            case .done:
                break
            }
        }
        return escaped
    }

    /// The bytes escaped and not yet taken (for tests).
    var waitingBytes: Int { state.withLock { $0.waitingBytes } }
}

extension XMLWriter {
    /// `<name attributes>content</name>`, as `element(_:_:attributes:)` writes it, the
    /// content (entry `index`'s) escaped through `escapes` when there are any.
    func element(_ name: String, attributes: KeyValuePairs<String, String> = [:], sharing content: String,
                 of index: Int, through escapes: SharedEscapes?) throws {
        guard let escapes, let escaped = escapes.escaped(index, content) else {
            return try element(name, content, attributes: attributes)
        }
        try startElement(name, attributes: attributes)
        try escapedText(escaped)
        try endElement()
    }
}
