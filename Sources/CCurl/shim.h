#ifndef CRIER_CCURL_SHIM_H
#define CRIER_CCURL_SHIM_H

#include <curl/curl.h>
#include <sys/socket.h>

/* curl_easy_setopt is variadic, which Swift cannot call: one non-variadic wrapper per
   argument type, each passing the type curl.h documents for the options it is used with. */

/* CURLOPTTYPE_LONG options (a long). */
static inline CURLcode crier_curl_setopt_long(CURL *curl, CURLoption option, long value) {
    return curl_easy_setopt(curl, option, value);
}

/* CURLOPTTYPE_STRINGPOINT options: libcurl copies the string. */
static inline CURLcode crier_curl_setopt_string(CURL *curl, CURLoption option, const char *value) {
    return curl_easy_setopt(curl, option, value);
}

/* CURLOPTTYPE_OBJECTPOINT and CURLOPTTYPE_CBPOINT options: kept as given, so it must
   outlive the transfer (CURLOPT_ERRORBUFFER, CURLOPT_WRITEDATA, CURLOPT_HEADERDATA). */
static inline CURLcode crier_curl_setopt_pointer(CURL *curl, CURLoption option, void *value) {
    return curl_easy_setopt(curl, option, value);
}

/* CURLOPT_HTTPHEADER and the other CURLOPTTYPE_SLISTPOINT options: kept as given. */
static inline CURLcode crier_curl_setopt_slist(CURL *curl, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(curl, option, value);
}

/* CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION (the same signature). */
static inline CURLcode crier_curl_setopt_write_callback(CURL *curl, CURLoption option, curl_write_callback value) {
    return curl_easy_setopt(curl, option, value);
}

/* Opens each of the transfer's sockets close-on-exec, so that a process started while
   the transfer runs (by a program that validates feeds in-process) does not inherit the
   connection and keep it open after libcurl has closed it. */
static curl_socket_t crier_curl_open_socket(void *clientp, curlsocktype purpose, struct curl_sockaddr *address) {
    (void)clientp;
    (void)purpose;
    return socket(address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

static inline CURLcode crier_curl_close_sockets_on_exec(CURL *curl) {
    return curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, crier_curl_open_socket);
}

/* Allows only HTTP and HTTPS: CURLOPT_PROTOCOLS_STR from 7.85, where CURLOPT_PROTOCOLS
   became deprecated. */
static inline CURLcode crier_curl_allow_only_http(CURL *curl) {
#if LIBCURL_VERSION_NUM >= 0x075500
    return curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    return curl_easy_setopt(curl, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
}

#endif
