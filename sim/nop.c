/* nop.c - routes, link indices and the fidelity levels; the closed-form
 * transfers are inline in nop.h. */
#include <string.h>
#include "nop.h"

/* plat_finish puts the DRAM links after every mesh link, in channel order,
   and the ports after them. */
int nop_dram_link(const plat_t *p, int d)
{
    return p->port0 - p->ndrams + d;
}

int nop_route_cap(const plat_t *p)
{
    return p->width + p->height + 4;
}

/* X first, then Y: deadlock-free on a mesh, and what the field assumes. */
int nop_mesh_route(const plat_t *p, int from_router, int to_router, int *out)
{
    int x = from_router % p->width, y = from_router / p->width;
    int dx = to_router % p->width, dy = to_router / p->width, n = 0;
    while (x != dx) {
        int dir = dx > x ? PLAT_EAST : PLAT_WEST;
        out[n++] = p->link_at[(y * p->width + x) * 4 + dir];
        x += dx > x ? 1 : -1;
    }
    while (y != dy) {
        int dir = dy > y ? PLAT_NORTH : PLAT_SOUTH;
        out[n++] = p->link_at[(y * p->width + x) * 4 + dir];
        y += dy > y ? 1 : -1;
    }
    return n;
}

int nop_route(const plat_t *p, int from, int to, int *out)
{
    if (from == to)
        return 0;
    int n = 0;
    if (nop_is_dram(p, from))
        out[n++] = nop_dram_link(p, from - p->nchiplets);
    out[n++] = nop_port_link(p, from, PLAT_PORT_INJECT);
    const plat_chiplet *a = &p->chiplets[nop_router(p, from)], *b = &p->chiplets[nop_router(p, to)];
    n += nop_mesh_route(p, a->x + p->width * a->y, b->x + p->width * b->y, out + n);
    out[n++] = nop_port_link(p, to, PLAT_PORT_EJECT);
    if (nop_is_dram(p, to))
        out[n++] = nop_dram_link(p, to - p->nchiplets);
    return n;
}

double nop_route_latency(const plat_t *p, const int *route, int n)
{
    double t = 0;
    for (int i = 0; i < n; i++)
        t += p->links[route[i]].latency_s;
    return t;
}

int nop_dram_for(const plat_t *p, int c)
{
    int best = -1, best_hops = 0;
    for (int i = 0; i < p->ndrams; i++) {
        int h = nop_hops(p, c, p->drams[i].chiplet);
        if (best < 0 || h < best_hops) {
            best = i;
            best_hops = h;
        }
    }
    return best;
}

double nop_link_energy_j(const plat_t *p, int l, double bytes)
{
    const plat_link *lk = &p->links[l];
    if (lk->port != PLAT_PORT_NONE)
        return 0; /* a port is no hop: the mesh links and the channel price the bits */
    double pj = lk->is_dram ? p->drams[lk->dram].pj_per_bit : p->nop_pj_per_bit;
    return bytes * 8 * pj * 1e-12;
}

/* ---- fidelity levels ---- */

/* The first is the default. */
static const nop_level *const levels[] = {&nop_level_flow, &nop_level_packet, NULL};

const nop_level *nop_level_find(const char *name)
{
    if (!name)
        return levels[0];
    for (int i = 0; levels[i]; i++)
        if (strcmp(levels[i]->name, name) == 0)
            return levels[i];
    return NULL;
}

const nop_level *nop_level_at(int i)
{
    return i >= 0 && i < (int)(sizeof levels / sizeof levels[0]) ? levels[i] : NULL;
}

void nop_link_id(int l, char *buf, size_t size)
{
    snprintf(buf, size, "l%d", l);
}
