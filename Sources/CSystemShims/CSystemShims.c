#define _GNU_SOURCE
#include "CSystemShims.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <pthread.h>
#include <time.h>

int lmg_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int from) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
#else
    (void)actions; (void)from;
    return 38; /* ENOSYS */
#endif
}

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

static volatile sig_atomic_t interrupt_pending = 0;
static volatile int interrupt_fds[2] = {-1, -1};

static void interrupt_handler(int signo) {
    (void)signo;
    int saved = errno;
    interrupt_pending = 1;
    /* The line editor's pipe first: the watcher's byte cancels a turn and the REPL then drains the
       editor's pipe before its next prompt; written the other way round, a handler preempted between
       the two writes could leave its byte to end that next prompt as if stdin had closed. */
    for (int i = 1; i >= 0; i--) {
        if (interrupt_fds[i] >= 0) {
            char byte = 1;
            ssize_t ignored = write(interrupt_fds[i], &byte, 1);
            (void)ignored;
        }
    }
    errno = saved;
}

int lmg_install_interrupt_handler(int notify_fd, int prompt_fd) {
    interrupt_fds[0] = notify_fd;
    interrupt_fds[1] = prompt_fd;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = interrupt_handler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;
    return sigaction(SIGINT, &action, NULL);
}

int lmg_take_interrupt(void) {
    int was = interrupt_pending;
    interrupt_pending = 0;
    return was;
}

int lmg_epoll_create(void) {
    return epoll_create1(EPOLL_CLOEXEC);
}

int lmg_epoll_ctl(int epfd, int op, int fd, unsigned events) {
    struct epoll_event event = { .events = events, .data.fd = fd };
    return epoll_ctl(epfd, op, fd, &event);
}

int lmg_epoll_wait(int epfd, int *fds, unsigned *events, int max, int timeout_ms) {
    struct epoll_event ready[64];
    if (max > 64) max = 64;
    int count = epoll_wait(epfd, ready, max, timeout_ms);
    for (int i = 0; i < count; i++) {
        fds[i] = ready[i].data.fd;
        events[i] = ready[i].events;
    }
    return count;
}

int lmg_eventfd(void) {
    return eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
}

long long lmg_thread_cpu_nanoseconds(unsigned long thread) {
    clockid_t clock;
    struct timespec now;
    if (pthread_getcpuclockid((pthread_t)thread, &clock) != 0 || clock_gettime(clock, &now) != 0) return -1;
    return (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
}
