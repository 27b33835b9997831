/* runner_mpi.c - the ranks over Open MPI; see runner.h and runner_int.h.
 *
 * Built only where MPI is installed (-DMCM_MPI). A process joins MPI only
 * when mpirun started it: a plain run never initialises MPI and pays
 * nothing for it. MPI is called from the main thread alone, between the
 * loops of the search's thread team (MPI_THREAD_FUNNELED). The forked
 * simulation workers never call MPI and leave by _exit, so no exit handler
 * of MPI runs in them (runner.c). */
#include <limits.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "runner_int.h"

struct runner_comm {
    MPI_Comm world;           /* our own copy of MPI_COMM_WORLD */
    unsigned long long *len;  /* n: each rank's bytes in an exchange */
    int *count, *displ;       /* n: the same as MPI counts them */
};

static int mpi_failed(err_t *e, const char *what, int code)
{
    char s[MPI_MAX_ERROR_STRING];
    int n = 0;
    if (MPI_Error_string(code, s, &n) != MPI_SUCCESS)
        snprintf(s, sizeof s, "error %d", code);
    return err_system(e, "MPI: %s: %s", what, s);
}

static void ranks_free(runner_ranks *g)
{
    free(g->comm->len);
    free(g->comm->count);
    free(g->comm->displ);
    free(g->comm);
    wire_free(&g->all);
    free(g->at);
    free(g->block);
    free(g->items);
    free(g);
}

/* The ranks that share this machine's cores. */
static int local_ranks(MPI_Comm world, int *local, err_t *e)
{
    MPI_Comm node;
    int rc = MPI_Comm_split_type(world, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    if (rc != MPI_SUCCESS)
        return mpi_failed(e, "cannot group the ranks by machine", rc);
    rc = MPI_Comm_size(node, local);
    MPI_Comm_free(&node);
    return rc == MPI_SUCCESS ? ERR_OK : mpi_failed(e, "cannot count the ranks of this machine", rc);
}

int runner_ranks_start(int *argc, char ***argv, runner_ranks **out, err_t *e)
{
    *out = NULL;
    /* mpirun tells every process it starts; anything else is one process */
    if (!getenv("OMPI_COMM_WORLD_SIZE"))
        return ERR_OK;
    int provided = 0, rc = MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
    if (rc != MPI_SUCCESS)
        return mpi_failed(e, "cannot start", rc);
    /* from here on a rank that fails alone would leave the others waiting */
    runner_ranks *g = calloc(1, sizeof *g);
    if (!g || !(g->comm = calloc(1, sizeof *g->comm))) {
        err_internal(e, "out of memory");
        runner_abort(NULL, e);
    }
    struct runner_comm *c = g->comm;
    c->world = MPI_COMM_NULL;
    if (provided < MPI_THREAD_FUNNELED) {
        err_system(e, "MPI: this MPI library cannot be used by a process with threads");
        runner_abort(NULL, e);
    }
    if ((rc = MPI_Comm_dup(MPI_COMM_WORLD, &c->world)) != MPI_SUCCESS) {
        mpi_failed(e, "cannot copy the world communicator", rc);
        runner_abort(NULL, e);
    }
    /* a failed exchange is reported (and ends the job) here, not in MPI */
    MPI_Comm_set_errhandler(c->world, MPI_ERRORS_RETURN);
    MPI_Comm_rank(c->world, &g->rank);
    MPI_Comm_size(c->world, &g->n);
    size_t n = (size_t)g->n;
    g->at = calloc(n + 1, sizeof *g->at);
    g->block = calloc(n, sizeof *g->block);
    g->items = calloc(n, sizeof *g->items);
    c->len = calloc(n, sizeof *c->len);
    c->count = calloc(n, sizeof *c->count);
    c->displ = calloc(n, sizeof *c->displ);
    if (!g->at || !g->block || !g->items || !c->len || !c->count || !c->displ) {
        err_internal(e, "out of memory");
        runner_abort(g, e);
    }
    if (local_ranks(c->world, &g->local, e))
        runner_abort(g, e);
    *out = g;
    return ERR_OK;
}

void runner_ranks_end(runner_ranks *g)
{
    if (!g)
        return;
    MPI_Comm_free(&g->comm->world);
    ranks_free(g);
    MPI_Finalize();
}

_Noreturn void runner_abort(runner_ranks *g, const err_t *e)
{
    fprintf(stderr, "%s\n", e->msg);
    MPI_Abort(g && g->comm->world != MPI_COMM_NULL ? g->comm->world : MPI_COMM_WORLD, ERR_INTERNAL);
    _Exit(ERR_INTERNAL); /* MPI_Abort does not return; the compiler cannot know */
}

/* Room for TOTAL bytes in G->all; a rank without it ends the job. */
static void room(runner_ranks *g, unsigned long long total, err_t *e)
{
    wire_t *all = &g->all;
    all->n = all->pos = 0;
    all->failed = 0;
    if (total <= all->cap)
        return;
    unsigned char *b = realloc(all->b, (size_t)total);
    if (!b) {
        err_internal(e, "rank %d: out of memory receiving %llu bytes", g->rank, total);
        runner_abort(g, e);
    }
    all->b = b;
    all->cap = (size_t)total;
}

_Noreturn static void failed(runner_ranks *g, err_t *e, const char *what, int code)
{
    mpi_failed(e, what, code);
    runner_abort(g, e);
}

/* The sizes first, then the bytes. MPI counts in int: an exchange of more
   than INT_MAX bytes, which the whole job agrees on from the sizes, is
   refused on every rank alike. */
void runner_allgather(runner_ranks *g, const wire_t *mine, err_t *e)
{
    struct runner_comm *c = g->comm;
    unsigned long long n = mine->n, total = 0;
    int rc = MPI_Allgather(&n, 1, MPI_UNSIGNED_LONG_LONG, c->len, 1, MPI_UNSIGNED_LONG_LONG, c->world);
    if (rc != MPI_SUCCESS)
        failed(g, e, "cannot exchange the sizes of the results", rc);
    for (int r = 0; r < g->n; r++) {
        g->at[r] = (size_t)total;
        c->displ[r] = (int)total;
        c->count[r] = (int)c->len[r];
        total += c->len[r];
        if (total > INT_MAX) {
            err_system(e, "MPI: a batch of results of more than %d bytes", INT_MAX);
            runner_abort(g, e);
        }
    }
    g->at[g->n] = (size_t)total;
    room(g, total, e);
    rc = MPI_Allgatherv(mine->b, (int)n, MPI_BYTE, g->all.b, c->count, c->displ, MPI_BYTE, c->world);
    if (rc != MPI_SUCCESS)
        failed(g, e, "cannot exchange the results", rc);
    g->all.n = (size_t)total;
}

void runner_allgather_fixed(runner_ranks *g, const wire_t *mine, size_t slot, err_t *e)
{
    unsigned long long total = (unsigned long long)slot * (unsigned long long)g->n;
    if (mine->n > slot) {
        err_internal(e, "rank %d: %zu bytes of results, more than the %zu declared", g->rank, mine->n, slot);
        runner_abort(g, e);
    }
    if (total > INT_MAX) {
        err_system(e, "MPI: a batch of results of more than %d bytes", INT_MAX);
        runner_abort(g, e);
    }
    room(g, total, e);
    /* the padding is never read: blocks delimit themselves */
    unsigned char *b = g->all.b + (size_t)g->rank * slot;
    memcpy(b, mine->b, mine->n);
    memset(b + mine->n, 0, slot - mine->n);
    int rc = MPI_Allgather(MPI_IN_PLACE, 0, MPI_DATATYPE_NULL, g->all.b, (int)slot, MPI_BYTE,
                           g->comm->world);
    if (rc != MPI_SUCCESS)
        failed(g, e, "cannot exchange the results", rc);
    for (int r = 0; r <= g->n; r++)
        g->at[r] = (size_t)r * slot;
    g->all.n = (size_t)total;
}
