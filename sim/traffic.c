/* traffic.c - traffic patterns and the batch driver; see traffic.h.
 *
 * The batch driver keeps each interface's queue of messages a window deep
 * rather than queueing the whole batch: between two looks of the driver
 * (a chunk of cycles) an interface cannot take more packets than the
 * window holds, so it never waits for one, and the run is the same as
 * with every packet queued at cycle 0. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "err.h"
#include "flit.h"
#include "num.h"
#include "traffic.h"

enum { BATCH_CHUNK = 4096 };

static int bits_of(int nodes)
{
    int b = 0;
    while ((1 << b) < nodes)
        b++;
    return (1 << b) == nodes ? b : -1;
}

static int fail(char *msg, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t size, const char *fmt, ...)
{
    if (msg && size) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, size, fmt, ap);
        va_end(ap);
    }
    return ERR_INPUT;
}

static int parse_perm(const char *list, traffic_pattern *t, char *msg, size_t size)
{
    const char *s = list;
    int i = 0;
    for (;;) {
        char *end;
        errno = 0;
        long d = strtol(s, &end, 10);
        if (end == s || errno)
            return fail(msg, size, "perm: destination %d is not a number", i);
        if (i >= t->nodes)
            return fail(msg, size, "perm: more than %d destinations for %dx%d nodes", t->nodes,
                        t->width, t->height);
        if (d < 0 || d >= t->nodes)
            return fail(msg, size, "perm: destination of node %d is %ld, not a node of 0..%d", i, d,
                        t->nodes - 1);
        t->dest[i++] = (int)d;
        if (*end == '\0')
            break;
        if (*end != ',')
            return fail(msg, size, "perm: expected ',' after destination %d", i - 1);
        s = end + 1;
    }
    if (i != t->nodes)
        return fail(msg, size, "perm: %d destinations, want one per node (%d)", i, t->nodes);
    return ERR_OK;
}

/* Per-dimension digit patterns: x' = (x + dx) mod width, y' = (y + dy) mod height. */
static void shift_pattern(traffic_pattern *t, int dx, int dy)
{
    for (int s = 0; s < t->nodes; s++) {
        int x = s % t->width, y = s / t->width;
        t->dest[s] = (x + dx) % t->width + t->width * ((y + dy) % t->height);
    }
}

int traffic_parse(const char *spec, int hotspot_node, long seed, int width, int height,
                  traffic_pattern *out, char *msg, size_t msgsize)
{
    memset(out, 0, sizeof *out);
    if (!spec || width < 1 || height < 1 || width > INT_MAX / height)
        return fail(msg, msgsize, "%s: no pattern, or a mesh of %dx%d", spec ? spec : "traffic", width,
                    height);
    traffic_pattern t = {.width = width, .height = height, .nodes = width * height, .seed = (uint64_t)seed};
    static const struct {
        const char *name;
        traffic_kind kind;
    } names[] = {{"uniform", TRAFFIC_UNIFORM},   {"transpose", TRAFFIC_TRANSPOSE},
                 {"bitcomp", TRAFFIC_BITCOMP},   {"shuffle", TRAFFIC_SHUFFLE},
                 {"neighbor", TRAFFIC_NEIGHBOR}, {"tornado", TRAFFIC_TORNADO},
                 {"randperm", TRAFFIC_RANDPERM}, {"hotspot", TRAFFIC_HOTSPOT}};
    int found = 0;
    if (strncmp(spec, "perm:", 5) == 0) {
        t.kind = TRAFFIC_PERM;
        found = 1;
    }
    for (size_t i = 0; !found && i < sizeof names / sizeof *names; i++)
        if (strcmp(spec, names[i].name) == 0) {
            t.kind = names[i].kind;
            found = 1;
        }
    if (!found)
        return fail(msg, msgsize,
                    "unknown traffic pattern '%s' (uniform, transpose, bitcomp, shuffle, neighbor, "
                    "tornado, randperm, perm:D0,D1,..., hotspot)",
                    spec);
    int bits = bits_of(t.nodes);
    if ((t.kind == TRAFFIC_TRANSPOSE || t.kind == TRAFFIC_BITCOMP || t.kind == TRAFFIC_SHUFFLE) && bits < 0)
        return fail(msg, msgsize, "%s needs a power-of-two number of nodes; %dx%d has %d", spec, width,
                    height, t.nodes);
    if (t.kind == TRAFFIC_TRANSPOSE && bits % 2)
        return fail(msg, msgsize, "%s needs an even number of id bits; %dx%d nodes have %d", spec, width,
                    height, bits);
    if (t.kind == TRAFFIC_HOTSPOT && (hotspot_node < 0 || hotspot_node >= t.nodes))
        return fail(msg, msgsize, "%s: node %d is not a node of 0..%d", spec, hotspot_node, t.nodes - 1);
    if (t.kind != TRAFFIC_UNIFORM && !(t.dest = malloc((size_t)t.nodes * sizeof *t.dest)))
        return ERR_INTERNAL;
    int mask = t.nodes - 1, half = bits / 2;
    uint64_t state = (uint64_t)seed;
    switch (t.kind) {
    case TRAFFIC_UNIFORM:
        break;
    case TRAFFIC_TRANSPOSE:
        for (int s = 0; s < t.nodes; s++)
            t.dest[s] = ((s >> half) & ((1 << half) - 1)) | ((s << half) & mask);
        break;
    case TRAFFIC_BITCOMP:
        for (int s = 0; s < t.nodes; s++)
            t.dest[s] = ~s & mask;
        break;
    case TRAFFIC_SHUFFLE:
        for (int s = 0; s < t.nodes; s++)
            t.dest[s] = ((s << 1) & mask) | (bits && (s >> (bits - 1)) & 1);
        break;
    case TRAFFIC_NEIGHBOR:
        shift_pattern(&t, 1, 1);
        break;
    case TRAFFIC_TORNADO:
        shift_pattern(&t, (width + 1) / 2 - 1, (height + 1) / 2 - 1);
        break;
    case TRAFFIC_RANDPERM:
        for (int s = 0; s < t.nodes; s++)
            t.dest[s] = s;
        for (int i = t.nodes - 1; i > 0; i--) {
            int j = (int)(num_splitmix64(state) % (uint64_t)(i + 1)), d = t.dest[i];
            state += 0x9e3779b97f4a7c15ULL;
            t.dest[i] = t.dest[j];
            t.dest[j] = d;
        }
        break;
    case TRAFFIC_PERM: {
        int rc = parse_perm(spec + 5, &t, msg, msgsize);
        if (rc) {
            free(t.dest);
            return rc;
        }
        break;
    }
    case TRAFFIC_HOTSPOT:
        for (int s = 0; s < t.nodes; s++)
            t.dest[s] = hotspot_node;
        break;
    }
    *out = t;
    return ERR_OK;
}

void traffic_free(traffic_pattern *t)
{
    free(t->dest);
    t->dest = NULL;
}

int traffic_dest(const traffic_pattern *t, int src, long index)
{
    if (t->kind != TRAFFIC_UNIFORM)
        return t->dest[src];
    uint64_t h = num_splitmix64(num_splitmix64(num_splitmix64(t->seed) ^ (uint64_t)src) ^
                                (uint64_t)index);
    return (int)(h % (uint64_t)t->nodes);
}

/* ---- the batch ---- */

static double rate_at(const double *rates, int i)
{
    return rates ? rates[i] : 1.0;
}

void traffic_batch_free(traffic_batch_result *r)
{
    free(r->finish);
    free(r->link_flits);
    free(r->link_busy);
    memset(r, 0, sizeof *r);
}

/* Tops node S up to a window of WINDOW queued packets, from *NEXT on. */
static int feed(flit_net *net, const traffic_batch_cfg *cfg, const traffic_pattern *t, int s, long *next,
                long window)
{
    for (long q = flit_queued(net, s); q < window && *next < cfg->packets; q++, (*next)++) {
        int rc = flit_send(net, flit_now(net), s, traffic_dest(t, s, *next), cfg->packet_flits,
                           cfg->packet_flits, (long)s * cfg->packets + *next);
        if (rc)
            return rc;
    }
    return ERR_OK;
}

int traffic_batch(const traffic_batch_cfg *cfg, const traffic_pattern *t, traffic_batch_result *out)
{
    memset(out, 0, sizeof *out);
    int nodes = cfg->width * cfg->height;
    if (cfg->packets < 1 || cfg->packet_flits < 1 || nodes != t->nodes || cfg->width != t->width ||
        cfg->packets > LONG_MAX / nodes)
        return ERR_INPUT;
    flit_end *ends = calloc((size_t)nodes, sizeof *ends);
    long *next = calloc((size_t)nodes, sizeof *next);
    out->nodes = nodes;
    out->finish = calloc((size_t)nodes, sizeof *out->finish);
    out->link_flits = calloc((size_t)nodes * 4, sizeof *out->link_flits);
    out->link_busy = calloc((size_t)nodes * 4, sizeof *out->link_busy);
    flit_net *net = NULL;
    int rc = ERR_INTERNAL;
    if (!ends || !next || !out->finish || !out->link_flits || !out->link_busy)
        goto done;
    double most = 1;
    for (int i = 0; i < nodes; i++) {
        ends[i] = (flit_end){i, rate_at(cfg->inject_rate, i), rate_at(cfg->eject_rate, i),
                             cfg->shared ? cfg->shared[i] : 0};
        if (ends[i].inject_rate > most)
            most = ends[i].inject_rate;
    }
    flit_config fc = {cfg->width, cfg->height, cfg->vcs, cfg->vc_buffer, cfg->router_cycles,
                      cfg->link_cycles, nodes, ends, cfg->link_rate};
    if ((rc = flit_new(&fc, &net)))
        goto done;
    /* packets an interface can take in a chunk, and those it holds half-sent */
    long window = (long)((BATCH_CHUNK * most + 1) / cfg->packet_flits) + (long)most + 2;
    long left = (long)nodes * cfg->packets, tag, cycle, last_done = 0;
    double lat = 0, hops = 0;
    while (left > 0) {
        for (int s = 0; s < nodes; s++)
            if ((rc = feed(net, cfg, t, s, &next[s], window)))
                goto done;
        if ((rc = flit_run(net, flit_now(net) + BATCH_CHUNK)))
            goto done;
        while (flit_pop_done(net, &tag, &cycle)) {
            int s = (int)(tag / cfg->packets), d = traffic_dest(t, s, tag % cfg->packets);
            lat += (double)(cycle - tag % cfg->packets);
            hops += 1 + abs(s % cfg->width - d % cfg->width) + abs(s / cfg->width - d / cfg->width);
            if (cycle + 1 > out->finish[s])
                out->finish[s] = cycle + 1;
            if (cycle + 1 > out->drain)
                out->drain = cycle + 1;
            last_done = cycle;
            left--;
        }
        /* a network that ejects nothing for this long has stopped */
        if (left > 0 && flit_now(net) - last_done > 64L * BATCH_CHUNK + 1000L * cfg->packet_flits) {
            rc = ERR_INTERNAL;
            goto done;
        }
    }
    out->mean_latency = lat / ((double)nodes * (double)cfg->packets);
    out->mean_hops = hops / ((double)nodes * (double)cfg->packets);
    for (int l = 0; l < nodes * 4; l++)
        flit_link_stats(net, l, &out->link_flits[l], &out->link_busy[l]);
    rc = ERR_OK;
done:
    flit_free(net);
    free(ends);
    free(next);
    if (rc)
        traffic_batch_free(out);
    return rc;
}

double traffic_bottleneck(const traffic_batch_cfg *cfg, const traffic_pattern *t)
{
    int nodes = cfg->width * cfg->height, w = cfg->width;
    double *load = calloc((size_t)nodes * 4, sizeof *load), *in = calloc((size_t)nodes, sizeof *in);
    if (!load || !in) {
        free(load);
        free(in);
        return -1;
    }
    double f = cfg->packet_flits, worst = 0;
    for (int s = 0; s < nodes; s++)
        for (long k = 0; k < cfg->packets; k++) {
            int d = traffic_dest(t, s, k), r = s;
            in[d] += f;
            while (r % w != d % w) {
                int dir = d % w > r % w ? 0 : 1;
                load[r * 4 + dir] += f;
                r += dir ? -1 : 1;
            }
            while (r != d) {
                int dir = d / w > r / w ? 2 : 3;
                load[r * 4 + dir] += f;
                r += dir == 2 ? w : -w;
            }
        }
    for (int s = 0; s < nodes; s++) {
        double out = f * (double)cfg->packets / rate_at(cfg->inject_rate, s);
        double ej = in[s] / (cfg->shared && cfg->shared[s] ? rate_at(cfg->inject_rate, s)
                                                           : rate_at(cfg->eject_rate, s));
        if (cfg->shared && cfg->shared[s])
            out += ej, ej = 0;
        if (out > worst)
            worst = out;
        if (ej > worst)
            worst = ej;
        for (int dir = 0; dir < 4; dir++) {
            double v = load[s * 4 + dir] / rate_at(cfg->link_rate, s * 4 + dir);
            if (v > worst)
                worst = v;
        }
    }
    free(load);
    free(in);
    return worst;
}
