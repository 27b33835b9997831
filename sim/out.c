/* out.c - outputs that never destroy a file; see out.h. */
#define _GNU_SOURCE /* fopencookie */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "out.h"

/* Symbolic links followed before the path is given up (Linux's own limit). */
#define OUT_MAX_LINKS 40

void out_init(void)
{
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
    for (int fd = 0; fd <= 2; fd++)
        if (fcntl(fd, F_GETFD) < 0 && errno == EBADF) {
            /* open returns the lowest free descriptor: this one */
            int got = open("/dev/null", O_RDONLY);
            if (got >= 0 && got != fd)
                close(got);
        }
}

static int write_all(int fd, const char *b, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, b, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            if (k == 0)
                errno = EIO;
            return -1;
        }
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

int out_stdout(const char *data, size_t n, err_t *e)
{
    if (write_all(STDOUT_FILENO, data, n) == 0)
        return ERR_OK;
    /* the reader took what it wanted and left (| head): not a failure */
    if (errno == EPIPE)
        return ERR_OK;
    return err_system(e, "cannot write the standard output: %s", strerror(errno));
}

int out_stdout_close(err_t *e)
{
    /* the last word of a file system that reports a write late (NFS) */
    if (close(STDOUT_FILENO) != 0 && errno != EINTR && errno != EPIPE)
        return err_system(e, "cannot write the standard output: %s", strerror(errno));
    return ERR_OK;
}

int out_buf_open(out_buf *b)
{
    b->data = NULL;
    b->size = 0;
    b->fp = open_memstream(&b->data, &b->size);
    return b->fp ? 0 : -1;
}

void out_buf_discard(out_buf *b)
{
    if (b->fp)
        fclose(b->fp);
    free(b->data);
    b->fp = NULL;
    b->data = NULL;
}

int out_buf_flush(out_buf *b, err_t *e)
{
    int bad = ferror(b->fp);
    if (fclose(b->fp) != 0)
        bad = 1;
    b->fp = NULL;
    int rc = bad ? err_internal(e, "out of memory writing the report")
                 : out_stdout(b->data, b->size, e);
    out_buf_discard(b);
    return rc;
}

/* ---- files ---- */

/* A stream over a descriptor that remembers why its first write failed: a
   stdio stream keeps only that it failed, and errno is long gone by the
   time the writer returns. */
typedef struct {
    int fd;
    int err;
} sink;

static ssize_t sink_write(void *cookie, const char *b, size_t n)
{
    sink *s = cookie;
    if (!s->err && write_all(s->fd, b, n) != 0)
        s->err = errno;
    return s->err ? -1 : (ssize_t)n;
}

/* WRITE's bytes to descriptor FD, which stays open: 0, or an errno. */
static int produce(int fd, int (*write)(FILE *fp, void *arg), void *arg)
{
    sink s = {fd, 0};
    FILE *fp = fopencookie(&s, "w", (cookie_io_functions_t){.write = sink_write});
    if (!fp)
        return errno ? errno : ENOMEM;
    int rc = write(fp, arg);
    int flushed = fflush(fp);
    fclose(fp);
    if (s.err)
        return s.err;
    /* the writer failed without a failed write: it could not build its bytes */
    return rc || flushed ? ENOMEM : 0;
}

/* "DIR/NAME": TARGET read from a link at LINK, resolved from the link's directory. */
static char *beside(const char *link, const char *target)
{
    const char *slash = strrchr(link, '/');
    if (target[0] == '/' || !slash)
        return strdup(target);
    size_t dir = (size_t)(slash - link), n = dir + 1 + strlen(target) + 1;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%.*s/%s", (int)dir, link, target);
    return p;
}

/* PATH, which does not exist, with the symbolic links on its last component
   followed: the file a dangling link names, to be created. NULL with errno
   set when the chain cannot be read or loops. */
static char *dangling_target(const char *path)
{
    char *cur = strdup(path);
    for (int depth = 0; cur && depth <= OUT_MAX_LINKS; depth++) {
        struct stat st;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode))
            return cur;
        char target[PATH_MAX];
        ssize_t k = readlink(cur, target, sizeof target - 1);
        if (k < 0) {
            free(cur);
            return NULL;
        }
        target[k] = '\0';
        char *next = beside(cur, target);
        free(cur);
        cur = next;
    }
    errno = cur ? ELOOP : ENOMEM;
    free(cur);
    return NULL;
}

/* Where output PATH goes: *FINAL (malloc'd) is the file to replace or
   create, with links followed; *ST its status when *EXISTS. The kernel
   follows the links of what exists (stat: /proc/self/fd/1 names a pipe
   that no readlink can), readlink those of what does not. 0 or an errno. */
static int locate(const char *path, char **final, struct stat *st, int *exists)
{
    *final = NULL;
    *exists = stat(path, st) == 0;
    if (*exists && !S_ISREG(st->st_mode))
        *final = strdup(path); /* written in place, through whatever links */
    else if (*exists)
        *final = realpath(path, NULL);
    else if (errno == ENOENT)
        *final = dangling_target(path);
    else
        return errno;
    return *final ? 0 : errno ? errno : ENOMEM;
}

/* The directory a new file at PATH goes into. */
static void dir_of(const char *path, char *dir, size_t n)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, n, ".");
    else
        snprintf(dir, n, "%.*s", (int)(slash - path + (slash == path)), path);
}

/* FINAL (a regular file, OLD its status, or a new one when OLD is NULL) by
   a temporary file beside it and a rename: 0 or an errno. */
static int replace(const char *final, const struct stat *old,
                   int (*write)(FILE *fp, void *arg), void *arg)
{
    size_t n = strlen(final) + 16;
    char *tmp = malloc(n);
    if (!tmp)
        return ENOMEM;
    snprintf(tmp, n, "%s.tmpXXXXXX", final);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int err = errno;
        free(tmp);
        return err;
    }
    mode_t mode;
    if (old) {
        mode = old->st_mode & 07777;
        /* a file replaced keeps its owner where we may give it (as root) */
        if (fchown(fd, old->st_uid, old->st_gid) != 0)
            mode &= 0777;
    } else {
        /* mkstemp creates the file 0600; the user's umask decides, as for any new file */
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    int err = fchmod(fd, mode) != 0 ? errno : 0;
    if (!err)
        err = produce(fd, write, arg);
    if (close(fd) != 0 && !err)
        err = errno;
    if (!err && rename(tmp, final) != 0)
        err = errno;
    if (err)
        unlink(tmp);
    free(tmp);
    return err;
}

/* A device, FIFO or socket: written in place, never created or truncated. */
static int through(const char *final, int (*write)(FILE *fp, void *arg), void *arg)
{
    int fd = open(final, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    int err = produce(fd, write, arg);
    if (close(fd) != 0 && !err)
        err = errno;
    return err;
}

static int to_stdout(int (*write)(FILE *fp, void *arg), void *arg, err_t *e)
{
    out_buf b;
    if (out_buf_open(&b))
        return err_internal(e, "out of memory");
    if (write(b.fp, arg) != ERR_OK) {
        out_buf_discard(&b);
        return err_internal(e, "out of memory writing the standard output");
    }
    return out_buf_flush(&b, e);
}

int out_write(const char *path, int (*write)(FILE *fp, void *arg), void *arg, err_t *e)
{
    if (strcmp(path, "-") == 0)
        return to_stdout(write, arg, e);
    char *final;
    struct stat st;
    int exists, err = locate(path, &final, &st, &exists);
    if (!err)
        err = !exists ? replace(final, NULL, write, arg)
              : S_ISREG(st.st_mode) ? replace(final, &st, write, arg)
              : S_ISDIR(st.st_mode) ? EISDIR
                                    : through(final, write, arg);
    free(final);
    return err ? err_system(e, "cannot write %s: %s", path, strerror(err)) : ERR_OK;
}

/* An input error about output OPT PATH. */
static int refuse(const char *opt, const char *path, const char *why, err_t *e)
{
    return err_input(e, "%s %s: %s", opt, path, why);
}

int out_check(const char *opt, const char *path, const char *const *inputs, int ninputs,
              err_t *e)
{
    if (strcmp(path, "-") == 0)
        return ERR_OK;
    if (!*path)
        return refuse(opt, path, "an empty path", e);
    char *final;
    struct stat st;
    int exists, err = locate(path, &final, &st, &exists);
    if (err)
        return refuse(opt, path, strerror(err), e);
    char dir[PATH_MAX];
    int rc = ERR_OK;
    if (exists) {
        if (S_ISDIR(st.st_mode))
            rc = refuse(opt, path, "is a directory", e);
        for (int i = 0; !rc && i < ninputs; i++) {
            struct stat in;
            if (inputs[i] && stat(inputs[i], &in) == 0 && in.st_dev == st.st_dev &&
                in.st_ino == st.st_ino) {
                char why[PATH_MAX + 64];
                if (strcmp(inputs[i], path) == 0)
                    snprintf(why, sizeof why, "is an input of this command; nothing was written");
                else
                    snprintf(why, sizeof why, "is the same file as the input %s; nothing was written",
                             inputs[i]);
                rc = refuse(opt, path, why, e);
            }
        }
        /* a regular file is replaced through a new file beside it: both
           must be writable (a read-only file is not replaced behind its back) */
        dir_of(final, dir, sizeof dir);
        if (!rc && (access(final, W_OK) != 0 ||
                    (S_ISREG(st.st_mode) && access(dir, W_OK | X_OK) != 0)))
            rc = refuse(opt, path, strerror(errno), e);
    } else {
        dir_of(final, dir, sizeof dir);
        if (stat(dir, &st) != 0)
            rc = refuse(opt, path, strerror(errno), e);
        else if (!S_ISDIR(st.st_mode))
            rc = refuse(opt, path, strerror(ENOTDIR), e);
        else if (access(dir, W_OK | X_OK) != 0)
            rc = refuse(opt, path, strerror(errno), e);
    }
    free(final);
    return rc;
}
