#ifndef LMG_CEDITLINE_SHIM_H
#define LMG_CEDITLINE_SHIM_H
#include <stdio.h>
#include <histedit.h>
#include <editline/readline.h>

/* libedit's readline globals behind functions: Swift 6 refuses unguarded global state, and the
   terminal thread is the only caller. */

/** Names the application and leaves signals to the caller (no libedit handlers). */
static inline void lmg_rl_configure(void) {
    rl_catch_signals = 0;
    rl_readline_name = "lmg";
}

static inline void lmg_rl_set_completion(rl_completion_func_t *function) {
    rl_attempted_completion_function = function;
}

/** The character put after a completed word: a space, or none (0) after `name=`. */
static inline void lmg_rl_set_append_character(int character) {
    rl_completion_append_character = character;
}

/** Reads input through `function` (which may return EOF to end the line being edited). */
static inline void lmg_rl_set_getc(int (*function)(FILE *)) {
    rl_getc_function = function;
}

/** The line being edited, during a completion callback. */
static inline const char *lmg_rl_line_buffer(void) {
    return rl_line_buffer;
}

#endif
