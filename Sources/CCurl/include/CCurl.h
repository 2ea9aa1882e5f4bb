// libcurl's easy interface for tsdb-cli's HTTP client, loaded with dlopen on first use: only --server
// needs it, and linking it would make every local query map libcurl and its ~28 dependencies at start.
// curl.h is read for its types and constants only; every call goes through these wrappers (which also
// give Swift typed forms of the variadic curl_easy_setopt and curl_easy_getinfo).
#ifndef TSDB_CCURL_H
#define TSDB_CCURL_H
#include <curl/curl.h>

typedef size_t (*tsdb_curl_data_fn)(char *data, size_t size, size_t count, void *context);
typedef int (*tsdb_curl_progress_fn)(void *context, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow);

/// Loads libcurl (once; $TSDB_LIBCURL names another file than libcurl.so.4) and runs curl_global_init.
/// NULL when it is ready, else why not; every other function here needs a NULL from it first.
const char *tsdb_curl_load(void);

CURL *tsdb_curl_easy_init(void);
void tsdb_curl_easy_cleanup(CURL *h);
CURLcode tsdb_curl_easy_perform(CURL *h);
const char *tsdb_curl_easy_strerror(CURLcode rc);
struct curl_slist *tsdb_curl_slist_append(struct curl_slist *list, const char *text);
void tsdb_curl_slist_free_all(struct curl_slist *list);

CURLcode tsdb_curl_set_long(CURL *h, CURLoption o, long v);
CURLcode tsdb_curl_set_string(CURL *h, CURLoption o, const char *v);
CURLcode tsdb_curl_set_pointer(CURL *h, CURLoption o, void *v);
CURLcode tsdb_curl_set_data_fn(CURL *h, CURLoption o, tsdb_curl_data_fn f);
CURLcode tsdb_curl_set_progress_fn(CURL *h, tsdb_curl_progress_fn f);
CURLcode tsdb_curl_set_headers(CURL *h, struct curl_slist *list);
/// A POST body of `length` bytes, not copied: it must outlive tsdb_curl_easy_perform.
CURLcode tsdb_curl_set_post_body(CURL *h, const void *body, curl_off_t length);
long tsdb_curl_response_code(CURL *h);
const char *tsdb_curl_content_type(CURL *h);

#endif
