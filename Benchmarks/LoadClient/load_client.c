/*
 * load_client.c — a line-protocol HTTP write load client that leaves the cores to the server.
 *
 *   cc -O2 -pthread -o load_client Benchmarks/LoadClient/load_client.c
 *   load_client --file plays.lp [--url http://127.0.0.1:8086] [--api v1|v2|v3] [--db bench]
 *               [--connections 2] [--batch-lines 5000] [--max-lines N] [--token T]
 *               [--server-pid PID] [--json]
 *
 * The file is mapped and cut into batches of --batch-lines lines at line ends before the clock starts
 * (a last line without a newline is sent as it is). Each of --connections threads holds one keep-alive
 * HTTP/1.1 connection, takes the next batch, POSTs it (head and body in one writev, the body straight
 * from the mapping: no copy) and waits for the answer before the next. Every batch must be answered 204;
 * any other answer is counted and its body printed once, and the exit status is 1.
 *
 * Prints lines/s, MB/s, the client's own CPU seconds (getrusage) and, with --server-pid, the server's CPU
 * seconds over the run (/proc/PID/stat) and its peak resident memory (VmHWM). Python's client
 * (load_client.py) does the same with one interpreter lock for all its threads, which on a 2-core machine
 * takes a core from the server it measures; this one spends about a syscall pair per batch.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

struct batch { size_t offset, length, lines; };

static const char *data;
static struct batch *batches;
static size_t batch_count;
static atomic_size_t next_batch;
static char request_head_prefix[2048];
static struct addrinfo *server_addr;

/* Answers by status, and the first failure's text. */
static atomic_long answered_204, answered_other, transport_errors;
static atomic_long lines_acked;
static pthread_mutex_t failure_lock = PTHREAD_MUTEX_INITIALIZER;
static char first_failure[1024];

static void note_failure(const char *text, size_t n) {
    pthread_mutex_lock(&failure_lock);
    if (!first_failure[0]) {
        if (n >= sizeof first_failure) n = sizeof first_failure - 1;
        memcpy(first_failure, text, n);
        first_failure[n] = 0;
    }
    pthread_mutex_unlock(&failure_lock);
}

static double now_seconds(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static int connect_server(void) {
    int fd = socket(server_addr->ai_family, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, server_addr->ai_addr, server_addr->ai_addrlen) != 0) { close(fd); return -1; }
    return fd;
}

/* Sends all of iov (advancing past partial writes). */
static int send_all(int fd, struct iovec *iov, int count) {
    while (count > 0) {
        ssize_t n = writev(fd, iov, count);
        if (n < 0) { if (errno == EINTR) continue; return -1; }
        while (count > 0 && (size_t)n >= iov->iov_len) { n -= iov->iov_len; iov++; count--; }
        if (count > 0) { iov->iov_base = (char *)iov->iov_base + n; iov->iov_len -= n; }
    }
    return 0;
}

/* Reads one response; returns its status code (0 on a transport error) and whether the server closes.
 * The body, if any, is read and (for a failure) kept in note_failure. */
static int read_response(int fd, char *buf, size_t cap, int *closes) {
    size_t have = 0;
    char *end = NULL;
    while (!end) {
        if (have == cap - 1) return 0;
        ssize_t n = read(fd, buf + have, cap - 1 - have);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        have += n;
        buf[have] = 0;
        end = strstr(buf, "\r\n\r\n");
    }
    int status = 0;
    if (sscanf(buf, "HTTP/1.%*d %d", &status) != 1) return 0;
    size_t head_len = end + 4 - buf;
    long content_length = 0;
    *closes = 0;
    for (char *line = strstr(buf, "\r\n") + 2; line < end; line = strstr(line, "\r\n") + 2) {
        if (strncasecmp(line, "content-length:", 15) == 0) content_length = strtol(line + 15, NULL, 10);
        else if (strncasecmp(line, "connection:", 11) == 0 && strstr(line, "close") && strstr(line, "close") < strstr(line, "\r\n")) *closes = 1;
    }
    /* The body: keep what fits for a failure report, drain the rest. */
    size_t body_have = have - head_len;
    while ((long)body_have < content_length) {
        char *at = buf + have;
        size_t room = cap - 1 - have;
        char sink[4096];
        ssize_t n = room > 0 ? read(fd, at, room) : read(fd, sink, sizeof sink);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return 0;
        if (room > 0) have += n;
        body_have += n;
    }
    buf[have] = 0;
    if (status != 204) note_failure(buf, have);
    return status;
}

static void *worker(void *arg) {
    (void)arg;
    char response[8192];
    int fd = connect_server();
    if (fd < 0) { atomic_fetch_add(&transport_errors, 1); note_failure("connect failed", 14); return NULL; }
    for (;;) {
        size_t i = atomic_fetch_add(&next_batch, 1);
        if (i >= batch_count) break;
        struct batch *b = &batches[i];
        char head[2200];
        int head_len = snprintf(head, sizeof head, "%sContent-Length: %zu\r\n\r\n", request_head_prefix, b->length);
        struct iovec iov[2] = {{head, (size_t)head_len}, {(void *)(data + b->offset), b->length}};
        int closes = 0, status = 0;
        if (send_all(fd, iov, 2) == 0) status = read_response(fd, response, sizeof response, &closes);
        if (status == 204) {
            atomic_fetch_add(&answered_204, 1);
            atomic_fetch_add(&lines_acked, (long)b->lines);
        } else if (status == 0) {
            atomic_fetch_add(&transport_errors, 1);
            note_failure("connection lost", 15);
            closes = 1;
        } else {
            atomic_fetch_add(&answered_other, 1);
        }
        if (closes) {
            close(fd);
            fd = connect_server();
            if (fd < 0) { atomic_fetch_add(&transport_errors, 1); return NULL; }
        }
    }
    close(fd);
    return NULL;
}

/* utime + stime of a process, in seconds (-1 when it cannot be read). */
static double process_cpu(long pid) {
    char path[64], text[4096];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = 0;
    char *p = strrchr(text, ')');  /* the command name may hold spaces */
    if (!p) return -1;
    unsigned long utime = 0, stime = 0;
    /* Fields after ")": state(3) … utime(14) stime(15). */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &utime, &stime) != 2) return -1;
    return (double)(utime + stime) / sysconf(_SC_CLK_TCK);
}

static long process_peak_kib(long pid) {
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/status", pid);
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    long kib = -1;
    while (fgets(line, sizeof line, f)) if (strncmp(line, "VmHWM:", 6) == 0) kib = strtol(line + 6, NULL, 10);
    fclose(f);
    return kib;
}

static void usage(void) {
    fprintf(stderr, "usage: load_client --file F.lp [--url http://HOST:PORT] [--api v1|v2|v3] [--db NAME] [--connections N]\n"
                    "                   [--batch-lines N] [--max-lines N] [--token T] [--server-pid PID] [--json]\n");
    exit(2);
}

int main(int argc, char **argv) {
    const char *file = NULL, *url = "http://127.0.0.1:8086", *api = "v2", *db = "bench", *token = NULL;
    long connections = 2, batch_lines = 5000, max_lines = 0, server_pid = 0;
    int json = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!strcmp(a, "--json")) { json = 1; continue; }
        if (!v) usage();
        if (!strcmp(a, "--file")) file = v;
        else if (!strcmp(a, "--url")) url = v;
        else if (!strcmp(a, "--api")) api = v;
        else if (!strcmp(a, "--db")) db = v;
        else if (!strcmp(a, "--token")) token = v;
        else if (!strcmp(a, "--connections")) connections = atol(v);
        else if (!strcmp(a, "--batch-lines")) batch_lines = atol(v);
        else if (!strcmp(a, "--max-lines")) max_lines = atol(v);
        else if (!strcmp(a, "--server-pid")) server_pid = atol(v);
        else usage();
        i++;
    }
    if (!file || connections < 1 || batch_lines < 1) usage();

    /* host:port from the URL (http only: this measures the server, not TLS). */
    if (strncmp(url, "http://", 7) != 0) { fprintf(stderr, "load_client: only http:// URLs\n"); return 2; }
    char host[256];
    snprintf(host, sizeof host, "%s", url + 7);
    char *slash = strchr(host, '/');
    if (slash) *slash = 0;
    char *colon = strrchr(host, ':');
    const char *port = "80";
    if (colon) { *colon = 0; port = colon + 1; }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    if (getaddrinfo(host, port, &hints, &server_addr) != 0) { fprintf(stderr, "load_client: cannot resolve %s\n", url); return 2; }

    const char *path;
    char query[600];
    if (!strcmp(api, "v1")) { path = "/write"; snprintf(query, sizeof query, "db=%s&precision=ns", db); }
    else if (!strcmp(api, "v2")) { path = "/api/v2/write"; snprintf(query, sizeof query, "bucket=%s&org=tsdb&precision=ns", db); }
    else if (!strcmp(api, "v3")) { path = "/api/v3/write_lp"; snprintf(query, sizeof query, "db=%s&precision=nanosecond", db); }
    else usage();
    char auth[600] = "";
    if (token) snprintf(auth, sizeof auth, "Authorization: Token %s\r\n", token);
    snprintf(request_head_prefix, sizeof request_head_prefix,
             "POST %s?%s HTTP/1.1\r\nHost: %s:%s\r\nContent-Type: text/plain; charset=utf-8\r\n%s", path, query, host, port, auth);

    /* Map the file and cut batches at line ends. */
    int fd = open(file, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) { perror(file); return 2; }
    size_t size = st.st_size;
    data = size ? mmap(NULL, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0) : "";
    if (data == MAP_FAILED) { perror("mmap"); return 2; }
    size_t cap = 1024, total_lines = 0, total_bytes = 0;
    batches = malloc(cap * sizeof *batches);
    size_t at = 0;
    while (at < size && (!max_lines || (long)total_lines < max_lines)) {
        size_t start = at, lines = 0;
        while (at < size && (long)lines < batch_lines && (!max_lines || (long)(total_lines + lines) < max_lines)) {
            const char *nl = memchr(data + at, '\n', size - at);
            at = nl ? (size_t)(nl - data) + 1 : size;
            lines++;
        }
        if (batch_count == cap) batches = realloc(batches, (cap *= 2) * sizeof *batches);
        batches[batch_count++] = (struct batch){start, at - start, lines};
        total_lines += lines;
        total_bytes += at - start;
    }

    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    double server0 = server_pid ? process_cpu(server_pid) : -1;
    double t0 = now_seconds();
    pthread_t threads[connections];
    for (long i = 0; i < connections; i++) pthread_create(&threads[i], NULL, worker, NULL);
    for (long i = 0; i < connections; i++) pthread_join(threads[i], NULL);
    double seconds = now_seconds() - t0;
    double server1 = server_pid ? process_cpu(server_pid) : -1;
    getrusage(RUSAGE_SELF, &r1);
    double client_cpu = (r1.ru_utime.tv_sec - r0.ru_utime.tv_sec) + (r1.ru_utime.tv_usec - r0.ru_utime.tv_usec) / 1e6
                      + (r1.ru_stime.tv_sec - r0.ru_stime.tv_sec) + (r1.ru_stime.tv_usec - r0.ru_stime.tv_usec) / 1e6;
    long acked = atomic_load(&lines_acked);
    double server_cpu = server0 >= 0 && server1 >= 0 ? server1 - server0 : -1;
    long peak_kib = server_pid ? process_peak_kib(server_pid) : -1;
    long other = atomic_load(&answered_other), lost = atomic_load(&transport_errors);
    double loads[3] = {0, 0, 0};
    getloadavg(loads, 3);

    if (json) {
        printf("{\"lines\":%zu,\"lines_acked\":%ld,\"bytes\":%zu,\"batches\":%zu,\"connections\":%ld,\"batch_lines\":%ld,"
               "\"seconds\":%.3f,\"lines_per_second\":%.0f,\"mb_per_second\":%.1f,\"client_cpu_s\":%.2f,"
               "\"server_cpu_s\":%.2f,\"server_peak_rss_mib\":%.0f,\"answered_204\":%ld,\"answered_other\":%ld,"
               "\"transport_errors\":%ld,\"load_average_1m\":%.2f}\n",
               total_lines, acked, total_bytes, batch_count, connections, batch_lines, seconds, acked / seconds,
               total_bytes / seconds / 1e6, client_cpu, server_cpu, peak_kib >= 0 ? peak_kib / 1024.0 : -1,
               atomic_load(&answered_204), other, lost, loads[0]);
    } else {
        printf("%ld of %zu lines acknowledged in %.2f s: %.0f lines/s, %.1f MB/s (%zu batches of %ld lines, %ld connections)\n",
               acked, total_lines, seconds, acked / seconds, total_bytes / seconds / 1e6, batch_count, batch_lines, connections);
        printf("client CPU %.2f s", client_cpu);
        if (server_pid) printf(", server CPU %.2f s, server peak RSS %.0f MiB", server_cpu, peak_kib / 1024.0);
        printf(", load average %.2f\n", loads[0]);
    }
    if (other || lost) {
        fprintf(stderr, "load_client: %ld answers other than 204, %ld transport errors; first: %s\n", other, lost, first_failure);
        return 1;
    }
    return 0;
}
