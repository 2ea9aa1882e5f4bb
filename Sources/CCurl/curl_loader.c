// Resolves the few libcurl functions tsdb-cli calls, from a library opened at run time (see CCurl.h).
#include "CCurl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static struct {
    CURLcode (*global_init)(long flags);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *h);
    CURLcode (*easy_perform)(CURL *h);
    const char *(*easy_strerror)(CURLcode rc);
    CURLcode (*easy_setopt)(CURL *h, CURLoption o, ...);
    CURLcode (*easy_getinfo)(CURL *h, CURLINFO i, ...);
    struct curl_slist *(*slist_append)(struct curl_slist *list, const char *text);
    void (*slist_free_all)(struct curl_slist *list);
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *load_error;
static char load_message[1024];

static void *need(void *lib, const char *name, const char *path) {
    void *f = dlsym(lib, name);
    if (f == NULL && load_error == NULL) {
        snprintf(load_message, sizeof load_message, "%s has no %s (libcurl 7.x or 8.x is needed)", path, name);
        load_error = load_message;
    }
    return f;
}

static void load(void) {
    const char *path = getenv("TSDB_LIBCURL");
    if (path == NULL || *path == 0) path = "libcurl.so.4";
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *why = dlerror();
        snprintf(load_message, sizeof load_message, "%s", why ? why : path);
        load_error = load_message;
        return;
    }
    curl.global_init = (CURLcode (*)(long))need(lib, "curl_global_init", path);
    curl.easy_init = (CURL *(*)(void))need(lib, "curl_easy_init", path);
    curl.easy_cleanup = (void (*)(CURL *))need(lib, "curl_easy_cleanup", path);
    curl.easy_perform = (CURLcode (*)(CURL *))need(lib, "curl_easy_perform", path);
    curl.easy_strerror = (const char *(*)(CURLcode))need(lib, "curl_easy_strerror", path);
    curl.easy_setopt = (CURLcode (*)(CURL *, CURLoption, ...))need(lib, "curl_easy_setopt", path);
    curl.easy_getinfo = (CURLcode (*)(CURL *, CURLINFO, ...))need(lib, "curl_easy_getinfo", path);
    curl.slist_append = (struct curl_slist *(*)(struct curl_slist *, const char *))need(lib, "curl_slist_append", path);
    curl.slist_free_all = (void (*)(struct curl_slist *))need(lib, "curl_slist_free_all", path);
    if (load_error != NULL) return;
    // Once, before the first handle, while no other thread uses libcurl (libcurl asks for that).
    CURLcode rc = curl.global_init(CURL_GLOBAL_DEFAULT);
    if (rc != CURLE_OK) {
        snprintf(load_message, sizeof load_message, "curl_global_init failed: %s", curl.easy_strerror(rc));
        load_error = load_message;
    }
}

const char *tsdb_curl_load(void) {
    pthread_once(&load_once, load);
    return load_error;
}

CURL *tsdb_curl_easy_init(void) { return curl.easy_init(); }
void tsdb_curl_easy_cleanup(CURL *h) { curl.easy_cleanup(h); }
CURLcode tsdb_curl_easy_perform(CURL *h) { return curl.easy_perform(h); }
const char *tsdb_curl_easy_strerror(CURLcode rc) { return curl.easy_strerror(rc); }
struct curl_slist *tsdb_curl_slist_append(struct curl_slist *list, const char *text) { return curl.slist_append(list, text); }
void tsdb_curl_slist_free_all(struct curl_slist *list) { curl.slist_free_all(list); }

CURLcode tsdb_curl_set_long(CURL *h, CURLoption o, long v) { return curl.easy_setopt(h, o, v); }
CURLcode tsdb_curl_set_string(CURL *h, CURLoption o, const char *v) { return curl.easy_setopt(h, o, v); }
CURLcode tsdb_curl_set_pointer(CURL *h, CURLoption o, void *v) { return curl.easy_setopt(h, o, v); }
CURLcode tsdb_curl_set_data_fn(CURL *h, CURLoption o, tsdb_curl_data_fn f) { return curl.easy_setopt(h, o, f); }
CURLcode tsdb_curl_set_progress_fn(CURL *h, tsdb_curl_progress_fn f) { return curl.easy_setopt(h, CURLOPT_XFERINFOFUNCTION, f); }
CURLcode tsdb_curl_set_headers(CURL *h, struct curl_slist *list) { return curl.easy_setopt(h, CURLOPT_HTTPHEADER, list); }

CURLcode tsdb_curl_set_post_body(CURL *h, const void *body, curl_off_t length) {
    CURLcode rc = curl.easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, length);
    return rc != CURLE_OK ? rc : curl.easy_setopt(h, CURLOPT_POSTFIELDS, body);
}

long tsdb_curl_response_code(CURL *h) {
    long code = 0;
    curl.easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

const char *tsdb_curl_content_type(CURL *h) {
    char *type = NULL;
    curl.easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
    return type;
}
