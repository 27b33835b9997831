/* traffic_run.c - a synthetic pattern at either network level; see
 * traffic_run.h. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "fluid.h"
#include "traffic.h"
#include "traffic_run.h"

static double port_bw(const plat_t *p, int node, plat_port k)
{
    int c = p->chiplet_at[node];
    return c >= 0 ? p->links[nop_port_link(p, c, k)].bw : p->iface_bw;
}

/* Node names (the chiplet's, else "xXyY") and the link table: P's mesh
   links, then every node's injection and ejection port. */
static int setup(const plat_t *p, const trun_opts *o, trun_result *r)
{
    int n = p->width * p->height, nmesh = p->port0 - p->ndrams;
    r->nnodes = n;
    r->nlinks = nmesh + 2 * n;
    r->node_names = calloc((size_t)n, sizeof *r->node_names);
    r->finish_s = calloc((size_t)n, sizeof *r->finish_s);
    r->links = calloc((size_t)r->nlinks, sizeof *r->links);
    if (!r->node_names || !r->finish_s || !r->links)
        return ERR_INTERNAL;
    for (int i = 0; i < n; i++) {
        int c = p->chiplet_at[i];
        if (c >= 0)
            snprintf(r->node_names[i], PLAT_NAME_MAX, "%s", p->chiplets[c].name);
        else
            snprintf(r->node_names[i], PLAT_NAME_MAX, "x%dy%d", i % p->width, i / p->width);
    }
    for (int l = 0; l < nmesh; l++) {
        snprintf(r->links[l].name, sizeof r->links[l].name, "%s", p->links[l].name);
        r->links[l].kind = "mesh";
        r->links[l].bw = p->links[l].bw;
    }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 2; k++) {
            trun_link *l = &r->links[nmesh + 2 * i + k];
            snprintf(l->name, sizeof l->name, "%s.%s", r->node_names[i], k ? "eject" : "inject");
            l->kind = k ? "eject" : "inject";
            l->bw = port_bw(p, i, k ? PLAT_PORT_EJECT : PLAT_PORT_INJECT);
        }
    r->cycle_s = p->nop.flit_bytes / p->link_bw;
    r->flit_bytes = p->nop.flit_bytes;
    r->packets = o->packets;
    r->packet_flits = o->packet_flits;
    return ERR_OK;
}

/* The pattern's volumes, then one fluid flow per (source, destination)
   over the links and ports of the table, max-min shared (fluid.h). */
static int run_flow(const plat_t *p, const trun_opts *o, const traffic_pattern *t,
                    trun_result *r, err_t *e)
{
    int n = r->nnodes, nmesh = p->port0 - p->ndrams, cap = nop_route_cap(p);
    double pkt = (double)o->packet_flits * p->nop.flit_bytes;
    size_t pairs = (size_t)n * (size_t)n;
    double *vol = calloc(pairs, sizeof *vol), *fvol = malloc(pairs * sizeof *fvol);
    double *fin = malloc(pairs * sizeof *fin), *bw = malloc((size_t)r->nlinks * sizeof *bw);
    int *first = malloc((pairs + 1) * sizeof *first), *src = malloc(pairs * sizeof *src);
    int *res = malloc(pairs * (size_t)cap * sizeof *res);
    int rc = ERR_OK;
    if (!vol || !fvol || !fin || !bw || !first || !src || !res) {
        rc = err_internal(e, "out of memory");
        goto out;
    }
    for (int s = 0; s < n; s++)
        for (long k = 0; k < o->packets; k++)
            vol[s * n + traffic_dest(t, s, k)] += pkt;
    for (int l = 0; l < r->nlinks; l++)
        bw[l] = r->links[l].bw;
    int nf = 0, ninc = 0;
    for (int s = 0; s < n; s++)
        for (int d = 0; d < n; d++) {
            if (!(vol[s * n + d] > 0))
                continue;
            first[nf] = ninc;
            res[ninc++] = nmesh + 2 * s;
            ninc += nop_mesh_route(p, s, d, res + ninc);
            res[ninc++] = nmesh + 2 * d + 1;
            for (int k = first[nf]; k < ninc; k++)
                r->links[res[k]].bytes += vol[s * n + d];
            fvol[nf] = vol[s * n + d];
            src[nf++] = s;
        }
    first[nf] = ninc;
    fluid_problem pb = {r->nlinks, bw, nf, first, res, fvol};
    if (fluid_solve(&pb, fin)) {
        rc = err_internal(e, "out of memory");
        goto out;
    }
    for (int f = 0; f < nf; f++)
        if (fin[f] > r->finish_s[src[f]])
            r->finish_s[src[f]] = fin[f];
out:
    free(vol);
    free(fvol);
    free(fin);
    free(bw);
    free(first);
    free(src);
    free(res);
    return rc;
}

/* The batch on the flit-level routers, as BookSim runs one. */
static int run_packet(const plat_t *p, const trun_opts *o, const traffic_pattern *t,
                      trun_result *r, err_t *e)
{
    int n = r->nnodes, nmesh = p->port0 - p->ndrams;
    double *rate = malloc(2 * (size_t)n * sizeof *rate);
    if (!rate)
        return err_internal(e, "out of memory");
    for (int i = 0; i < 2 * n; i++)
        rate[i] = r->links[nmesh + 2 * (i % n) + i / n].bw / p->link_bw;
    traffic_batch_cfg cfg = {.width = p->width,
                             .height = p->height,
                             .vcs = p->nop.vcs,
                             .vc_buffer = p->nop.vc_buffer,
                             .router_cycles = p->nop.router_cycles,
                             .link_cycles = p->nop.link_cycles,
                             .inject_rate = rate,
                             .eject_rate = rate + n,
                             .packets = o->packets,
                             .packet_flits = o->packet_flits};
    traffic_batch_result b;
    int rc = traffic_batch(&cfg, t, &b);
    free(rate);
    if (rc)
        return rc == ERR_INPUT ? err_input(e, "%s: [nop]: the packet level cannot run this mesh",
                                           p->path ? p->path : "<platform>")
                               : err_internal(e, "out of memory");
    double fb = p->nop.flit_bytes;
    for (int i = 0; i < n; i++)
        r->finish_s[i] = (double)b.finish[i] * r->cycle_s;
    r->mean_latency_s = b.mean_latency * r->cycle_s;
    r->mean_hops = b.mean_hops;
    for (int l = 0; l < nmesh; l++) {
        const plat_link *pl = &p->links[l];
        int router = pl->sx + p->width * pl->sy;
        int dir = pl->dx > pl->sx ? PLAT_EAST : pl->dx < pl->sx ? PLAT_WEST
                                            : pl->dy > pl->sy ? PLAT_NORTH : PLAT_SOUTH;
        r->links[l].bytes = (double)b.link_flits[router * 4 + dir] * fb;
    }
    /* every packet leaves its source and reaches its destination whole */
    for (int s = 0; s < n; s++)
        for (long k = 0; k < o->packets; k++) {
            double bytes = (double)o->packet_flits * fb;
            r->links[nmesh + 2 * s].bytes += bytes;
            r->links[nmesh + 2 * traffic_dest(t, s, k) + 1].bytes += bytes;
        }
    traffic_batch_free(&b);
    return ERR_OK;
}

int trun_run(const plat_t *p, const trun_opts *o, trun_result *r, err_t *e)
{
    memset(r, 0, sizeof *r);
    r->level = o->level ? o->level : nop_level_find(p->nop.model);
    if (!r->level)
        r->level = nop_level_find(NULL);
    traffic_pattern t;
    char msg[256];
    int rc = traffic_parse(o->pattern, o->hotspot, o->seed, p->width, p->height, &t, msg, sizeof msg);
    if (rc)
        return rc == ERR_INPUT ? err_input(e, "--pattern: %s", msg) : err_internal(e, "out of memory");
    rc = setup(p, o, r) ? err_internal(e, "out of memory") : ERR_OK;
    if (!rc)
        rc = strcmp(r->level->name, "packet") == 0 ? run_packet(p, o, &t, r, e)
                                                   : run_flow(p, o, &t, r, e);
    traffic_free(&t);
    for (int i = 0; !rc && i < r->nnodes; i++)
        if (r->finish_s[i] > r->drain_s)
            r->drain_s = r->finish_s[i];
    for (int l = 0; !rc && l < r->nlinks; l++) {
        trun_link *lk = &r->links[l];
        lk->busy_s = lk->bytes / lk->bw;
        lk->utilization = r->drain_s > 0 ? lk->busy_s / r->drain_s : 0;
    }
    if (rc)
        trun_free(r);
    return rc;
}

void trun_free(trun_result *r)
{
    free(r->node_names);
    free(r->finish_s);
    free(r->links);
    memset(r, 0, sizeof *r);
}
