/* test_platform.c - the INI reader (cfg) and the platform loader: shipped
 * files load with the figures SCAR gives, XY routes are the ones drawn
 * by hand, and every kind of bad input names its file and line. */
#include "testutil.h"
#include "cfg.h"
#include "nop.h"

static const char *good =
    "[package]\n"                 /* 1 */
    "name = t\n"                  /* 2 */
    "mesh = 3x2\n"                /* 3 */
    "link_bandwidth = 100GB/s\n"  /* 4 */
    "hop_latency = 35ns\n"        /* 5 */
    "energy_per_bit = 2.04pJ\n"   /* 6 */
    "[chiplet a]\n"               /* 7 */
    "at = 0,0\n"                  /* 8 */
    "dataflow = nvdla\n"          /* 9 */
    "[chiplet b]\n"               /* 10 */
    "at = 2,1\n"                  /* 11 */
    "dataflow = shidiannao\n"     /* 12 */
    "pes = 256\n"                 /* 13 */
    "[dram d]\n"                  /* 14 */
    "chiplet = b\n"               /* 15 */
    "bandwidth = 64GB/s\n"        /* 16 */
    "latency = 200ns\n"           /* 17 */
    "energy_per_bit = 14.8pJ\n";  /* 18 */

START_TEST(quantities)
{
    double v;
    ck_assert_int_eq(cfg_parse_quantity("100GB/s", CFG_UNIT_BW, &v), 0);
    ck_assert_rel(v, 100e9, 1e-15);
    ck_assert_int_eq(cfg_parse_quantity("8 Gbit/s", CFG_UNIT_BW, &v), 0);
    ck_assert_rel(v, 1e9, 1e-15);
    ck_assert_int_eq(cfg_parse_quantity("10MiB", CFG_UNIT_BYTES, &v), 0);
    ck_assert_rel(v, 10485760.0, 1e-15);
    ck_assert_int_eq(cfg_parse_quantity("35ns", CFG_UNIT_TIME, &v), 0);
    ck_assert_rel(v, 35e-9, 1e-15);
    ck_assert_int_eq(cfg_parse_quantity("500MHz", CFG_UNIT_FREQ, &v), 0);
    ck_assert_rel(v, 5e8, 1e-15);
    ck_assert_int_eq(cfg_parse_quantity("1nJ", CFG_UNIT_ENERGY, &v), 0);
    ck_assert_rel(v, 1000, 1e-15);
    /* strict: units of another kind, garbage, non-finite, hex */
    ck_assert_int_ne(cfg_parse_quantity("100GB", CFG_UNIT_BW, &v), 0);
    ck_assert_int_ne(cfg_parse_quantity("12x", CFG_UNIT_NONE, &v), 0);
    ck_assert_int_ne(cfg_parse_quantity("inf", CFG_UNIT_NONE, &v), 0);
    ck_assert_int_ne(cfg_parse_quantity("nan", CFG_UNIT_NONE, &v), 0);
    ck_assert_int_ne(cfg_parse_quantity("0x10", CFG_UNIT_NONE, &v), 0);
    ck_assert_int_ne(cfg_parse_quantity("", CFG_UNIT_NONE, &v), 0);
    long l;
    ck_assert_int_eq(cfg_parse_quantity("250mW", CFG_UNIT_POWER, &v), 0);
    ck_assert_rel(v, 0.25, 1e-15);
    ck_assert_int_eq(cfg_parse_quantity("2", CFG_UNIT_POWER, &v), 0);
    ck_assert_rel(v, 2.0, 1e-15);
    ck_assert_int_ne(cfg_parse_quantity("2 kW", CFG_UNIT_POWER, &v), 0);
    /* sizes, rates, times and clocks say their unit, but for 0; energies
       are in pJ and powers in W when bare (README "Units") */
    ck_assert_int_eq(cfg_parse_quantity("100", CFG_UNIT_BW, &v), CFG_NEEDS_UNIT);
    ck_assert_int_eq(cfg_parse_quantity("1e3", CFG_UNIT_BYTES, &v), CFG_NEEDS_UNIT);
    ck_assert_int_eq(cfg_parse_quantity("35", CFG_UNIT_TIME, &v), CFG_NEEDS_UNIT);
    ck_assert_int_eq(cfg_parse_quantity("500", CFG_UNIT_FREQ, &v), CFG_NEEDS_UNIT);
    v = 1;
    ck_assert_int_eq(cfg_parse_quantity("0", CFG_UNIT_TIME, &v), 0);
    ck_assert(v == 0);
    v = 1;
    ck_assert_int_eq(cfg_parse_quantity("0.0", CFG_UNIT_BW, &v), 0);
    ck_assert(v == 0);
    ck_assert_int_eq(cfg_parse_quantity("2.04", CFG_UNIT_ENERGY, &v), 0);
    ck_assert_rel(v, 2.04, 1e-15);
    ck_assert_int_eq(cfg_parse_long("-42", &l), 0);
    ck_assert_int_eq(l, -42);
    ck_assert_int_ne(cfg_parse_long("4.0", &l), 0);
    ck_assert_int_ne(cfg_parse_long("99999999999999999999", &l), 0);
}
END_TEST

START_TEST(loads_and_routes)
{
    char *path = tu_write_tmp(good, ".ini");
    plat_t p;
    err_t e;
    ck_assert_int_eq(plat_load(path, &p, &e), ERR_OK);
    ck_assert_int_eq(p.nchiplets, 2);
    ck_assert_int_eq(p.chiplets[1].pes, 256);
    ck_assert_int_eq(p.chiplets[0].pes, 4096); /* default */
    ck_assert_rel(p.chiplets[0].l2_bytes, 10e6, 1e-15);
    /* directed mesh links of a 3x2 mesh: 2*(W-1)*H + 2*W*(H-1) = 8 + 6 = 14,
       one DRAM link, and an injection and an ejection port for each of the
       two chiplets and the channel */
    ck_assert_int_eq(p.nlinks, 21);
    ck_assert(p.links[14].is_dram);
    ck_assert_rel(p.links[14].bw, 64e9, 1e-15);
    /* ports: the link bandwidth by default; the channel's own */
    ck_assert_rel(p.links[15].bw, p.link_bw, 1e-15);
    ck_assert_rel(p.links[20].bw, 64e9, 1e-15);
    /* a (0,0) -> b (2,1): a's port, XY east twice, then north once, b's port */
    int route[16];
    ck_assert_int_eq(nop_route(&p, 0, 1, route), 5);
    ck_assert_str_eq(p.links[route[1]].name, "x0y0->x1y0");
    ck_assert_str_eq(p.links[route[2]].name, "x1y0->x2y0");
    ck_assert_str_eq(p.links[route[3]].name, "x2y0->x2y1");
    ck_assert(p.links[route[4]].port == PLAT_PORT_EJECT && p.links[route[4]].end == 1);
    /* and back: west twice from (2,1) on row 1, then south at column 0 */
    ck_assert_int_eq(nop_route(&p, 1, 0, route), 5);
    ck_assert_str_eq(p.links[route[1]].name, "x2y1->x1y1");
    ck_assert_str_eq(p.links[route[3]].name, "x0y1->x0y0");
    ck_assert_int_eq(nop_hops(&p, 0, 1), 3);
    ck_assert_int_eq(nop_dram_for(&p, 0), 0);
    plat_free(&p);
    unlink(path);
    free(path);
}
END_TEST

START_TEST(shipped_platforms)
{
    const char *files[] = {"platforms/het-2x2.ini", "platforms/mono-os.ini", "platforms/mono-ws.ini",
                           "platforms/simba-nvdla-3x3.ini", "platforms/simba-shi-3x3.ini",
                           "platforms/het-sides-3x3.ini", "platforms/het-cb-3x3.ini",
                           "platforms/het-6x6.ini"};
    const int chiplets[] = {4, 1, 1, 9, 9, 9, 9, 36};
    for (int i = 0; i < 8; i++) {
        plat_t p;
        err_t e;
        ck_assert_msg(plat_load(files[i], &p, &e) == ERR_OK, "%s", e.msg);
        ck_assert_int_eq(p.nchiplets, chiplets[i]);
        plat_free(&p);
    }
    plat_t p;
    err_t e;
    ck_assert_int_eq(plat_load("platforms/het-2x2.ini", &p, &e), ERR_OK);
    int shi = 0;
    for (int c = 0; c < p.nchiplets; c++) {
        shi += p.chiplets[c].dataflow == PLAT_SHIDIANNAO;
        ck_assert_int_eq(p.chiplets[c].pes, 4096);
        ck_assert_rel(p.chiplets[c].clock_hz, 500e6, 1e-15);
    }
    ck_assert_int_eq(shi, 1); /* 3 NVDLA-like + 1 ShiDianNao-like */
    ck_assert_rel(p.hop_latency_s, 35e-9, 1e-12);
    ck_assert_rel(p.nop_pj_per_bit, 2.04, 1e-12);
    ck_assert_rel(p.drams[0].pj_per_bit, 14.8, 1e-12);
    ck_assert_rel(p.drams[0].latency_s, 200e-9, 1e-12);
    plat_free(&p);
    /* mono-os: the 2x2 package's resources on one chip */
    ck_assert_int_eq(plat_load("platforms/mono-os.ini", &p, &e), ERR_OK);
    ck_assert_int_eq(p.chiplets[0].pes, 4 * 4096);
    ck_assert_int_eq(p.chiplets[0].dataflow, PLAT_OS_AUTO);
    ck_assert_rel(p.drams[0].bw, 128e9, 1e-15);
    plat_free(&p);
}
END_TEST

/* The good file with line LINE (1-based) replaced by TEXT, in a temporary
   file whose malloc'd path is returned. */
static char *good_but(int line, const char *text)
{
    char buf[4096] = "";
    const char *s = good;
    for (int n = 1; *s; n++) {
        const char *eol = strchr(s, '\n');
        if (n == line)
            strcat(buf, text);
        else
            strncat(buf, s, (size_t)(eol - s + 1));
        s = eol + 1;
    }
    return tu_write_tmp(buf, ".ini");
}

/* Expects an input error for good_but(LINE, TEXT) that starts with
   "PATH:WANT_LINE: " and contains WHAT. */
static void expect_bad(int line, const char *text, int want_line, const char *what)
{
    char *path = good_but(line, text);
    plat_t p;
    err_t e;
    ck_assert_int_eq(plat_load(path, &p, &e), ERR_INPUT);
    tu_assert_located(e.msg, path, want_line, what);
    unlink(path);
    free(path);
}

START_TEST(bad_inputs)
{
    expect_bad(13, "pez = 256\n", 13, "unknown key in [chiplet b] (expected at, dataflow, pes, array, l1");
    expect_bad(13, "pes = 25x6\n", 13, "bad integer");
    expect_bad(13, "pes = 0\n", 13, "out of range");
    expect_bad(13, "pes = -4\n", 13, "out of range");
    expect_bad(16, "bandwidth = 64GB\n", 16, "bad number");
    expect_bad(16, "bandwidth = 0GB/s\n", 16, "out of range");
    expect_bad(9, "dataflow = tpu\n", 9, "unknown dataflow 'tpu'");
    expect_bad(11, "at = 3,1\n", 11, "outside the 3x2 mesh");
    expect_bad(11, "at = 0,0\n", 11, "already at 0,0");
    expect_bad(11, "at = x\n", 11, "'at' must be X,Y");
    expect_bad(15, "chiplet = zz\n", 15, "unknown chiplet 'zz'");
    expect_bad(14, "[dram d\n", 14, "syntax error");
    expect_bad(14, "[memory d]\n", 14, "unknown section (expected [package]");
    expect_bad(13, "dataflow = eyeriss\n", 13, "duplicate key (first at line 12)");
    expect_bad(10, "[chiplet a]\n", 10, "duplicate section (first at line");
    expect_bad(3, "mesh = 3by2\n", 3, "mesh must be WxH");
    expect_bad(11, "; at = 2,1\n", 10, "missing key 'at'");
    expect_bad(6, "energy_per_bit = 2pJ\ninterface_bandwidth = 0GB/s\n", 7, "out of range");
    expect_bad(13, "interface_bandwidth = fast\n", 13, "bad number");
    /* a bare number, once read silently as 100 B/s (issue 11) */
    expect_bad(4, "link_bandwidth = 100\n", 4,
               "'link_bandwidth' = 100 needs a unit (units: B/s, KB/s, kB/s, MB/s, GB/s, TB/s, "
               "KiB/s, MiB/s, GiB/s, bit/s, kbit/s, Mbit/s, Gbit/s, Tbit/s)");
    expect_bad(5, "hop_latency = 35\n", 5, "'hop_latency' = 35 needs a unit (units: s, ms, us");
    expect_bad(13, "l2 = 10000000\n", 13, "'l2' = 10000000 needs a unit (units: B, KB");
    expect_bad(13, "clock = 500e6\n", 13, "'clock' = 500e6 needs a unit (units: Hz, kHz");
    /* 0 needs no unit where 0 is allowed: a hop and a DRAM access without latency */
    char *path = good_but(5, "hop_latency = 0\n");
    plat_t p;
    err_t e;
    ck_assert_msg(plat_load(path, &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert(p.hop_latency_s == 0);
    plat_free(&p);
    unlink(path);
    free(path);
    path = good_but(17, "latency = 0\n");
    ck_assert_msg(plat_load(path, &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert(p.drams[0].latency_s == 0);
    plat_free(&p);
    unlink(path);
    free(path);
    expect_bad(13, "static_power = 2J\n", 13, "'static_power': bad number '2J' (units: W, mW, uW)");
    expect_bad(13, "static_power = -1W\n", 13, "'static_power' = -1W is out of range");
    expect_bad(13, "static_power = 2MW\n", 13, "bad number");
    expect_bad(6, "energy_per_bit = 2pJ\npower_gating = maybe\n", 7,
               "power_gating must be yes or no, not 'maybe'");
    expect_bad(6, "energy_per_bit = 2pJ\npower_gateing = yes\n", 7, "unknown key in [package] (expected name, mesh");
    expect_bad(6, "energy_per_bit = 2pJ\n[nop]\nmodel = wormhole\n", 8,
               "model must be flow or packet, not 'wormhole'");
    expect_bad(6, "energy_per_bit = 2pJ\n[nop]\nvcs = 0\n", 8, "out of range");
    expect_bad(6, "energy_per_bit = 2pJ\n[nop]\nflit = 32B\nvc_buf = 4\n", 9,
               "unknown key in [nop] (expected model, flit, vcs, vc_buffer");
    char longline[400];
    memset(longline, 'x', sizeof longline);
    memcpy(longline, "; ", 2);
    longline[398] = '\n';
    longline[399] = '\0';
    expect_bad(13, longline, 13, "line too long");
    /* the limit is exact: 197 characters pass, 198 do not */
    memset(longline, ' ', sizeof longline);
    memcpy(longline, "pes = 256", 9);
    longline[197] = '\n';
    longline[198] = '\0';
    path = good_but(13, longline);
    ck_assert_msg(plat_load(path, &p, &e) == ERR_OK, "%s", e.msg);
    plat_free(&p);
    unlink(path);
    free(path);
    longline[197] = ' ';
    longline[198] = '\n';
    longline[199] = '\0';
    expect_bad(13, longline, 13, "line too long (more than 197 characters)");
}
END_TEST

/* [nop]: the keys the issue fixed, their defaults, and a chiplet's interface. */
START_TEST(nop_section)
{
    char *path = good_but(6, "energy_per_bit = 2pJ\ninterface_bandwidth = 50GB/s\n[nop]\n"
                             "model = packet\nflit = 64B\nvcs = 2\nvc_buffer = 8\n"
                             "router_cycles = 3\nlink_cycles = 2\n");
    plat_t p;
    err_t e;
    ck_assert_msg(plat_load(path, &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_str_eq(p.nop.model, "packet");
    ck_assert(p.nop.flit_bytes == 64 && p.nop.vcs == 2 && p.nop.vc_buffer == 8);
    ck_assert(p.nop.router_cycles == 3 && p.nop.link_cycles == 2);
    ck_assert_rel(p.links[nop_port_link(&p, 0, PLAT_PORT_INJECT)].bw, 50e9, 1e-15);
    plat_free(&p);
    unlink(path);
    free(path);
    path = good_but(13, "pes = 256\ninterface_bandwidth = 200GB/s\n");
    ck_assert_msg(plat_load(path, &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_str_eq(p.nop.model, "flow");
    ck_assert(p.nop.flit_bytes == 32 && p.nop.vcs == 4 && p.nop.vc_buffer == 16);
    ck_assert(p.nop.router_cycles == 4 && p.nop.link_cycles == 1);
    ck_assert_rel(p.links[nop_port_link(&p, 0, PLAT_PORT_EJECT)].bw, 100e9, 1e-15);
    ck_assert_rel(p.links[nop_port_link(&p, 1, PLAT_PORT_EJECT)].bw, 200e9, 1e-15);
    plat_free(&p);
    unlink(path);
    free(path);
}
END_TEST

/* static_power and power_gating: defaults from the PE count, units, [defaults]. */
START_TEST(static_power_keys)
{
    char *path = tu_write_tmp(good, ".ini");
    plat_t p;
    err_t e;
    ck_assert_msg(plat_load(path, &p, &e) == ERR_OK, "%s", e.msg);
    /* 28 W / 65,536 PEs (platform.c): 4096 PEs 1.75 W, b's 256 PEs 109.375 mW */
    ck_assert_rel(p.chiplets[0].static_w, 1.75, 1e-15);
    ck_assert_rel(p.chiplets[1].static_w, 0.109375, 1e-15);
    ck_assert_int_eq(p.power_gating, 0);
    plat_free(&p);
    unlink(path);
    free(path);
    path = good_but(6, "energy_per_bit = 2pJ\npower_gating = yes\n[defaults]\nstatic_power = 300mW\n");
    ck_assert_msg(plat_load(path, &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_int_eq(p.power_gating, 1);
    ck_assert_rel(p.chiplets[0].static_w, 0.3, 1e-15);
    ck_assert_rel(p.chiplets[1].static_w, 0.3, 1e-15); /* set, so not scaled with pes */
    plat_free(&p);
    unlink(path);
    free(path);
    path = good_but(13, "pes = 256\nstatic_power = 1500uW\n");
    ck_assert_msg(plat_load(path, &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert_rel(p.chiplets[1].static_w, 1.5e-3, 1e-15);
    plat_free(&p);
    unlink(path);
    free(path);
    path = good_but(13, "pes = 256\nstatic_power = 0\n");
    ck_assert_msg(plat_load(path, &p, &e) == ERR_OK, "%s", e.msg);
    ck_assert(p.chiplets[1].static_w == 0);
    plat_free(&p);
    unlink(path);
    free(path);
    /* the shipped monolith: one chip of 16384 PEs burns what four chiplets do */
    ck_assert_int_eq(plat_load("platforms/mono-os.ini", &p, &e), ERR_OK);
    ck_assert_rel(p.chiplets[0].static_w, 7.0, 1e-15);
    plat_free(&p);
}
END_TEST

START_TEST(missing_file)
{
    plat_t p;
    err_t e;
    ck_assert_int_eq(plat_load("/nonexistent/p.ini", &p, &e), ERR_INPUT);
    ck_assert_msg(strncmp(e.msg, "/nonexistent/p.ini: cannot open", 31) == 0, "%s", e.msg);
}
END_TEST

START_TEST(single_chiplet)
{
    plat_t p;
    err_t e;
    ck_assert_int_eq(plat_single(PLAT_EYERISS, 168, &p, &e), ERR_OK);
    ck_assert_int_eq(p.chiplets[0].pes, 168);
    ck_assert(isinf(p.chiplets[0].l2_bw));
    ck_assert_int_eq(plat_dataflow_parse("os-auto"), PLAT_OS_AUTO);
    ck_assert_int_eq(plat_dataflow_parse("OS"), -1);
    plat_free(&p);
}
END_TEST

/* --baseline monolithic-os on a package: het-2x2 by hand from its file is
   4 x 4096 = 16384 PEs, 4 x 10 MB = 40 MB of L2, 2 x 64 = 128 GB/s of DRAM,
   4 x 256 = 1024 vector operations and L2 bytes per cycle at the common
   500 MHz, 4 x 1.75 W static: mono-os.ini, written by hand for it. */
START_TEST(monolithic_equivalent)
{
    plat_t p, m, ref;
    err_t e;
    ck_assert_int_eq(plat_load("platforms/het-2x2.ini", &p, &e), ERR_OK);
    ck_assert_int_eq(plat_monolithic(&p, &m, &e), ERR_OK);
    ck_assert_int_eq(m.nchiplets, 1);
    ck_assert_int_eq(m.ndrams, 1);
    const plat_chiplet *c = &m.chiplets[0];
    ck_assert_int_eq(c->pes, 16384);
    ck_assert_int_eq(c->array_rows, 128);
    ck_assert_rel(c->l2_bytes, 40e6, 1e-15);
    ck_assert_rel(m.drams[0].bw, 128e9, 1e-15);
    ck_assert_rel(m.drams[0].latency_s, 200e-9, 1e-12);
    ck_assert_rel(m.drams[0].pj_per_bit, 14.8, 1e-12);
    ck_assert_rel(c->clock_hz, 500e6, 1e-15);
    ck_assert_rel(c->vector_per_cycle, 1024, 1e-15);
    ck_assert_rel(c->l2_bw, 1024, 1e-15);
    ck_assert_rel(c->static_w, 4 * 4096 * PLAT_STATIC_W_PER_PE, 1e-12);
    ck_assert_int_eq(c->dataflow, PLAT_OS_AUTO);
    ck_assert_str_eq(m.name, "het-2x2-mono");
    /* the port to the one chip carries all of its DRAM */
    ck_assert_rel(m.links[m.port0].bw, 128e9, 1e-15);
    ck_assert_int_eq(plat_load("platforms/mono-os.ini", &ref, &e), ERR_OK);
    const plat_chiplet *r = &ref.chiplets[0];
    ck_assert_int_eq(r->pes, c->pes);
    ck_assert(r->l2_bytes == c->l2_bytes && r->l2_bw == c->l2_bw && r->clock_hz == c->clock_hz);
    ck_assert(r->pj_mac == c->pj_mac && r->pj_l1 == c->pj_l1 && r->pj_l2 == c->pj_l2);
    ck_assert(ref.drams[0].bw == m.drams[0].bw);
    plat_free(&ref);
    plat_free(&m);
    plat_free(&p);
    /* clocks that differ: 4096 PEs at 500 MHz and 256 at 1 GHz do
       2.048e12 + 0.256e12 = 2.304e12 MACs/s at peak; over 4352 PEs that is
       529.41 MHz, and the two vector units' 256 x (5e8 + 1e9) = 3.84e11
       operations/s are 725.33 a cycle of it */
    char *path = good_but(13, "pes = 256\nclock = 1GHz\n");
    ck_assert_int_eq(plat_load(path, &p, &e), ERR_OK);
    ck_assert_int_eq(plat_monolithic(&p, &m, &e), ERR_OK);
    ck_assert_int_eq(m.chiplets[0].pes, 4352);
    ck_assert_rel(m.chiplets[0].clock_hz, 2.304e12 / 4352, 1e-12);
    ck_assert_rel(m.chiplets[0].vector_per_cycle, 3.84e11 / (2.304e12 / 4352), 1e-12);
    ck_assert_int_eq(m.chiplets[0].array_rows, 0); /* 4352 is no square: os-auto runs positions */
    plat_free(&m);
    plat_free(&p);
    unlink(path);
    free(path);
}
END_TEST

/* Walks the dataflow table through what reads it: every name parses back,
   the message list is the names in enum order, the output-stationary
   dataflows are shidiannao, os-auto, os-positions and systolic-os, and the
   systolic ones the three of SCALE-Sim (README, The cost model). */
START_TEST(dataflow_table)
{
    char list[256] = "";
    for (int df = 0; df < PLAT_NDATAFLOW; df++) {
        const char *name = plat_dataflow_name((plat_dataflow)df);
        ck_assert_str_ne(name, "?");
        ck_assert_int_eq(plat_dataflow_parse(name), df);
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", df ? ", " : "", name);
        ck_assert_int_eq(plat_dataflow_is_os((plat_dataflow)df),
                         (df == PLAT_SHIDIANNAO || df == PLAT_OS_AUTO || df == PLAT_OS_POSITIONS ||
                          df == PLAT_SYSTOLIC_OS));
        ck_assert_int_eq(plat_dataflow_is_systolic((plat_dataflow)df),
                         (df == PLAT_SYSTOLIC_OS || df == PLAT_SYSTOLIC_WS ||
                          df == PLAT_SYSTOLIC_IS));
    }
    ck_assert_str_eq(plat_dataflow_list(), list);
    ck_assert_str_eq(plat_dataflow_list(), "nvdla, shidiannao, eyeriss, os-auto, ws-auto, "
                                           "os-positions, systolic-os, systolic-ws, systolic-is");
    ck_assert_str_eq(plat_dataflow_name(PLAT_NDATAFLOW), "?");
    ck_assert_int_eq(plat_dataflow_is_os(PLAT_NDATAFLOW), 0);
}
END_TEST

Suite *test_suite(void)
{
    Suite *s = suite_create("platform");
    TCase *tc = tcase_create("platform");
    tcase_add_test(tc, quantities);
    tcase_add_test(tc, loads_and_routes);
    tcase_add_test(tc, shipped_platforms);
    tcase_add_test(tc, bad_inputs);
    tcase_add_test(tc, nop_section);
    tcase_add_test(tc, static_power_keys);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, single_chiplet);
    tcase_add_test(tc, dataflow_table);
    tcase_add_test(tc, monolithic_equivalent);
    suite_add_tcase(s, tc);
    return s;
}
