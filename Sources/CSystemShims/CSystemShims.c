#define _GNU_SOURCE
#include "CSystemShims.h"
#include <fcntl.h>
#include <unistd.h>

int lmg_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))
    return posix_spawn_file_actions_addchdir_np(actions, path);
#else
    (void)actions; (void)path;
    return 38; /* ENOSYS */
#endif
}

int lmg_pipe_cloexec(int fds[2]) {
    return pipe2(fds, O_CLOEXEC);
}

int lmg_open_append(const char *path) {
    return open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
}
