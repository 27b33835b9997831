/* fluid.c - max-min fair fluid flows by progressive filling; see fluid.h.
 *
 * Each phase recomputes every rate from scratch: room[r] is what resource
 * r has left, users[r] how many still-rising flows cross it. The flows
 * rise together by the smallest room / users, which fills that resource
 * (and any other it fills at the same time); the flows through a full
 * resource stop rising. A resource's flows are found through an index
 * built once (resource -> flows), so a phase costs O(resources x levels +
 * the flows' route lengths). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "fluid.h"

typedef struct {
    int *rfirst, *rflow;   /* resource r's flows: rflow[rfirst[r] .. rfirst[r + 1] - 1] */
    double *room, *rate, *left;
    int *users, *live;
    unsigned char *state;  /* 0 rising, 1 held at its rate, 2 finished */
} fluid_ws;

static void ws_free(fluid_ws *w)
{
    free(w->rfirst);
    free(w->rflow);
    free(w->room);
    free(w->rate);
    free(w->left);
    free(w->users);
    free(w->live);
    free(w->state);
}

static int ws_init(const fluid_problem *pb, fluid_ws *w)
{
    int nr = pb->nres, nf = pb->nflows, ninc = pb->first[nf];
    memset(w, 0, sizeof *w);
    w->rfirst = calloc((size_t)nr + 1, sizeof *w->rfirst);
    w->rflow = malloc((size_t)ninc * sizeof *w->rflow + 1);
    w->room = malloc((size_t)nr * sizeof *w->room + 1);
    w->users = malloc((size_t)nr * sizeof *w->users + 1);
    w->live = malloc((size_t)nr * sizeof *w->live + 1);
    w->rate = malloc((size_t)nf * sizeof *w->rate + 1);
    w->left = malloc((size_t)nf * sizeof *w->left + 1);
    w->state = malloc((size_t)nf + 1);
    if (!w->rfirst || !w->rflow || !w->room || !w->users || !w->live || !w->rate || !w->left ||
        !w->state)
        return ERR_INTERNAL;
    for (int i = 0; i < ninc; i++)
        w->rfirst[pb->res[i] + 1]++;
    for (int r = 0; r < nr; r++)
        w->rfirst[r + 1] += w->rfirst[r];
    int *fill = malloc((size_t)nr * sizeof *fill + 1);
    if (!fill)
        return ERR_INTERNAL;
    memcpy(fill, w->rfirst, (size_t)nr * sizeof *fill);
    for (int f = 0; f < nf; f++)
        for (int k = pb->first[f]; k < pb->first[f + 1]; k++)
            w->rflow[fill[pb->res[k]]++] = f;
    free(fill);
    return ERR_OK;
}

/* The max-min rates of the unfinished flows. LIVE holds the resources
   that rising flows still cross, so each round scans fewer. */
static void fill_rates(const fluid_problem *pb, fluid_ws *w)
{
    int nr = pb->nres, nlive = 0;
    for (int r = 0; r < nr; r++) {
        w->room[r] = pb->cap[r];
        w->users[r] = 0;
    }
    for (int f = 0; f < pb->nflows; f++) {
        if (w->state[f] == 2)
            continue;
        w->state[f] = 0;
        w->rate[f] = 0;
        for (int k = pb->first[f]; k < pb->first[f + 1]; k++)
            w->users[pb->res[k]]++;
    }
    for (int r = 0; r < nr; r++)
        if (w->users[r] > 0)
            w->live[nlive++] = r;
    double level = 0;
    while (nlive > 0) {
        double inc = INFINITY;
        for (int i = 0; i < nlive; i++) {
            int r = w->live[i];
            if (w->room[r] / w->users[r] < inc)
                inc = w->room[r] / w->users[r];
        }
        level += inc;
        for (int i = 0; i < nlive; i++)
            w->room[w->live[i]] -= inc * w->users[w->live[i]];
        /* the resources left with (almost) nothing are full */
        for (int i = 0; i < nlive; i++) {
            int r = w->live[i];
            if (w->users[r] == 0 || w->room[r] > 1e-12 * pb->cap[r])
                continue;
            for (int q = w->rfirst[r]; q < w->rfirst[r + 1]; q++) {
                int f = w->rflow[q];
                if (w->state[f] != 0)
                    continue;
                w->state[f] = 1;
                w->rate[f] = level;
                for (int k = pb->first[f]; k < pb->first[f + 1]; k++)
                    w->users[pb->res[k]]--;
            }
        }
        int keep = 0;
        for (int i = 0; i < nlive; i++)
            if (w->users[w->live[i]] > 0)
                w->live[keep++] = w->live[i];
        nlive = keep;
    }
}

int fluid_solve(const fluid_problem *pb, double *finish)
{
    fluid_ws w;
    if (ws_init(pb, &w)) {
        ws_free(&w);
        return ERR_INTERNAL;
    }
    int active = 0;
    for (int f = 0; f < pb->nflows; f++) {
        w.left[f] = pb->volume[f];
        w.state[f] = pb->volume[f] > 0 ? 0 : 2;
        finish[f] = 0;
        active += w.state[f] != 2;
    }
    double t = 0;
    while (active > 0) {
        fill_rates(pb, &w);
        double dt = INFINITY;
        for (int f = 0; f < pb->nflows; f++)
            if (w.state[f] != 2 && w.left[f] / w.rate[f] < dt)
                dt = w.left[f] / w.rate[f];
        t += dt;
        /* flows within rounding of done finish together */
        for (int f = 0; f < pb->nflows; f++) {
            if (w.state[f] == 2)
                continue;
            w.left[f] -= w.rate[f] * dt;
            if (w.left[f] <= 1e-9 * pb->volume[f]) {
                w.state[f] = 2;
                finish[f] = t;
                active--;
            }
        }
    }
    ws_free(&w);
    return ERR_OK;
}
