import CCurl

/// A libcurl easy handle with the header list and error buffer it uses, freed together
/// once the handle is cleaned up: how every transfer of this module starts.
final class CurlEasy {
    /// `curl_global_init`, once (libcurl counts its callers, so FoundationNetworking's own
    /// call does no harm).
    static let initialized: CURLcode = curl_global_init(Int(CURL_GLOBAL_ALL))

    let handle: UnsafeMutableRawPointer
    private var headers: UnsafeMutablePointer<curl_slist>?
    private let errorText: UnsafeMutablePointer<CChar>
    /// An option libcurl refused while the handle was set up, if any.
    private(set) var refused: CURLcode?

    /// A handle that sends `headerLines` with its request and keeps libcurl's words for
    /// an error; `nil` when libcurl cannot start a transfer.
    init?(headerLines: [String]) {
        guard Self.initialized == CURLE_OK, let handle = curl_easy_init() else { return nil }
        self.handle = handle
        errorText = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorText.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
        for line in headerLines {
            // (Freed by `deinit`, with what was set up so far.)
            guard let list = curl_slist_append(headers, line) else { return nil }
            headers = list
        }
        for code in [crier_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headers),
                     crier_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorText))] where code != CURLE_OK {
            refused = refused ?? code
        }
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headers)
        errorText.deallocate()
    }

    /// libcurl's words for the failure `code`: its error buffer's, else its name's.
    func detail(_ code: CURLcode) -> String {
        errorText.pointee != 0 ? String(cString: errorText) : String(cString: curl_easy_strerror(code))
    }
}
