#ifndef LMG_CSYSTEMSHIMS_H
#define LMG_CSYSTEMSHIMS_H

/* GNU extensions Swift's Glibc module does not import: spawning with a working directory,
   pipes created close-on-exec atomically, and the parent-death signal. */
#include <spawn.h>
#include <sys/types.h>

/** posix_spawn_file_actions_addchdir_np (glibc >= 2.29). Returns 0 or an errno value. */
int lmg_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/** pipe2(fds, O_CLOEXEC). Returns 0 or -1 with errno set. */
int lmg_pipe_cloexec(int fds[2]);

/** open(path, O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0600). */
int lmg_open_append(const char *path);

#endif
