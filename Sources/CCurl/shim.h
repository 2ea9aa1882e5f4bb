// libcurl's easy interface for tsdb-cli's streaming HTTP client. curl_easy_setopt and
// curl_easy_getinfo are variadic, which Swift cannot call: these typed wrappers can be.
#include <curl/curl.h>

typedef size_t (*tsdb_curl_data_fn)(char *data, size_t size, size_t count, void *context);
typedef int (*tsdb_curl_progress_fn)(void *context, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

static inline CURLcode tsdb_curl_set_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tsdb_curl_set_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tsdb_curl_set_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode tsdb_curl_set_data_fn(CURL *h, CURLoption o, tsdb_curl_data_fn f) { return curl_easy_setopt(h, o, f); }
static inline CURLcode tsdb_curl_set_progress_fn(CURL *h, tsdb_curl_progress_fn f) { return curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f); }
static inline CURLcode tsdb_curl_set_headers(CURL *h, struct curl_slist *list) { return curl_easy_setopt(h, CURLOPT_HTTPHEADER, list); }
static inline CURLcode tsdb_curl_set_post_body(CURL *h, const char *body, long length) {
    CURLcode rc = curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, length);
    return rc != CURLE_OK ? rc : curl_easy_setopt(h, CURLOPT_COPYPOSTFIELDS, body);
}
static inline long tsdb_curl_response_code(CURL *h) {
    long code = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    return code;
}
static inline const char *tsdb_curl_content_type(CURL *h) {
    char *type = NULL;
    curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
    return type;
}
static inline CURLcode tsdb_curl_global_init(void) { return curl_global_init(CURL_GLOBAL_DEFAULT); }
