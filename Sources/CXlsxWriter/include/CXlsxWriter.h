// libxlsxwriter, opened with dlopen when the first workbook is made: it needs OpenSSL's libcrypto, and
// mapping both made every tsdb-cli process about 2 ms slower to start (docs/benchmarks.md). The
// functions tsdb calls keep their libxlsxwriter names (defined in xlsxwriter_loader.c, checked against
// these declarations) and forward to the library; call tsdb_xlsx_load first.
#ifndef TSDB_CXLSXWRITER_H
#define TSDB_CXLSXWRITER_H
#include <xlsxwriter.h>

/// Loads libxlsxwriter (once; $TSDB_LIBXLSXWRITER names another file than libxlsxwriter.so.4). NULL when
/// it is ready, else why not.
const char *tsdb_xlsx_load(void);

#endif
