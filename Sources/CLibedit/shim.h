// libedit (BSD editline) through its readline-compatible interface: line editing, history, completion.
#include <stdio.h>
#include <stdlib.h>
#include <editline/readline.h>

// Settings kept in C globals, set here (Swift 6 does not touch shared mutable C state directly).
// `catch_signals` 0: the caller handles SIGINT; libedit's handler would re-send it to the process group.
// `getc` reads each key (readline's rl_getc_function).
static inline void tsdb_editline_setup(const char *name, int catch_signals, rl_compentry_func_t *complete,
                                       int (*getc)(FILE *)) {
    rl_readline_name = name;
    rl_catch_signals = catch_signals;
    rl_completion_entry_function = complete;
    rl_getc_function = getc;
}
