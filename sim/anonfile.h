/* anonfile.h - a file with no name on disk, for an API that wants a path.
 *
 * SimGrid 3.32 reads its platform only from a file it opens by name. A
 * named temporary file outlives a process that dies while SimGrid parses it
 * (an engine that aborts, a kill -9); this one lives in memory (memfd) where
 * the kernel offers that, else in a temporary file unlinked as soon as it is
 * created, and disappears with its last descriptor: nothing is left behind,
 * whatever happens to the process. */
#ifndef MCM_ANONFILE_H
#define MCM_ANONFILE_H

#include <stddef.h>
#include <stdio.h>
#include "err.h"

/* Creates an empty anonymous file (NAME shows in /proc, for debugging) and
   opens it for writing as *FP. PATH (SIZE bytes) receives a name that opens
   it (/proc/self/fd/N) as long as *FD, the caller's to close, stays open;
   fclose(*FP) leaves *FD open. ERR_INTERNAL with E set on failure. */
int anon_create(const char *name, int *fd, FILE **fp, char *path, size_t size, err_t *e);

#endif
