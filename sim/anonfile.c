/* anonfile.c - files that vanish with their descriptor; see anonfile.h. */
#define _GNU_SOURCE /* memfd_create */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "anonfile.h"

/* A descriptor on a fresh anonymous file, or -1 with errno set. */
static int anon_fd(const char *name)
{
    int fd = memfd_create(name, MFD_CLOEXEC);
    if (fd >= 0)
        return fd;
    /* no memfd (an old kernel, a seccomp filter): a temporary file, named
       only for the instant between mkstemp and unlink */
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/mcmsim-XXXXXX", dir && *dir ? dir : "/tmp");
    fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

int anon_create(const char *name, int *fd, FILE **fp, char *path, size_t size, err_t *e)
{
    *fp = NULL;
    *fd = anon_fd(name);
    if (*fd < 0)
        return err_internal(e, "cannot create the file for %s: %s", name, strerror(errno));
    snprintf(path, size, "/proc/self/fd/%d", *fd);
    int err = access(path, R_OK) == 0 ? 0 : errno;
    if (err) {
        close(*fd);
        *fd = -1;
        return err_internal(e, "cannot open %s for %s: %s (is /proc mounted?)", path, name,
                            strerror(err));
    }
    /* the stream gets a descriptor of its own, so closing it keeps the file */
    int wfd = dup(*fd);
    if (wfd < 0 || !(*fp = fdopen(wfd, "w"))) {
        err = errno;
        if (wfd >= 0)
            close(wfd);
        close(*fd);
        *fd = -1;
        return err_internal(e, "cannot write the file for %s: %s", name, strerror(err));
    }
    return ERR_OK;
}
