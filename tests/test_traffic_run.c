/* test_traffic_run.c - the NoP alone at the flow level. fluid.c's solver
 * against cases worked out by hand (fluid flows that share a link get
 * equal parts of it; all-to-one traffic drains through the destination's
 * ejection port), then against SimGrid configured as the flow level
 * configures it (nop_flow.c), on uneven traffic between every pair of a
 * 4x4 mesh: two independent max-min solvers that must agree, which also
 * checks that the simulation's flow level is max-min fair. Check forks
 * each test, so each has an engine of its own. */
#include "testutil.h"
#include "des_int.h"
#include "fluid.h"
#include "nop.h"

/* The nodes: one per router of the mesh, with the bandwidth of its ports. */
typedef struct {
    int n;
    const double *inject_bw, *eject_bw;
} dtr_nodes;

/* ---- the flow level on SimGrid: every pair one flow from time 0 ---- */

typedef struct {
    sg_host_t from, to;
    double bytes;
    double *finish;
} pair_job;

static void pair_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    pair_job *j = sg_actor_self_get_data();
    sg_host_sendto(j->from, j->to, j->bytes);
    *j->finish = simgrid_get_clock();
}

static void write_xml(FILE *fp, const plat_t *p, const dtr_nodes *nd, const double *volume,
                      int *route)
{
    int n = nd->n, nmesh = p->port0 - p->ndrams;
    fprintf(fp, "<?xml version='1.0'?>\n"
                "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
                "<platform version=\"4.1\">\n<zone id=\"nop\" routing=\"Full\">\n");
    for (int i = 0; i < n; i++)
        fprintf(fp, "<host id=\"h%d\" speed=\"1f\"/>\n", i);
    for (int l = 0; l < nmesh; l++)
        fprintf(fp, "<link id=\"l%d\" bandwidth=\"%.17gBps\" latency=\"0s\"/>\n", l,
                p->links[l].bw);
    for (int i = 0; i < n; i++)
        fprintf(fp,
                "<link id=\"i%d\" bandwidth=\"%.17gBps\" latency=\"0s\"/>\n"
                "<link id=\"e%d\" bandwidth=\"%.17gBps\" latency=\"0s\"/>\n",
                i, nd->inject_bw[i], i, nd->eject_bw[i]);
    for (int s = 0; s < n; s++)
        for (int d = 0; d < n; d++) {
            if (!(volume[s * n + d] > 0))
                continue;
            fprintf(fp, "<route src=\"h%d\" dst=\"h%d\" symmetrical=\"NO\"><link_ctn id=\"i%d\"/>", s,
                    d, s);
            int k = nop_mesh_route(p, s, d, route);
            for (int h = 0; h < k; h++)
                fprintf(fp, "<link_ctn id=\"l%d\"/>", route[h]);
            fprintf(fp, "<link_ctn id=\"e%d\"/></route>\n", d);
        }
    fprintf(fp, "</zone>\n</platform>\n");
}

/* The platform in a fresh temporary file (unlinked once loaded). */
static char *write_platform(const plat_t *p, const dtr_nodes *nd, const double *volume)
{
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    int *route = malloc((size_t)nop_route_cap(p) * sizeof *route);
    ck_assert(fp && route);
    write_xml(fp, p, nd, volume, route);
    ck_assert_int_eq(fclose(fp), 0);
    free(route);
    char *path = tu_write_tmp(text, ".xml");
    free(text);
    return path;
}

static int simgrid_flow(const plat_t *p, const dtr_nodes *nd, const double *volume, int verbose,
                       double *finish, err_t *e)
{
    int n = nd->n;
    char *path = write_platform(p, nd, volume);
    eval_opts o = {.verbose = verbose};
    des_engine_init(&o, &nop_level_flow);
    simgrid_load_platform(path);
    unlink(path);
    free(path);
    sg_host_t *hosts = malloc((size_t)n * sizeof *hosts);
    pair_job *jobs = malloc((size_t)n * (size_t)n * sizeof *jobs + 1);
    if (!hosts || !jobs) {
        free(hosts);
        free(jobs);
        return err_internal(e, "out of memory");
    }
    char name[32];
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof name, "h%d", i);
        hosts[i] = sg_host_by_name(name);
    }
    for (int s = 0; s < n; s++)
        for (int d = 0; d < n; d++) {
            finish[s * n + d] = 0;
            if (!(volume[s * n + d] > 0))
                continue;
            pair_job *j = &jobs[s * n + d];
            *j = (pair_job){hosts[s], hosts[d], volume[s * n + d], &finish[s * n + d]};
            snprintf(name, sizeof name, "f%d_%d", s, d);
            sg_actor_t a = sg_actor_init(name, hosts[s]);
            sg_actor_set_data(a, j);
            sg_actor_start(a, pair_main, 0, NULL);
        }
    simgrid_run();
    free(hosts);
    free(jobs);
    return ERR_OK;
}

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

/* VOL (n x n bytes) with every port at PORT_BW as fluid.c solves it: FIN
   receives each pair's finish time. */
static void fluid(const plat_t *p, const double *vol, double port_bw, double *fin)
{
    int n = p->width * p->height, nmesh = p->port0 - p->ndrams, nres = nmesh + 2 * n;
    double *cap = malloc((size_t)nres * sizeof *cap), *fvol = malloc((size_t)(n * n) * sizeof *fvol);
    double *ffin = malloc((size_t)(n * n) * sizeof *ffin);
    int *first = malloc((size_t)(n * n + 1) * sizeof *first), *pair = malloc((size_t)(n * n) * sizeof *pair);
    int *res = malloc((size_t)(n * n) * (size_t)nop_route_cap(p) * sizeof *res);
    for (int r = 0; r < nres; r++)
        cap[r] = r < nmesh ? p->links[r].bw : port_bw;
    int nf = 0, ninc = 0;
    for (int q = 0; q < n * n; q++) {
        fin[q] = 0;
        if (!(vol[q] > 0))
            continue;
        first[nf] = ninc;
        res[ninc++] = nmesh + 2 * (q / n);
        ninc += nop_mesh_route(p, q / n, q % n, res + ninc);
        res[ninc++] = nmesh + 2 * (q % n) + 1;
        fvol[nf] = vol[q];
        pair[nf++] = q;
    }
    first[nf] = ninc;
    fluid_problem pb = {nres, cap, nf, first, res, fvol};
    ck_assert_int_eq(fluid_solve(&pb, ffin), ERR_OK);
    for (int f = 0; f < nf; f++)
        fin[pair[f]] = ffin[f];
    free(cap);
    free(fvol);
    free(ffin);
    free(first);
    free(pair);
    free(res);
}

/* The same on SimGrid, as the flow level sets it up. */
static void simgrid(const plat_t *p, const double *vol, double port_bw, double *fin)
{
    int n = p->width * p->height;
    double *bw = malloc(2 * (size_t)n * sizeof *bw);
    for (int i = 0; i < 2 * n; i++)
        bw[i] = port_bw;
    dtr_nodes nd = {n, bw, bw + n};
    err_t e;
    ck_assert_msg(simgrid_flow(p, &nd, vol, 0, fin, &e) == ERR_OK, "%s", e.msg);
    free(bw);
}

/* 4x1: nodes 0, 1, 2 send V, 2V, 3V to node 3 over the link x2y0->x3y0,
   ports 10x wider than the links. Three flows at bw/3 until the first has
   sent V at 3V/bw; two at bw/2, the second's remaining V done 2V/bw later
   (5V/bw); the last alone sends its remaining V by 6V/bw, the total volume
   over the link's bandwidth. Both solvers. */
START_TEST(flows_on_one_link_share_it_equally)
{
    plat_t p;
    load(&p, 4, 1, "1000GB/s");
    double vol[16] = {0}, fin[2][16], v = 1e6, bw = 100e9;
    vol[0 * 4 + 3] = v;
    vol[1 * 4 + 3] = 2 * v;
    vol[2 * 4 + 3] = 3 * v;
    fluid(&p, vol, 1000e9, fin[0]);
    simgrid(&p, vol, 1000e9, fin[1]);
    for (int k = 0; k < 2; k++) {
        ck_assert_rel(fin[k][0 * 4 + 3], 3 * v / bw, 1e-9);
        ck_assert_rel(fin[k][1 * 4 + 3], 5 * v / bw, 1e-9);
        ck_assert_rel(fin[k][2 * 4 + 3], 6 * v / bw, 1e-9);
        ck_assert(fin[k][0 * 4 + 1] == 0);
    }
    plat_free(&p);
}
END_TEST

/* 3x3, every node (node 0 too, through its own two ports) sends V to node
   0. XY routing brings the six nodes of rows 1 and 2 down column 0 (6V
   over x0y1->x0y0) and two along row 0, but all nine volumes leave through
   node 0's ejection port: N V / interface bandwidth, and fluid sharing
   finishes every source together. Both solvers. */
START_TEST(all_to_one_drains_through_the_ejection_port)
{
    plat_t p;
    load(&p, 3, 3, "100GB/s");
    double vol[81] = {0}, fin[2][81], v = 1e6;
    for (int s = 0; s < 9; s++)
        vol[s * 9] = v;
    fluid(&p, vol, 100e9, fin[0]);
    simgrid(&p, vol, 100e9, fin[1]);
    for (int k = 0; k < 2; k++)
        for (int s = 0; s < 9; s++)
            ck_assert_rel(fin[k][s * 9], 9 * v / 100e9, 1e-9);
    plat_free(&p);
}
END_TEST

/* Uneven volumes between most pairs of a 4x4 mesh, ports and links at
   100 GB/s: fluid.c and SimGrid's CM02 agree on every finish time, through
   hundreds of phases of progressive filling. */
START_TEST(flow_level_is_the_fluid_max_min_ideal)
{
    plat_t p;
    load(&p, 4, 4, "100GB/s");
    double vol[256], fin[2][256];
    unsigned long x = 12345;
    int nf = 0;
    for (int i = 0; i < 256; i++) {
        x = x * 6364136223846793005UL + 1442695040888963407UL;
        vol[i] = (x >> 60) < 6 ? (double)(1 + (x >> 40) % 64) * 8192 : 0;
        nf += vol[i] > 0;
    }
    ck_assert_int_gt(nf, 50);
    fluid(&p, vol, 100e9, fin[0]);
    simgrid(&p, vol, 100e9, fin[1]);
    for (int i = 0; i < 256; i++)
        if (vol[i] > 0)
            ck_assert_rel(fin[0][i], fin[1][i], 1e-6);
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
