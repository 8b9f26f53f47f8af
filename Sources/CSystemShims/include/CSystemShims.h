#ifndef LMG_CSYSTEMSHIMS_H
#define LMG_CSYSTEMSHIMS_H

/* GNU extensions Swift's Glibc module does not import: spawning with a working directory,
   pipes created close-on-exec atomically, and the parent-death signal. */
#include <spawn.h>
#include <sys/types.h>

/** posix_spawn_file_actions_addchdir_np (glibc >= 2.29). Returns 0 or an errno value. */
int lmg_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);

/** posix_spawn_file_actions_addclosefrom_np (glibc >= 2.34): the child closes every descriptor
    from `from` up, so it inherits none of the parent's files by accident. 0 or an errno value. */
int lmg_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from);

/** pipe2(fds, O_CLOEXEC). Returns 0 or -1 with errno set. */
int lmg_pipe_cloexec(int fds[2]);

/** open(path, O_WRONLY|O_CREAT|O_APPEND|O_CLOEXEC, 0600). */
int lmg_open_append(const char *path);

/** Installs a SIGINT handler (no SA_RESTART) that records the signal and writes one byte to each
    of `notify_fd` and `prompt_fd` (either may be -1): a watcher thread reads the first to cancel a
    running turn, the line editor's input function polls the second to end the line being edited.
    Async-signal-safe. */
int lmg_install_interrupt_handler(int notify_fd, int prompt_fd);

/** 1 when SIGINT arrived since the last call, then clears it. */
int lmg_take_interrupt(void);

/* epoll and eventfd for the event loop, behind plain types: `struct epoll_event` is packed on
   x86-64, which Swift does not import reliably. */
enum {
    LMG_EPOLL_ADD = 1, LMG_EPOLL_DEL = 2, LMG_EPOLL_MOD = 3,
    LMG_EPOLL_IN = 0x001, LMG_EPOLL_OUT = 0x004, LMG_EPOLL_ERR = 0x008, LMG_EPOLL_HUP = 0x010
};

/** epoll_create1(EPOLL_CLOEXEC). */
int lmg_epoll_create(void);

/** epoll_ctl(epfd, op, fd, {events, data.fd = fd}); op is LMG_EPOLL_ADD, _MOD or _DEL. */
int lmg_epoll_ctl(int epfd, int op, int fd, unsigned events);

/** epoll_wait into two arrays of `max` entries: the ready descriptors and their events.
    Returns how many, 0 on timeout, -1 with errno set. */
int lmg_epoll_wait(int epfd, int *fds, unsigned *events, int max, int timeout_ms);

/** eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK). */
int lmg_eventfd(void);

/** CPU time, in nanoseconds, the thread `thread` (a pthread_t) has used; -1 if unknown.
    Lets tests tell an event loop that sleeps when idle from one that spins. */
long long lmg_thread_cpu_nanoseconds(unsigned long thread);

#endif
