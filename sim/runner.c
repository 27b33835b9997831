/* runner.c - job batches in process and in forked workers; see runner.h.
 *
 * A worker's answer is framed by a magic number at both ends, so a worker
 * that died half-way through writing is told apart from one that finished:
 * magic, status, message, [result], magic. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/common_interface_defs.h>
#endif
#include "runner_int.h"

static const uint32_t RUN_MAGIC = 0x4d434d44u; /* "MCMD" */

typedef struct {
    int job;                /* index in the batch; -1 when the slot is free */
    pid_t pid;
    int fd;
    wire_t w;
} worker;

static int write_all(int fd, const unsigned char *b, size_t n)
{
    while (n > 0) {
        ssize_t k = write(fd, b, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return -1;
        b += k;
        n -= (size_t)k;
    }
    return 0;
}

/* Runs in the worker: evaluate, send the answer, and leave without exit
   handlers, so that neither SimGrid's teardown nor LeakSanitizer walks an
   engine that is thrown away with the process. */
_Noreturn static void work(int fd, const run_job *j)
{
    res_result r;
    err_t e = {{0}};
    int32_t rc = j->ev->run(j->p, j->scn, j->s, j->pl, j->opts, &r, &e);
    wire_t w = {0};
    runner_put_answer(&w, rc, &e, &r);
    _exit(w.failed || write_all(fd, w.b, w.n) ? 1 : 0);
}

void runner_put_answer(wire_t *w, int32_t rc, const err_t *e, const res_result *r)
{
    wire_put(w, &RUN_MAGIC, sizeof RUN_MAGIC);
    wire_put(w, &rc, sizeof rc);
    wire_put(w, e->msg, sizeof e->msg);
    if (rc == ERR_OK)
        wire_put_result(w, r);
    wire_put(w, &RUN_MAGIC, sizeof RUN_MAGIC);
}

static int verbose(const run_job *j)
{
    return j->opts && j->opts->verbose;
}

/* In the worker, unless --verbose: standard error goes nowhere. SimGrid
   prints a backtrace of a dozen lines on its way down (out of memory, a
   failed assertion), which the one error line the caller prints replaces;
   the sanitizers' reports still reach the real standard error. */
static void quiet_stderr(void)
{
    int null = open("/dev/null", O_WRONLY);
    if (null < 0)
        return;
#ifdef __SANITIZE_ADDRESS__
    int keep = dup(STDERR_FILENO);
    if (keep >= 0)
        __sanitizer_set_report_fd((void *)(intptr_t)keep);
#endif
    dup2(null, STDERR_FILENO);
    close(null);
}

/* The worker's fate as an error, when it did not answer. */
static int worker_failure(const run_job *j, int status, err_t *e)
{
    const char *what = j->ev->name, *hint = verbose(j) ? "" : "; --verbose shows its messages";
    if (WIFSIGNALED(status))
        return err_internal(e, "the %s worker crashed (signal %d: %s)%s", what, WTERMSIG(status),
                            strsignal(WTERMSIG(status)), hint);
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        return err_internal(e, "the %s worker exited with status %d%s", what, WEXITSTATUS(status),
                            hint);
    return err_internal(e, "the %s worker ended without a complete answer%s", what, hint);
}

int runner_get_answer(wire_t *w, run_job *j)
{
    uint32_t magic = 0;
    int32_t rc;
    if (wire_get(w, &magic, sizeof magic) || magic != RUN_MAGIC || wire_get(w, &rc, sizeof rc) ||
        wire_get(w, j->err.msg, sizeof j->err.msg))
        return -1;
    j->err.msg[sizeof j->err.msg - 1] = '\0';
    if (rc != ERR_OK) {
        if (wire_get(w, &magic, sizeof magic) || magic != RUN_MAGIC)
            return -1;
        j->rc = rc == ERR_INPUT ? ERR_INPUT : ERR_INTERNAL;
        return 0;
    }
    if (res_init(&j->r, j->p, j->scn, j->s)) {
        j->rc = err_internal(&j->err, "out of memory");
        return 0;
    }
    if (wire_get_result(w, &j->r) || wire_get(w, &magic, sizeof magic) || magic != RUN_MAGIC) {
        res_free(&j->r);
        return -1;
    }
    j->rc = ERR_OK;
    return 0;
}

static int start(worker *wk, int nwk, int slot, run_job *jobs, int job, err_t *e)
{
    int fds[2];
    if (pipe(fds) != 0)
        return err_internal(e, "cannot create a pipe: %s", strerror(errno));
    fflush(NULL); /* the worker must not inherit buffered output: it would be written twice */
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return err_internal(e, "cannot fork a worker: %s", strerror(errno));
    }
    if (pid == 0) {
        /* no orphan runs on after its caller is killed */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(1);
        close(fds[0]);
        for (int i = 0; i < nwk; i++)
            if (wk[i].job >= 0)
                close(wk[i].fd);
        if (!verbose(&jobs[job]))
            quiet_stderr();
        work(fds[1], &jobs[job]);
    }
    close(fds[1]);
    wk[slot] = (worker){.job = job, .pid = pid, .fd = fds[0]};
    return ERR_OK;
}

/* Reads what worker WK has sent; at the end of its output, reaps it and
   fills its job. Returns 1 when the worker is done. */
static int drain(worker *wk, run_job *jobs)
{
    unsigned char buf[65536];
    ssize_t k = read(wk->fd, buf, sizeof buf);
    if (k < 0 && (errno == EINTR || errno == EAGAIN))
        return 0;
    if (k > 0) {
        wire_put(&wk->w, buf, (size_t)k);
        return 0;
    }
    close(wk->fd);
    int status = 0;
    while (waitpid(wk->pid, &status, 0) < 0 && errno == EINTR)
        ;
    run_job *j = &jobs[wk->job];
    if (k < 0 || wk->w.failed || runner_get_answer(&wk->w, j) < 0)
        j->rc = worker_failure(j, status, &j->err);
    wire_free(&wk->w);
    wk->job = -1;
    return 1;
}

/* The first job from I on that needs a worker; N when there is none. */
static int next_isolated(const run_job *jobs, int n, int i)
{
    while (i < n && !jobs[i].ev->isolated)
        i++;
    return i;
}

static void run_here(run_job *j)
{
    j->rc = j->ev->run(j->p, j->scn, j->s, j->pl, j->opts, &j->r, &j->err);
}

int runner_run(run_job *jobs, int n, int workers, err_t *e)
{
    return runner_run_watched(jobs, n, workers, NULL, NULL, e);
}

int runner_run_watched(run_job *jobs, int n, int workers, void (*done)(void *arg, int job, int ndone),
                       void *arg, err_t *e)
{
    if (workers < 1)
        workers = 1;
    worker *wk = malloc((size_t)workers * sizeof *wk);
    struct pollfd *pf = malloc((size_t)workers * sizeof *pf);
    int *slot_of = malloc((size_t)workers * sizeof *slot_of);
    if (!wk || !pf || !slot_of) {
        free(wk);
        free(pf);
        free(slot_of);
        return err_internal(e, "out of memory");
    }
    for (int i = 0; i < workers; i++)
        wk[i].job = -1;
    /* in-process jobs need no slot: they run first, one after another */
    int ndone = 0;
    for (int i = 0; i < n; i++) {
        memset(&jobs[i].r, 0, sizeof jobs[i].r);
        jobs[i].err.msg[0] = '\0';
        if (!jobs[i].ev->isolated) {
            run_here(&jobs[i]);
            if (done)
                done(arg, i, ++ndone);
        }
    }
    int next = next_isolated(jobs, n, 0), running = 0, rc = ERR_OK;
    while (next < n || running > 0) {
        for (int slot = 0; !rc && next < n && slot < workers; slot++) {
            if (wk[slot].job >= 0)
                continue;
            if ((rc = start(wk, workers, slot, jobs, next, e)))
                break;
            next = next_isolated(jobs, n, next + 1);
            running++;
        }
        if (rc) {
            for (; next < n; next = next_isolated(jobs, n, next + 1)) {
                jobs[next].rc = ERR_INTERNAL;
                jobs[next].err = *e;
            }
            if (running == 0)
                break;
        }
        if (running == 0)
            continue;
        int np = 0;
        for (int i = 0; i < workers; i++)
            if (wk[i].job >= 0) {
                pf[np] = (struct pollfd){.fd = wk[i].fd, .events = POLLIN};
                slot_of[np++] = i;
            }
        if (poll(pf, (nfds_t)np, -1) < 0) {
            if (errno == EINTR)
                continue;
            /* cannot wait on the pipes: read them in turn, blocking */
            for (int i = 0; i < np; i++)
                pf[i].revents = POLLIN;
        }
        for (int i = 0; i < np; i++) {
            int job = wk[slot_of[i]].job;
            if (pf[i].revents && drain(&wk[slot_of[i]], jobs)) {
                running--;
                if (done)
                    done(arg, job, ++ndone);
            }
        }
    }
    free(wk);
    free(pf);
    free(slot_of);
    return rc;
}

int runner_one(const evaluator *ev, const plat_t *p, const scn_t *scn, const sched_t *s,
               const plan_t *pl, const eval_opts *o, res_result *r, err_t *e)
{
    run_job j = {.p = p, .scn = scn, .s = s, .pl = pl, .ev = ev, .opts = o};
    int rc = runner_run(&j, 1, 1, e);
    if (rc)
        return rc;
    *e = j.err;
    *r = j.r;
    return j.rc;
}
