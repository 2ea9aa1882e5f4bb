// The libxlsxwriter functions tsdb calls, resolved from the library opened at run time (see CXlsxWriter.h).
// The definitions carry the library's own names and prototypes, so the compiler checks them against its
// header; libxlsxwriter itself is never linked (its symbols would clash).
#include "CXlsxWriter.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static struct {
    lxw_workbook *(*workbook_new_opt)(const char *, lxw_workbook_options *);
    lxw_format *(*workbook_add_format)(lxw_workbook *);
    lxw_worksheet *(*workbook_add_worksheet)(lxw_workbook *, const char *);
    lxw_error (*workbook_close)(lxw_workbook *);
    void (*format_set_bold)(lxw_format *);
    void (*format_set_num_format)(lxw_format *, const char *);
    lxw_error (*worksheet_set_column)(lxw_worksheet *, lxw_col_t, lxw_col_t, double, lxw_format *);
    lxw_error (*worksheet_write_number)(lxw_worksheet *, lxw_row_t, lxw_col_t, double, lxw_format *);
    lxw_error (*worksheet_write_string)(lxw_worksheet *, lxw_row_t, lxw_col_t, const char *, lxw_format *);
    lxw_error (*worksheet_write_boolean)(lxw_worksheet *, lxw_row_t, lxw_col_t, int, lxw_format *);
    char *(*lxw_strerror)(lxw_error);
} lxw;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static const char *load_error;
static char load_message[1024];

static void *need(void *lib, const char *name, const char *path) {
    void *f = dlsym(lib, name);
    if (f == NULL && load_error == NULL) {
        snprintf(load_message, sizeof load_message, "%s has no %s (libxlsxwriter 1.x is needed)", path, name);
        load_error = load_message;
    }
    return f;
}

static void load(void) {
    const char *path = getenv("TSDB_LIBXLSXWRITER");
    if (path == NULL || *path == 0) path = "libxlsxwriter.so.4";
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *why = dlerror();
        snprintf(load_message, sizeof load_message, "%s", why ? why : path);
        load_error = load_message;
        return;
    }
#define NEED(name) lxw.name = (__typeof__(lxw.name))need(lib, #name, path)
    NEED(workbook_new_opt);
    NEED(workbook_add_format);
    NEED(workbook_add_worksheet);
    NEED(workbook_close);
    NEED(format_set_bold);
    NEED(format_set_num_format);
    NEED(worksheet_set_column);
    NEED(worksheet_write_number);
    NEED(worksheet_write_string);
    NEED(worksheet_write_boolean);
    NEED(lxw_strerror);
#undef NEED
}

const char *tsdb_xlsx_load(void) {
    pthread_once(&load_once, load);
    return load_error;
}

lxw_workbook *workbook_new_opt(const char *filename, lxw_workbook_options *options) {
    return lxw.workbook_new_opt(filename, options);
}
lxw_format *workbook_add_format(lxw_workbook *workbook) { return lxw.workbook_add_format(workbook); }
lxw_worksheet *workbook_add_worksheet(lxw_workbook *workbook, const char *sheetname) {
    return lxw.workbook_add_worksheet(workbook, sheetname);
}
lxw_error workbook_close(lxw_workbook *workbook) { return lxw.workbook_close(workbook); }
void format_set_bold(lxw_format *format) { lxw.format_set_bold(format); }
void format_set_num_format(lxw_format *format, const char *num_format) { lxw.format_set_num_format(format, num_format); }
lxw_error worksheet_set_column(lxw_worksheet *worksheet, lxw_col_t first_col, lxw_col_t last_col, double width,
                               lxw_format *format) {
    return lxw.worksheet_set_column(worksheet, first_col, last_col, width, format);
}
lxw_error worksheet_write_number(lxw_worksheet *worksheet, lxw_row_t row, lxw_col_t col, double number,
                                 lxw_format *format) {
    return lxw.worksheet_write_number(worksheet, row, col, number, format);
}
lxw_error worksheet_write_string(lxw_worksheet *worksheet, lxw_row_t row, lxw_col_t col, const char *string,
                                 lxw_format *format) {
    return lxw.worksheet_write_string(worksheet, row, col, string, format);
}
lxw_error worksheet_write_boolean(lxw_worksheet *worksheet, lxw_row_t row, lxw_col_t col, int value,
                                  lxw_format *format) {
    return lxw.worksheet_write_boolean(worksheet, row, col, value, format);
}
char *lxw_strerror(lxw_error error_num) { return lxw.lxw_strerror(error_num); }
