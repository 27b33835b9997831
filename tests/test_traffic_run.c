/* test_traffic_run.c - the NoP alone at the flow level: fluid flows that
 * share a link get equal parts of it, all-to-one traffic drains through the
 * destination's ejection port, and every pattern drains when the fluid
 * max-min ideal (worked out here by progressive filling, independently of
 * SimGrid) says it does. Check forks each test, so each has an engine. */
#include "testutil.h"
#include "des_traffic.h"
#include "nop.h"

/* A W x H mesh of 100 GB/s links with one chiplet (ports: IFACE) and one
   DRAM channel; every other router a node with the package's ports. */
static void load(plat_t *p, int w, int h, const char *iface)
{
    char text[1024];
    snprintf(text, sizeof text,
             "[package]\nname = t\nmesh = %dx%d\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
             "energy_per_bit = 2pJ\ninterface_bandwidth = %s\n[chiplet a]\nat = 0,0\n"
             "[dram d]\nchiplet = a\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 15pJ\n",
             w, h, iface);
    char *path = tu_write_tmp(text, ".ini");
    err_t e;
    ck_assert_msg(plat_load(path, p, &e) == ERR_OK, "%s", e.msg);
    unlink(path);
    free(path);
}

/* Runs VOL (n x n bytes) with every port at PORT_BW; FIN receives the
   pair finish times. */
static void flow(const plat_t *p, const double *vol, double port_bw, double *fin)
{
    int n = p->width * p->height;
    double *bw = malloc(2 * (size_t)n * sizeof *bw);
    for (int i = 0; i < 2 * n; i++)
        bw[i] = port_bw;
    dtr_nodes nd = {n, bw, bw + n};
    err_t e;
    ck_assert_msg(des_traffic_flow(p, &nd, vol, 0, fin, &e) == ERR_OK, "%s", e.msg);
    free(bw);
}

/* 4x1: nodes 0, 1, 2 send V, 2V, 3V to node 3 over the link x2y0->x3y0,
   ports 10x wider than the links. Three flows at bw/3 until the first has
   sent V at 3V/bw; two at bw/2, the second's remaining V done 2V/bw later
   (5V/bw); the last alone sends its remaining V by 6V/bw, the total volume
   over the link's bandwidth. */
START_TEST(flows_on_one_link_share_it_equally)
{
    plat_t p;
    load(&p, 4, 1, "1000GB/s");
    double vol[16] = {0}, fin[16], v = 1e6, bw = 100e9;
    vol[0 * 4 + 3] = v;
    vol[1 * 4 + 3] = 2 * v;
    vol[2 * 4 + 3] = 3 * v;
    flow(&p, vol, 1000e9, fin);
    ck_assert_rel(fin[0 * 4 + 3], 3 * v / bw, 1e-9);
    ck_assert_rel(fin[1 * 4 + 3], 5 * v / bw, 1e-9);
    ck_assert_rel(fin[2 * 4 + 3], 6 * v / bw, 1e-9);
    ck_assert(fin[0 * 4 + 1] == 0);
    plat_free(&p);
}
END_TEST

/* 3x3, every node (node 0 too, through its own two ports) sends V to node
   0. XY routing brings the six nodes of rows 1 and 2 down column 0 (6V
   over x0y1->x0y0) and two along row 0, but all nine volumes leave through
   node 0's ejection port: N V / interface bandwidth. */
START_TEST(all_to_one_drains_through_the_ejection_port)
{
    plat_t p;
    load(&p, 3, 3, "100GB/s");
    double vol[81] = {0}, fin[81], v = 1e6;
    for (int s = 0; s < 9; s++)
        vol[s * 9] = v;
    flow(&p, vol, 100e9, fin);
    double drain = 0;
    for (int s = 0; s < 9; s++)
        drain = fmax(drain, fin[s * 9]);
    ck_assert_rel(drain, 9 * v / 100e9, 1e-9);
    /* fluid sharing: every source finishes together */
    for (int s = 0; s < 9; s++)
        ck_assert_rel(fin[s * 9], drain, 1e-9);
    plat_free(&p);
}
END_TEST

/* The fluid max-min ideal by progressive filling, as a textbook states it:
   at each phase fill every unfinished flow's rate at the same pace until a
   resource (port or link) is full, freeze the flows through it, go on with
   the rest; run the phase until the first flow finishes. FIN[f] is when
   flow f finishes. */
typedef struct {
    int nres, res[32];
    double left, rate;
    int done;
} fluid_flow;

static void fluid_ideal(fluid_flow *f, int nf, const double *cap, int ncap, double *fin)
{
    double t = 0, *room = malloc((size_t)ncap * sizeof *room);
    int *users = malloc((size_t)ncap * sizeof *users), *frozen = malloc((size_t)nf * sizeof *frozen);
    for (int active = nf; active > 0;) {
        for (int r = 0; r < ncap; r++)
            room[r] = cap[r];
        for (int i = 0; i < nf; i++)
            frozen[i] = f[i].done, f[i].rate = 0;
        for (;;) {
            for (int r = 0; r < ncap; r++)
                users[r] = 0;
            for (int i = 0; i < nf; i++)
                for (int k = 0; !frozen[i] && k < f[i].nres; k++)
                    users[f[i].res[k]]++;
            int best = -1;
            for (int r = 0; r < ncap; r++)
                if (users[r] && (best < 0 || room[r] / users[r] < room[best] / users[best]))
                    best = r;
            if (best < 0)
                break;
            double share = room[best] / users[best];
            for (int i = 0; i < nf; i++) {
                if (frozen[i])
                    continue;
                int through = 0;
                for (int k = 0; k < f[i].nres; k++)
                    through |= f[i].res[k] == best;
                for (int k = 0; k < f[i].nres; k++)
                    room[f[i].res[k]] -= share;
                f[i].rate += share;
                frozen[i] = through;
            }
        }
        double dt = INFINITY;
        for (int i = 0; i < nf; i++)
            if (!f[i].done)
                dt = fmin(dt, f[i].left / f[i].rate);
        t += dt;
        for (int i = 0; i < nf; i++) {
            if (f[i].done)
                continue;
            f[i].left -= f[i].rate * dt;
            if (f[i].left <= 1e-9 * f[i].rate * t) {
                f[i].done = 1;
                fin[i] = t;
                active--;
            }
        }
    }
    free(room);
    free(users);
    free(frozen);
}

/* Uneven volumes between every pair of a 4x4 mesh, ports and links at
   100 GB/s: every pair's finish time as the ideal has it. */
START_TEST(flow_level_is_the_fluid_max_min_ideal)
{
    plat_t p;
    load(&p, 4, 4, "100GB/s");
    int n = 16, nmesh = p.port0 - p.ndrams;
    double vol[256], fin[256], ideal[256], *cap = malloc((size_t)(nmesh + 2 * n) * sizeof *cap);
    unsigned long x = 12345;
    fluid_flow *f = calloc(256, sizeof *f);
    int nf = 0, idx[256];
    for (int i = 0; i < 256; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        vol[i] = (x >> 60) < 6 ? (double)(1 + (x >> 40) % 64) * 8192 : 0;
    }
    for (int r = 0; r < nmesh; r++)
        cap[r] = p.links[r].bw;
    for (int r = nmesh; r < nmesh + 2 * n; r++)
        cap[r] = 100e9;
    for (int s = 0; s < n; s++)
        for (int d = 0; d < n; d++) {
            if (!(vol[s * n + d] > 0))
                continue;
            fluid_flow *fl = &f[nf];
            fl->res[fl->nres++] = nmesh + 2 * s;
            fl->nres += nop_mesh_route(&p, s, d, fl->res + fl->nres);
            fl->res[fl->nres++] = nmesh + 2 * d + 1;
            fl->left = vol[s * n + d];
            idx[nf++] = s * n + d;
        }
    ck_assert_int_gt(nf, 50);
    fluid_ideal(f, nf, cap, nmesh + 2 * n, ideal);
    flow(&p, vol, 100e9, fin);
    for (int i = 0; i < nf; i++)
        ck_assert_rel(fin[idx[i]], ideal[i], 1e-6);
    free(f);
    free(cap);
    plat_free(&p);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("traffic_run");
    TCase *tc = tcase_create("flow");
    tcase_add_test(tc, flows_on_one_link_share_it_equally);
    tcase_add_test(tc, all_to_one_drains_through_the_ejection_port);
    tcase_add_test(tc, flow_level_is_the_fluid_max_min_ideal);
    suite_add_tcase(s, tc);
    return s;
}
