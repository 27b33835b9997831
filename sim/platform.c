/* platform.c - loading, checking and routing of the package; see platform.h. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cfg.h"
#include "platform.h"
#include "text.h"

static const struct {
    const char *name;
    plat_family family;
} dataflows[PLAT_NDATAFLOW] = {
#define PLAT_DATAFLOW_FACTS(value, name, family, price, about) [value] = {name, family},
    PLAT_DATAFLOW_TABLE(PLAT_DATAFLOW_FACTS)
#undef PLAT_DATAFLOW_FACTS
};

/* An enum value without a row would have no name. */
#define PLAT_DATAFLOW_ONE(value, name, family, price, about) +1
_Static_assert(0 PLAT_DATAFLOW_TABLE(PLAT_DATAFLOW_ONE) == PLAT_NDATAFLOW, "a row per dataflow");
#undef PLAT_DATAFLOW_ONE

const char *plat_dataflow_name(plat_dataflow df)
{
    return df >= 0 && df < PLAT_NDATAFLOW ? dataflows[df].name : "?";
}

int plat_dataflow_parse(const char *name)
{
    for (int i = 0; i < PLAT_NDATAFLOW; i++)
        if (strcmp(name, dataflows[i].name) == 0)
            return i;
    return -1;
}

const char *plat_dataflow_list(void)
{
    /* One literal ", nvdla, shidiannao, ...", less its first separator. */
#define PLAT_DATAFLOW_ITEM(value, name, family, price, about) ", " name
    return &(PLAT_DATAFLOW_TABLE(PLAT_DATAFLOW_ITEM))[2];
#undef PLAT_DATAFLOW_ITEM
}

int plat_dataflow_is_os(plat_dataflow df)
{
    return df >= 0 && df < PLAT_NDATAFLOW && dataflows[df].family == PLAT_OUTPUT_STATIONARY;
}

int plat_dataflow_is_systolic(plat_dataflow df)
{
    return df == PLAT_SYSTOLIC_OS || df == PLAT_SYSTOLIC_WS || df == PLAT_SYSTOLIC_IS;
}

int plat_chiplet_same_cost(const plat_chiplet *a, const plat_chiplet *b)
{
    return a->dataflow == b->dataflow && a->pes == b->pes && a->array_rows == b->array_rows &&
           a->array_cols == b->array_cols && a->l1_bytes == b->l1_bytes &&
           a->l2_bytes == b->l2_bytes && a->clock_hz == b->clock_hz &&
           a->vector_per_cycle == b->vector_per_cycle && a->l2_bw == b->l2_bw &&
           a->pj_mac == b->pj_mac && a->pj_l1 == b->pj_l1 && a->pj_l2 == b->pj_l2;
}

/* The side of a square PE count, or 0. */
static long square_side(long pes)
{
    long r = (long)sqrt((double)pes);
    while (r * r > pes)
        r--;
    while ((r + 1) * (r + 1) <= pes)
        r++;
    return r * r == pes ? r : 0;
}

/* SCAR (README, References): 4096 PEs, 10 MB L2, 500 MHz; energy in MAESTRO's proportions
   (L1 access = 1.68 MAC, L2 access = 18.61 MAC, one int8 MAC ~ 0.23 pJ).

   Static power: the measured idle power of an int8 accelerator die of this
   kind, Google's first TPU (Jouppi et al., "In-Datacenter Performance
   Analysis of a Tensor Processing Unit", ISCA 2017, Table 2): 28 nm, 65,536
   int8 MACs at 700 MHz, 28 MiB on chip; 28 W idle, 40 W busy. Idle power is
   what a powered die burns doing nothing (leakage and the clock tree), which
   is what static_power adds to the per-access energies. Per MAC 28 W /
   65,536 = 0.427 mW, so a 4096-PE chiplet burns 4096 x 0.427 mW = 1.75 W,
   and a chiplet of N PEs N times 0.427 mW (a 16384-PE monolith as much as
   four 4096-PE chiplets). It is a high figure: that TPU had no power
   management (the paper: at 10 % load it drew 88 % of its full-load power);
   a platform file sets its own. */
void plat_chiplet_defaults(plat_chiplet *c)
{
    memset(c, 0, sizeof *c);
    c->dataflow = PLAT_NVDLA;
    c->pes = 4096;
    c->l1_bytes = 512;
    c->l2_bytes = 10e6;
    c->clock_hz = 500e6;
    c->vector_per_cycle = 256;
    c->l2_bw = 256;
    c->pj_mac = 0.23;
    c->pj_l1 = 1.68 * 0.23;
    c->pj_l2 = 18.61 * 0.23;
    c->static_w = -1;
}

int plat_find_chiplet(const plat_t *p, const char *name)
{
    for (int i = 0; i < p->nchiplets; i++)
        if (strcmp(p->chiplets[i].name, name) == 0)
            return i;
    return -1;
}

static const char *where(const plat_t *p)
{
    return p->path ? p->path : "<platform>";
}

void plat_nop_defaults(plat_nop *n)
{
    snprintf(n->model, sizeof n->model, "flow");
    n->flit_bytes = 32;
    n->vcs = 4;
    n->vc_buffer = 16;
    n->router_cycles = 4;
    n->link_cycles = 1;
    n->packet_flits = 16;
}

/* Endpoint EP's port K: endpoints are chiplets, then DRAM channels (nop.h).
   A channel's ports default to its own bandwidth, the channel being its
   interface; a chiplet's to the package's interface_bandwidth. */
static void add_port(plat_t *p, int ep, plat_port k)
{
    const plat_dram *d = ep < p->nchiplets ? NULL : &p->drams[ep - p->nchiplets];
    const plat_chiplet *c = &p->chiplets[d ? d->chiplet : ep];
    double bw = d ? (d->iface_bw > 0 ? d->iface_bw : d->bw) : c->iface_bw;
    plat_link *l = &p->links[p->nlinks++];
    snprintf(l->name, sizeof l->name, "%s.%s", d ? d->name : c->name,
             k == PLAT_PORT_INJECT ? "inject" : "eject");
    l->port = k;
    l->end = ep;
    l->sx = l->dx = c->x;
    l->sy = l->dy = c->y;
    l->bw = bw > 0 ? bw : p->iface_bw;
}

int plat_finish(plat_t *p, err_t *e)
{
    if (p->width < 1 || p->height < 1)
        return err_at(e, where(p), 0, "mesh must be at least 1x1");
    if (p->nchiplets < 1)
        return err_at(e, where(p), 0, "no chiplets");
    if (p->ndrams < 1)
        return err_at(e, where(p), 0, "no DRAM channel");
    if (!(p->link_bw > 0) || !(p->hop_latency_s >= 0) || !(p->nop_pj_per_bit >= 0))
        return err_at(e, where(p), 0, "NoP bandwidth must be > 0, latency and energy >= 0");
    if (!(p->iface_bw >= 0))
        return err_at(e, where(p), 0, "interface bandwidth must be > 0");
    if (p->iface_bw == 0)
        p->iface_bw = p->link_bw;
    if (!p->nop.model[0])
        plat_nop_defaults(&p->nop);
    int cells = p->width * p->height;
    free(p->chiplet_at);
    free(p->link_at);
    free(p->links);
    p->chiplet_at = malloc((size_t)cells * sizeof *p->chiplet_at);
    p->link_at = malloc((size_t)cells * 4 * sizeof *p->link_at);
    p->links = calloc((size_t)(cells * 4 + p->ndrams + 2 * (p->nchiplets + p->ndrams)),
                      sizeof *p->links);
    if (!p->chiplet_at || !p->link_at || !p->links)
        return err_internal(e, "out of memory");
    for (int i = 0; i < cells; i++)
        p->chiplet_at[i] = -1;
    for (int i = 0; i < p->nchiplets; i++) {
        plat_chiplet *c = &p->chiplets[i];
        if (c->x < 0 || c->y < 0 || c->x >= p->width || c->y >= p->height)
            return err_at(e, where(p), 0, "chiplet %s at %d,%d is outside the %dx%d mesh", c->name,
                          c->x, c->y, p->width, p->height);
        int *cell = &p->chiplet_at[c->y * p->width + c->x];
        if (*cell >= 0)
            return err_at(e, where(p), 0, "chiplets %s and %s share position %d,%d",
                          p->chiplets[*cell].name, c->name, c->x, c->y);
        *cell = i;
        if (c->pes < 1 || c->pes > PLAT_PES_MAX || !(c->clock_hz > 0) || !(c->l2_bytes > 0) ||
            !(c->l1_bytes > 0) || !(c->vector_per_cycle > 0) || !(c->l2_bw > 0) ||
            !(c->iface_bw >= 0))
            return err_at(e, where(p), 0, "chiplet %s: sizes and rates must be > 0 (pes at most %ld)",
                          c->name, PLAT_PES_MAX);
        if (c->static_w < 0)
            c->static_w = (double)c->pes * PLAT_STATIC_W_PER_PE;
        if (!(c->static_w <= 1e6))
            return err_at(e, where(p), 0, "chiplet %s: static power must be 0 to 1 MW", c->name);
        plat_chiplet *cw = &p->chiplets[i];
        if (cw->array_rows > 0 && (long)cw->array_rows * cw->array_cols != cw->pes)
            return err_at(e, where(p), 0, "chiplet %s: array %dx%d is not its %ld PEs", c->name,
                          cw->array_rows, cw->array_cols, cw->pes);
        if (cw->array_rows < 1)
            cw->array_rows = cw->array_cols = (int)square_side(cw->pes);
        if (plat_dataflow_is_systolic(cw->dataflow) && cw->array_rows < 1)
            return err_at(e, where(p), 0,
                          "chiplet %s: %s needs a square PE count or array = RxC, not %ld PEs",
                          c->name, plat_dataflow_name(cw->dataflow), cw->pes);
    }
    static const int step[4][2] = {{1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    p->nlinks = 0;
    for (int y = 0; y < p->height; y++)
        for (int x = 0; x < p->width; x++)
            for (int d = 0; d < 4; d++) {
                int nx = x + step[d][0], ny = y + step[d][1];
                int *slot = &p->link_at[(y * p->width + x) * 4 + d];
                if (nx < 0 || ny < 0 || nx >= p->width || ny >= p->height) {
                    *slot = -1;
                    continue;
                }
                plat_link *l = &p->links[p->nlinks];
                snprintf(l->name, sizeof l->name, "x%dy%d->x%dy%d", x, y, nx, ny);
                l->sx = x, l->sy = y, l->dx = nx, l->dy = ny;
                l->bw = p->link_bw;
                l->latency_s = p->hop_latency_s;
                *slot = p->nlinks++;
            }
    for (int i = 0; i < p->ndrams; i++) {
        const plat_dram *d = &p->drams[i];
        if (d->chiplet < 0 || d->chiplet >= p->nchiplets)
            return err_at(e, where(p), 0, "DRAM channel %s attaches to no chiplet", d->name);
        if (!(d->bw > 0) || !(d->latency_s >= 0) || !(d->pj_per_bit >= 0) || !(d->iface_bw >= 0))
            return err_at(e, where(p), 0, "DRAM channel %s: bandwidth must be > 0", d->name);
        plat_link *l = &p->links[p->nlinks++];
        snprintf(l->name, sizeof l->name, "%s", d->name);
        l->is_dram = 1;
        l->dram = i;
        l->sx = l->dx = p->chiplets[d->chiplet].x;
        l->sy = l->dy = p->chiplets[d->chiplet].y;
        l->bw = d->bw;
        l->latency_s = d->latency_s;
    }
    p->port0 = p->nlinks;
    for (int ep = 0; ep < p->nchiplets + p->ndrams; ep++)
        for (int k = 0; k < 2; k++)
            add_port(p, ep, k ? PLAT_PORT_EJECT : PLAT_PORT_INJECT);
    return ERR_OK;
}

void plat_free(plat_t *p)
{
    free(p->path);
    free(p->chiplets);
    free(p->drams);
    free(p->links);
    free(p->link_at);
    free(p->chiplet_at);
    memset(p, 0, sizeof *p);
}

int plat_single(plat_dataflow df, long pes, plat_t *p, err_t *e)
{
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "single");
    p->width = p->height = 1;
    p->link_bw = 100e9;
    p->hop_latency_s = 35e-9;
    p->nop_pj_per_bit = 2.04;
    p->chiplets = calloc(1, sizeof *p->chiplets);
    p->drams = calloc(1, sizeof *p->drams);
    if (!p->chiplets || !p->drams) {
        plat_free(p);
        return err_internal(e, "out of memory");
    }
    p->nchiplets = p->ndrams = 1;
    plat_chiplet *c = &p->chiplets[0];
    plat_chiplet_defaults(c);
    snprintf(c->name, sizeof c->name, "%s", plat_dataflow_name(df));
    c->dataflow = df;
    c->pes = pes;
    c->l2_bw = INFINITY;
    if (plat_dataflow_is_systolic(df) && !square_side(pes)) {
        plat_free(p);
        return err_input(e, "--pes %ld: %s needs a square PE count (a chiplet may say array = RxC)",
                         pes, plat_dataflow_name(df));
    }
    plat_dram *d = &p->drams[0];
    snprintf(d->name, sizeof d->name, "dram0");
    d->bw = 64e9;
    d->latency_s = 200e-9;
    d->pj_per_bit = 14.8;
    int rc = plat_finish(p, e);
    if (rc)
        plat_free(p);
    return rc;
}

/* The resources add up; what is per PE or per access is averaged over the
   PEs, what is per byte over the bandwidth, so that one chip does the work
   of the package at its peak rates. Rates per cycle are rescaled to the
   new clock. */
int plat_monolithic(const plat_t *pkg, plat_t *out, err_t *e)
{
    memset(out, 0, sizeof *out);
    out->chiplets = calloc(1, sizeof *out->chiplets);
    out->drams = calloc(1, sizeof *out->drams);
    out->path = pkg->path ? strdup(pkg->path) : NULL;
    if (!out->chiplets || !out->drams || (pkg->path && !out->path)) {
        plat_free(out);
        return err_internal(e, "out of memory");
    }
    snprintf(out->name, sizeof out->name, "%.26s-mono", pkg->name);
    out->width = out->height = 1;
    out->nop = pkg->nop;
    out->hop_latency_s = pkg->hop_latency_s;
    out->nop_pj_per_bit = pkg->nop_pj_per_bit;
    out->nchiplets = out->ndrams = 1;
    plat_chiplet *m = &out->chiplets[0];
    plat_chiplet_defaults(m);
    snprintf(m->name, sizeof m->name, "mono");
    m->dataflow = PLAT_OS_AUTO;
    double pes = 0, macs_per_s = 0, vec_per_s = 0, l2_per_s = 0, l1 = 0, mac = 0, pl1 = 0, pl2 = 0;
    m->l2_bytes = m->static_w = 0;
    for (int i = 0; i < pkg->nchiplets; i++) {
        const plat_chiplet *c = &pkg->chiplets[i];
        double n = (double)c->pes;
        pes += n;
        macs_per_s += n * c->clock_hz;
        vec_per_s += c->vector_per_cycle * c->clock_hz;
        l2_per_s += c->l2_bw * c->clock_hz;
        l1 += n * c->l1_bytes;
        mac += n * c->pj_mac;
        pl1 += n * c->pj_l1;
        pl2 += n * c->pj_l2;
        m->l2_bytes += c->l2_bytes;
        m->static_w += c->static_w;
    }
    m->pes = (long)pes;
    m->clock_hz = macs_per_s / pes;
    m->vector_per_cycle = vec_per_s / m->clock_hz;
    m->l2_bw = l2_per_s / m->clock_hz; /* INFINITY when one chiplet's is ideal */
    m->l1_bytes = l1 / pes;
    m->pj_mac = mac / pes;
    m->pj_l1 = pl1 / pes;
    m->pj_l2 = pl2 / pes;
    plat_dram *d = &out->drams[0];
    snprintf(d->name, sizeof d->name, "dram");
    for (int i = 0; i < pkg->ndrams; i++) {
        const plat_dram *c = &pkg->drams[i];
        d->bw += c->bw;
        d->latency_s += c->bw * c->latency_s;
        d->pj_per_bit += c->bw * c->pj_per_bit;
    }
    d->latency_s /= d->bw;
    d->pj_per_bit /= d->bw;
    /* one chip has no mesh links; its memory port takes all of its DRAM */
    out->link_bw = out->iface_bw = d->bw;
    int rc = m->pes <= PLAT_PES_MAX
                 ? plat_finish(out, e)
                 : err_input(e, "%s: its one-chip equivalent would have %ld PEs, more than %ld",
                             where(pkg), m->pes, PLAT_PES_MAX);
    if (rc)
        plat_free(out);
    return rc;
}

/* ---- loading ---- */

/* "RxC": the PE array's rows and columns, whose product is the PE count;
   a `pes` of the same section must agree. */
static int parse_array(cfg_file *f, const cfg_entry *en, plat_chiplet *c, err_t *e)
{
    char rs[32];
    const char *x = strchr(en->value, 'x');
    long r = 0, cols = 0;
    if (x && (size_t)(x - en->value) < sizeof rs) {
        snprintf(rs, sizeof rs, "%.*s", (int)(x - en->value), en->value);
        if (cfg_parse_long(rs, &r) || cfg_parse_long(x + 1, &cols))
            r = cols = 0;
    }
    if (r < 1 || cols < 1 || r > 1 << 15 || cols > 1 << 15)
        return err_at(e, f->path, en->line,
                      "array must be RxC with 1 <= R, C <= 32768 (rows x columns of PEs), not '%s'",
                      en->value);
    const cfg_entry *pes = cfg_get(f, en->section, "pes");
    if (pes && c->pes != r * cols)
        return err_at(e, f->path, en->line, "array %ldx%ld has %ld PEs, but pes = %ld", r, cols,
                      r * cols, c->pes);
    c->array_rows = (int)r, c->array_cols = (int)cols;
    c->pes = r * cols;
    return ERR_OK;
}

/* The slowest rates a platform may give (bytes or cycles per second; bytes
   or operations per cycle): a layer moves and computes at most 1e15 per
   sample, at most 2^20 samples at once, so at these rates no transfer or
   compute outlasts what a double holds. At 1e-300 B/s it did: the estimate
   printed an infinite makespan, and the simulation, whose events never
   came, a deadlock. */
#define PLAT_MIN_RATE 1.0
#define PLAT_MIN_PER_CYCLE 1e-3

/* Reads one chiplet's keys from SECTION; absent keys keep what C holds. */
static int read_chiplet_keys(cfg_file *f, const char *section, plat_chiplet *c, err_t *e)
{
    cfg_entry *en;
    int rc;
    if ((en = cfg_get(f, section, "dataflow"))) {
        int df = plat_dataflow_parse(en->value);
        if (df < 0)
            return err_at(e, f->path, en->line, "unknown dataflow '%s' (%s)", en->value,
                          plat_dataflow_list());
        c->dataflow = (plat_dataflow)df;
    }
    if ((en = cfg_get(f, section, "pes")) && (rc = cfg_long(f, en, 1, PLAT_PES_MAX, &c->pes, e)))
        return rc;
    if ((en = cfg_get(f, section, "array")) && (rc = parse_array(f, en, c, e)))
        return rc;
    static const struct {
        const char *key;
        cfg_unit unit;
        double lo;
        size_t off;
    } keys[] = {
        {"l1", CFG_UNIT_BYTES, 1, offsetof(plat_chiplet, l1_bytes)},
        {"l2", CFG_UNIT_BYTES, 1, offsetof(plat_chiplet, l2_bytes)},
        {"clock", CFG_UNIT_FREQ, PLAT_MIN_RATE, offsetof(plat_chiplet, clock_hz)},
        {"vector_width", CFG_UNIT_NONE, PLAT_MIN_PER_CYCLE, offsetof(plat_chiplet, vector_per_cycle)},
        {"l2_bandwidth", CFG_UNIT_NONE, PLAT_MIN_PER_CYCLE, offsetof(plat_chiplet, l2_bw)},
        {"mac_energy", CFG_UNIT_ENERGY, 0, offsetof(plat_chiplet, pj_mac)},
        {"l1_energy", CFG_UNIT_ENERGY, 0, offsetof(plat_chiplet, pj_l1)},
        {"l2_energy", CFG_UNIT_ENERGY, 0, offsetof(plat_chiplet, pj_l2)},
        {"interface_bandwidth", CFG_UNIT_BW, PLAT_MIN_RATE, offsetof(plat_chiplet, iface_bw)},
        {"static_power", CFG_UNIT_POWER, 0, offsetof(plat_chiplet, static_w)},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        if (!(en = cfg_get(f, section, keys[i].key)))
            continue;
        double *dst = (double *)((char *)c + keys[i].off);
        if (strcmp(keys[i].key, "l2_bandwidth") == 0 && strcmp(en->value, "ideal") == 0) {
            *dst = INFINITY;
            continue;
        }
        /* a power above 1 MW is a typo, not a chiplet */
        double hi = keys[i].unit == CFG_UNIT_POWER ? 1e6 : 1e30;
        if ((rc = cfg_quantity(f, en, keys[i].unit, keys[i].lo, hi, dst, e)))
            return rc;
    }
    return ERR_OK;
}

/* "X,Y" */
static int parse_at(const cfg_file *f, const cfg_entry *en, int *x, int *y, err_t *e)
{
    char xs[32], ys[32];
    const char *comma = strchr(en->value, ',');
    long lx, ly;
    if (!comma || (size_t)(comma - en->value) >= sizeof xs || strlen(comma + 1) >= sizeof ys)
        return err_at(e, f->path, en->line, "'at' must be X,Y (mesh column, row), not '%s'",
                      en->value);
    snprintf(xs, sizeof xs, "%.*s", (int)(comma - en->value), en->value);
    snprintf(ys, sizeof ys, "%s", comma + 1 + (comma[1] == ' '));
    if (cfg_parse_long(xs, &lx) || cfg_parse_long(ys, &ly) || lx < 0 || ly < 0 || lx > 1 << 20 ||
        ly > 1 << 20)
        return err_at(e, f->path, en->line, "'at' must be X,Y with X, Y >= 0, not '%s'", en->value);
    *x = (int)lx;
    *y = (int)ly;
    return ERR_OK;
}

/* [nop]: the network level and the packet level's router. */
static int read_nop(cfg_file *f, plat_nop *n, err_t *e)
{
    plat_nop_defaults(n);
    cfg_entry *en;
    int rc;
    if ((en = cfg_get(f, "nop", "model"))) {
        if (strcmp(en->value, "flow") != 0 && strcmp(en->value, "packet") != 0)
            return err_at(e, f->path, en->line, "model must be flow or packet, not '%s'", en->value);
        snprintf(n->model, sizeof n->model, "%s", en->value);
    }
    if ((en = cfg_get(f, "nop", "flit")) &&
        (rc = cfg_quantity(f, en, CFG_UNIT_BYTES, 1, 1 << 20, &n->flit_bytes, e)))
        return rc;
    static const struct {
        const char *key;
        long lo, hi;
        size_t off;
    } keys[] = {
        {"vcs", 1, 64, offsetof(plat_nop, vcs)},
        {"vc_buffer", 1, 1 << 16, offsetof(plat_nop, vc_buffer)},
        {"router_cycles", 1, 1 << 10, offsetof(plat_nop, router_cycles)},
        {"link_cycles", 1, 1 << 10, offsetof(plat_nop, link_cycles)},
        {"packet_flits", 1, PLAT_PACKET_FLITS_MAX, offsetof(plat_nop, packet_flits)},
    };
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        long v;
        if (!(en = cfg_get(f, "nop", keys[i].key)))
            continue;
        if ((rc = cfg_long(f, en, keys[i].lo, keys[i].hi, &v, e)))
            return rc;
        *(int *)((char *)n + keys[i].off) = (int)v;
    }
    return cfg_section_line(f, "nop") ? cfg_check_used(f, "nop", e) : ERR_OK;
}

static int read_package(cfg_file *f, plat_t *p, err_t *e)
{
    cfg_entry *en;
    int rc;
    if (!cfg_section_line(f, "package"))
        return err_at(e, f->path, 0, "missing section [package]");
    if ((rc = cfg_need(f, "package", "name", &en, e)))
        return rc;
    if (strlen(en->value) >= sizeof p->name || !*en->value)
        return err_at(e, f->path, en->line, "name must be 1 to %zu characters", sizeof p->name - 1);
    const char *bytes = text_problem(en->value);
    if (bytes)
        return err_at(e, f->path, en->line, "name '%s' %s", en->value, bytes);
    snprintf(p->name, sizeof p->name, "%s", en->value);
    if ((rc = cfg_need(f, "package", "mesh", &en, e)))
        return rc;
    char *xpos = strchr(en->value, 'x');
    long w = 0, h = 0;
    if (xpos) {
        char ws[32];
        snprintf(ws, sizeof ws, "%.*s", (int)(xpos - en->value), en->value);
        if (cfg_parse_long(ws, &w) || cfg_parse_long(xpos + 1, &h))
            w = h = 0;
    }
    if (w < 1 || h < 1 || w > 64 || h > 64)
        return err_at(e, f->path, en->line, "mesh must be WxH with 1 <= W, H <= 64, not '%s'",
                      en->value);
    p->width = (int)w;
    p->height = (int)h;
    if ((rc = cfg_need(f, "package", "link_bandwidth", &en, e)) ||
        (rc = cfg_quantity(f, en, CFG_UNIT_BW, PLAT_MIN_RATE, 1e30, &p->link_bw, e)))
        return rc;
    if ((rc = cfg_need(f, "package", "hop_latency", &en, e)) ||
        (rc = cfg_quantity(f, en, CFG_UNIT_TIME, 0, 1, &p->hop_latency_s, e)))
        return rc;
    if ((rc = cfg_need(f, "package", "energy_per_bit", &en, e)) ||
        (rc = cfg_quantity(f, en, CFG_UNIT_ENERGY, 0, 1e12, &p->nop_pj_per_bit, e)))
        return rc;
    p->iface_bw = p->link_bw;
    if ((en = cfg_get(f, "package", "interface_bandwidth")) &&
        (rc = cfg_quantity(f, en, CFG_UNIT_BW, PLAT_MIN_RATE, 1e30, &p->iface_bw, e)))
        return rc;
    if ((en = cfg_get(f, "package", "power_gating"))) {
        if (strcmp(en->value, "yes") && strcmp(en->value, "no"))
            return err_at(e, f->path, en->line, "power_gating must be yes or no, not '%s'",
                          en->value);
        p->power_gating = strcmp(en->value, "yes") == 0;
    }
    return read_nop(f, &p->nop, e);
}

static int read_dram(cfg_file *f, const char *section, plat_t *p, plat_dram *d, err_t *e)
{
    cfg_entry *en;
    int rc;
    if ((rc = cfg_need(f, section, "chiplet", &en, e)))
        return rc;
    d->chiplet = plat_find_chiplet(p, en->value);
    if (d->chiplet < 0)
        return err_at(e, f->path, en->line, "DRAM channel attaches to unknown chiplet '%s'",
                      en->value);
    if ((rc = cfg_need(f, section, "bandwidth", &en, e)) ||
        (rc = cfg_quantity(f, en, CFG_UNIT_BW, PLAT_MIN_RATE, 1e30, &d->bw, e)))
        return rc;
    if ((rc = cfg_need(f, section, "latency", &en, e)) ||
        (rc = cfg_quantity(f, en, CFG_UNIT_TIME, 0, 1, &d->latency_s, e)))
        return rc;
    if ((rc = cfg_need(f, section, "energy_per_bit", &en, e)) ||
        (rc = cfg_quantity(f, en, CFG_UNIT_ENERGY, 0, 1e12, &d->pj_per_bit, e)))
        return rc;
    if ((en = cfg_get(f, section, "interface_bandwidth")) &&
        (rc = cfg_quantity(f, en, CFG_UNIT_BW, PLAT_MIN_RATE, 1e30, &d->iface_bw, e)))
        return rc;
    return ERR_OK;
}

static int check_name(const cfg_file *f, int line, const char *name, err_t *e)
{
    if (!*name || strlen(name) >= PLAT_NAME_MAX)
        return err_at(e, f->path, line, "name '%s' must be 1 to %d characters", name,
                      PLAT_NAME_MAX - 1);
    const char *bytes = text_problem(name);
    if (bytes)
        return err_at(e, f->path, line, "name '%s' %s", name, bytes);
    for (const char *s = name; *s; s++)
        if (*s == ' ' || *s == ',' || *s == '@' || *s == '"' || *s == '<' || *s == '>' || *s == '&')
            return err_at(e, f->path, line, "name '%s' may not contain spaces or , @ \" < > &", name);
    return ERR_OK;
}

static int load_sections(cfg_file *f, void *arg, err_t *e)
{
    plat_t *p = arg;
    int rc = read_package(f, p, e);
    if (rc)
        return rc;
    plat_chiplet defaults;
    plat_chiplet_defaults(&defaults);
    int has_defaults = cfg_section_line(f, "defaults") > 0;
    if (has_defaults && (rc = read_chiplet_keys(f, "defaults", &defaults, e)))
        return rc;
    if (has_defaults && (rc = cfg_check_used(f, "defaults", e)))
        return rc;
    p->chiplets = calloc((size_t)f->nsects, sizeof *p->chiplets);
    p->drams = calloc((size_t)f->nsects, sizeof *p->drams);
    if (!p->chiplets || !p->drams)
        return err_internal(e, "out of memory");
    /* chiplets first, so DRAM channels may name any of them */
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < f->nsects; i++) {
            const char *sec = f->sects[i];
            int line = f->sect_lines[i];
            if (strncmp(sec, "chiplet ", 8) == 0 && pass == 0) {
                plat_chiplet *c = &p->chiplets[p->nchiplets];
                *c = defaults;
                if ((rc = check_name(f, line, sec + 8, e)))
                    return rc;
                if (plat_find_chiplet(p, sec + 8) >= 0)
                    return err_at(e, f->path, line, "duplicate chiplet '%s'", sec + 8);
                snprintf(c->name, sizeof c->name, "%s", sec + 8);
                cfg_entry *en;
                if ((rc = cfg_need(f, sec, "at", &en, e)) || (rc = parse_at(f, en, &c->x, &c->y, e)))
                    return rc;
                if (c->x >= p->width || c->y >= p->height)
                    return err_at(e, f->path, en->line, "chiplet %s at %d,%d is outside the %dx%d mesh",
                                  c->name, c->x, c->y, p->width, p->height);
                for (int j = 0; j < p->nchiplets; j++)
                    if (p->chiplets[j].x == c->x && p->chiplets[j].y == c->y)
                        return err_at(e, f->path, en->line, "chiplet %s is already at %d,%d",
                                      p->chiplets[j].name, c->x, c->y);
                if ((rc = read_chiplet_keys(f, sec, c, e)) || (rc = cfg_check_used(f, sec, e)))
                    return rc;
                if (plat_dataflow_is_systolic(c->dataflow) && c->array_rows < 1 &&
                    !square_side(c->pes))
                    return err_at(e, f->path, line,
                                  "chiplet %s: %s needs a square PE count or array = RxC, not %ld PEs",
                                  c->name, plat_dataflow_name(c->dataflow), c->pes);
                p->nchiplets++;
            } else if (strncmp(sec, "dram ", 5) == 0 && pass == 1) {
                plat_dram *d = &p->drams[p->ndrams];
                if ((rc = check_name(f, line, sec + 5, e)))
                    return rc;
                for (int j = 0; j < p->ndrams; j++)
                    if (strcmp(p->drams[j].name, sec + 5) == 0)
                        return err_at(e, f->path, line, "duplicate DRAM channel '%s'", sec + 5);
                snprintf(d->name, sizeof d->name, "%s", sec + 5);
                if ((rc = read_dram(f, sec, p, d, e)) || (rc = cfg_check_used(f, sec, e)))
                    return rc;
                p->ndrams++;
            } else if (pass == 0 && strcmp(sec, "package") != 0 && strcmp(sec, "defaults") != 0 &&
                       strcmp(sec, "nop") != 0 && strncmp(sec, "chiplet ", 8) != 0 &&
                       strncmp(sec, "dram ", 5) != 0) {
                /* not quoted: the file may not be a platform at all */
                return err_at(e, f->path, line,
                              "unknown section (expected [package], [nop], [defaults], "
                              "[chiplet NAME] or [dram NAME])");
            }
        }
    if ((rc = cfg_check_used(f, NULL, e)))
        return rc;
    if (p->nchiplets == 0)
        return err_at(e, f->path, 0, "no [chiplet NAME] section");
    if (p->ndrams == 0)
        return err_at(e, f->path, 0, "no [dram NAME] section");
    return ERR_OK;
}

int plat_load(const char *path, plat_t *p, err_t *e)
{
    return plat_load_set(path, NULL, 0, p, e);
}

int plat_load_set(const char *path, const cfg_set *sets, int nsets, plat_t *p, err_t *e)
{
    memset(p, 0, sizeof *p);
    int rc = cfg_parse_file_set(path, sets, nsets, load_sections, p, e);
    if (!rc && !(p->path = strdup(path)))
        rc = err_internal(e, "out of memory");
    if (!rc)
        rc = plat_finish(p, e);
    if (rc)
        plat_free(p);
    return rc;
}
