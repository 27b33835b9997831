/* test_nop.c - the network module: routes between every kind of endpoint,
 * the DRAM links' place in the link table, closed-form transfer times and
 * energies worked out by hand, and the fidelity-level table. */
#include "testutil.h"
#include "nop.h"

/* A 3x2 mesh: chiplet a at (0,0), b at (2,1), channel d on b's router;
   links of 100 GB/s and 35 ns a hop, the channel 64 GB/s and 200 ns. */
static const char *pkg =
    "[package]\nname = t\nmesh = 3x2\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
    "energy_per_bit = 2pJ\n"
    "[chiplet a]\nat = 0,0\n[chiplet b]\nat = 2,1\n"
    "[dram d]\nchiplet = b\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 15pJ\n";

static void load(plat_t *p)
{
    char *path = tu_write_tmp(pkg, ".ini");
    err_t e;
    ck_assert_msg(plat_load(path, p, &e) == ERR_OK, "%s", e.msg);
    unlink(path);
    free(path);
}

START_TEST(routes_to_and_from_dram)
{
    plat_t p;
    load(&p);
    int d = nop_dram_endpoint(&p, 0), a = 0, b = 1;
    ck_assert_int_eq(d, 2);
    ck_assert(nop_is_dram(&p, d) && !nop_is_dram(&p, b));
    ck_assert_int_eq(nop_router(&p, d), b);
    /* 14 directed mesh links, then the channel's, then two ports for each
       of a, b and d */
    ck_assert_int_eq(nop_dram_link(&p, 0), 14);
    ck_assert(p.links[nop_dram_link(&p, 0)].is_dram);
    ck_assert_int_eq(p.nlinks, 21);
    ck_assert_int_eq(nop_port_link(&p, a, PLAT_PORT_INJECT), 15);
    ck_assert_int_eq(nop_port_link(&p, b, PLAT_PORT_EJECT), 18);
    ck_assert_int_eq(nop_port_link(&p, d, PLAT_PORT_EJECT), 20);
    ck_assert_str_eq(p.links[16].name, "a.eject");
    ck_assert_str_eq(p.links[19].name, "d.inject");
    ck_assert(p.links[19].port == PLAT_PORT_INJECT && p.links[19].end == d && !p.links[19].is_dram);
    int *route = malloc((size_t)nop_route_cap(&p) * sizeof *route);
    /* from DRAM: the channel's link, its injection port, XY from b's router
       to a, a's ejection port */
    ck_assert_int_eq(nop_route(&p, d, a, route), 6);
    ck_assert_int_eq(route[0], 14);
    ck_assert_int_eq(route[1], 19);
    ck_assert_str_eq(p.links[route[2]].name, "x2y1->x1y1");
    ck_assert_str_eq(p.links[route[4]].name, "x0y1->x0y0");
    ck_assert_int_eq(route[5], 16);
    /* to DRAM: a's injection port, XY from a to b's router, the channel's
       ejection port, the channel's link last */
    ck_assert_int_eq(nop_route(&p, a, d, route), 6);
    ck_assert_int_eq(route[0], 15);
    ck_assert_str_eq(p.links[route[1]].name, "x0y0->x1y0");
    ck_assert_int_eq(route[4], 20);
    ck_assert_int_eq(route[5], 14);
    /* the chiplet the channel hangs off: the channel and the two ports, no mesh link */
    ck_assert_int_eq(nop_route(&p, d, b, route), 3);
    ck_assert_int_eq(route[0], 14);
    ck_assert_int_eq(route[1], 19);
    ck_assert_int_eq(route[2], 18);
    ck_assert_int_eq(nop_route(&p, a, a, route), 0);
    ck_assert_int_eq(nop_hops(&p, d, a), 3);
    ck_assert_int_eq(nop_hops(&p, d, b), 0);
    /* the route latency: 3 hops of 35 ns and the channel's 200 ns; ports add none */
    ck_assert_int_eq(nop_route(&p, d, a, route), 6);
    ck_assert_rel(nop_route_latency(&p, route, 6), 3 * 35e-9 + 200e-9, 1e-12);
    free(route);
    plat_free(&p);
}
END_TEST

START_TEST(closed_form_transfers)
{
    plat_t p;
    load(&p);
    int d = nop_dram_endpoint(&p, 0), a = 0, b = 1;
    double mb = 1e6;
    /* chiplet to chiplet: 1 MB at 100 GB/s = 10 us, + 3 x 35 ns */
    ck_assert_rel(nop_transfer_s(&p, a, b, mb), 10e-6 + 105e-9, 1e-12);
    ck_assert(nop_transfer_s(&p, a, a, mb) == 0);
    /* DRAM to a: the 64 GB/s channel is slower than the links: 15.625 us,
       + 105 ns of hops + 200 ns of DRAM latency */
    ck_assert_rel(nop_transfer_s(&p, d, a, mb), 15.625e-6 + 105e-9 + 200e-9, 1e-12);
    /* DRAM to its own router's chiplet: no hops */
    ck_assert_rel(nop_transfer_s(&p, d, b, mb), 15.625e-6 + 200e-9, 1e-12);
    /* energy: 8e6 bits x 3 hops x 2 pJ = 48 uJ on the NoP, x 15 pJ = 120 uJ in DRAM */
    double nop = 0, dram = 0;
    nop_transfer_energy(&p, d, a, mb, &nop, &dram);
    ck_assert_rel(nop, 48e-6, 1e-12);
    ck_assert_rel(dram, 120e-6, 1e-12);
    nop_transfer_energy(&p, a, b, mb, &nop, &dram);
    ck_assert_rel(nop, 96e-6, 1e-12);
    ck_assert_rel(dram, 120e-6, 1e-12);
    /* per link: a mesh link at 2 pJ/bit, the channel at 15 */
    ck_assert_rel(nop_link_energy_j(&p, 0, mb), 16e-6, 1e-12);
    ck_assert_rel(nop_link_energy_j(&p, nop_dram_link(&p, 0), mb), 120e-6, 1e-12);
    ck_assert(nop_link_energy_j(&p, nop_port_link(&p, a, PLAT_PORT_INJECT), mb) == 0);
    plat_free(&p);
}
END_TEST

START_TEST(a_slower_link_than_the_channel_bounds_a_dram_transfer)
{
    plat_t p;
    load(&p);
    p.link_bw = 32e9; /* now the mesh is the bottleneck, but only where it is crossed */
    int d = nop_dram_endpoint(&p, 0);
    ck_assert_rel(nop_transfer_s(&p, d, 0, 1e6), 31.25e-6 + 105e-9 + 200e-9, 1e-12);
    ck_assert_rel(nop_transfer_s(&p, d, 1, 1e6), 15.625e-6 + 200e-9, 1e-12);
    plat_free(&p);
}
END_TEST

/* Interfaces narrower than the links: the package's 50 GB/s, b's own
   25 GB/s; the channel's ports 32 GB/s, below its 64 GB/s. 1 MB each. */
START_TEST(interfaces_bound_transfers)
{
    const char *text =
        "[package]\nname = t\nmesh = 3x2\nlink_bandwidth = 100GB/s\nhop_latency = 35ns\n"
        "energy_per_bit = 2pJ\ninterface_bandwidth = 50GB/s\n"
        "[chiplet a]\nat = 0,0\n[chiplet b]\nat = 2,1\ninterface_bandwidth = 25GB/s\n"
        "[dram d]\nchiplet = b\nbandwidth = 64GB/s\nlatency = 200ns\nenergy_per_bit = 15pJ\n"
        "interface_bandwidth = 32GB/s\n";
    char *path = tu_write_tmp(text, ".ini");
    plat_t p;
    err_t e;
    ck_assert_msg(plat_load(path, &p, &e) == ERR_OK, "%s", e.msg);
    unlink(path);
    free(path);
    int d = nop_dram_endpoint(&p, 0), a = 0, b = 1;
    ck_assert_rel(p.links[nop_port_link(&p, a, PLAT_PORT_EJECT)].bw, 50e9, 1e-15);
    ck_assert_rel(p.links[nop_port_link(&p, b, PLAT_PORT_INJECT)].bw, 25e9, 1e-15);
    ck_assert_rel(p.links[nop_port_link(&p, d, PLAT_PORT_INJECT)].bw, 32e9, 1e-15);
    /* a -> b: b's ejection port, 25 GB/s: 40 us, + 3 hops */
    ck_assert_rel(nop_transfer_s(&p, a, b, 1e6), 40e-6 + 105e-9, 1e-12);
    /* b -> a: b's injection port again */
    ck_assert_rel(nop_transfer_s(&p, b, a, 1e6), 40e-6 + 105e-9, 1e-12);
    /* d -> a: the channel's port, 32 GB/s, below a's 50: 31.25 us + hops + DRAM */
    ck_assert_rel(nop_transfer_s(&p, d, a, 1e6), 31.25e-6 + 105e-9 + 200e-9, 1e-12);
    plat_free(&p);
}
END_TEST

START_TEST(levels)
{
    const nop_level *dflt = nop_level_find(NULL);
    ck_assert_ptr_nonnull(dflt);
    ck_assert_str_eq(dflt->name, "flow");
    ck_assert_ptr_eq(nop_level_find("flow"), dflt);
    ck_assert_ptr_null(nop_level_find("smoke-signals"));
    int n = 0;
    for (const nop_level *l; (l = nop_level_at(n)); n++) {
        ck_assert_ptr_eq(nop_level_find(l->name), l);
        ck_assert(l->open && l->send && l->latency && l->close && l->summary);
    }
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(nop_level_at(1)->name, "packet");
    /* the packet level moves nothing over SimGrid links */
    ck_assert_ptr_null(nop_level_find("packet")->write_links);
    ck_assert_ptr_null(nop_level_at(-1));
    char id[16];
    nop_link_id(12, id, sizeof id);
    ck_assert_str_eq(id, "l12");
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("nop");
    TCase *tc = tcase_create("nop");
    tcase_add_test(tc, routes_to_and_from_dram);
    tcase_add_test(tc, closed_form_transfers);
    tcase_add_test(tc, a_slower_link_than_the_channel_bounds_a_dram_transfer);
    tcase_add_test(tc, interfaces_bound_transfers);
    tcase_add_test(tc, levels);
    suite_add_tcase(s, tc);
    return s;
}
