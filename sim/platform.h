/* platform.h - the package: chiplets, the network-on-package (NoP) mesh and
 * the DRAM channels, loaded once from a platform INI file and read-only after.
 *
 * The mesh is W x H routers with XY dimension-order routing; each router may
 * hold one chiplet. Mesh links are directed (full duplex: each direction has
 * its own bandwidth). A DRAM channel hangs off one chiplet's router through a
 * link of its own whose bandwidth is the channel's, shared by reads and
 * writes. Every chiplet and every channel reaches its router through an
 * injection and an ejection port of its own bandwidth (interface_bandwidth).
 * Link indices are stable: first the directed mesh links in row-major
 * order of their source router (east, west, north, south), then one per DRAM
 * channel, then the two ports of each chiplet and then of each channel.
 * Routes over these links are nop.h's. The dataflow table below is
 * the one place that lists what a chiplet can run. */
#ifndef MCM_PLATFORM_H
#define MCM_PLATFORM_H

#include "cfg.h"
#include "err.h"

#define PLAT_NAME_MAX 32
/* The largest `pes` a chiplet may have (the key's range, and --pes's). */
#define PLAT_PES_MAX (1L << 30)
/* The largest `packet_flits` (the [nop] key's range, and --packet-flits's). */
#define PLAT_PACKET_FLITS_MAX (1L << 20)

typedef enum {
    PLAT_NVDLA,
    PLAT_SHIDIANNAO,
    PLAT_EYERISS,
    PLAT_OS_AUTO,
    PLAT_WS_AUTO,
    PLAT_OS_POSITIONS,
    PLAT_SYSTOLIC_OS,
    PLAT_SYSTOLIC_WS,
    PLAT_SYSTOLIC_IS,
    PLAT_NDATAFLOW
} plat_dataflow;

/* A dataflow's family: what a PE keeps while the other operands stream past. */
typedef enum {
    PLAT_WEIGHT_STATIONARY,
    PLAT_OUTPUT_STATIONARY,
    PLAT_INPUT_STATIONARY,
    PLAT_ROW_STATIONARY
} plat_family;

/* The dataflow table, one row per plat_dataflow: X(value, name, family,
   price, about). platform.c takes names and families from it; cost.c
   takes `price`, the function that prices a layer (a preset's
   mapping, a family's best tile, a systolic array's folds); `about` is the
   row's one-line description. A new dataflow is an enum value, a row here
   and that function. Systolic dataflows run on the chiplet's array of
   array_rows x array_cols PEs. */
#define PLAT_DATAFLOW_TABLE(X)                                                                  \
    X(PLAT_NVDLA, "nvdla", PLAT_WEIGHT_STATIONARY, nvdla_price,                                 \
      "NVDLA-like: 64 input channels per cluster, clusters over output channels")               \
    X(PLAT_SHIDIANNAO, "shidiannao", PLAT_OUTPUT_STATIONARY, shidiannao_price,                  \
      "ShiDianNao-like: 8 output columns per cluster, clusters over output rows")               \
    X(PLAT_EYERISS, "eyeriss", PLAT_ROW_STATIONARY, eyeriss_price,                              \
      "Eyeriss-like: filter rows x output rows")                                                \
    X(PLAT_OS_AUTO, "os-auto", PLAT_OUTPUT_STATIONARY, os_auto_price,                           \
      "the best output-stationary mapping per layer: os-positions or systolic-os")              \
    X(PLAT_WS_AUTO, "ws-auto", PLAT_WEIGHT_STATIONARY, ws_auto_price,                           \
      "weight-stationary with the best spatial tile per layer")                                 \
    X(PLAT_OS_POSITIONS, "os-positions", PLAT_OUTPUT_STATIONARY, os_positions_price,            \
      "output positions only, as ShiDianNao, with the best spatial tile per layer")             \
    X(PLAT_SYSTOLIC_OS, "systolic-os", PLAT_OUTPUT_STATIONARY, cost_systolic_os,                \
      "systolic array, PE (i, j) keeps output position i of output channel j (SCALE-Sim os)")   \
    X(PLAT_SYSTOLIC_WS, "systolic-ws", PLAT_WEIGHT_STATIONARY, cost_systolic_ws,                \
      "systolic array, a fold of weights sits in it, positions stream (SCALE-Sim ws)")          \
    X(PLAT_SYSTOLIC_IS, "systolic-is", PLAT_INPUT_STATIONARY, cost_systolic_is,                 \
      "systolic array, a fold of inputs sits in it, filters stream (SCALE-Sim is)")

typedef struct {
    char name[PLAT_NAME_MAX];
    int x, y;                 /* mesh position */
    plat_dataflow dataflow;
    long pes;
    int array_rows, array_cols; /* the PE array's shape: `array`, or sqrt(pes) x sqrt(pes)
                                   when pes is a square; 0 x 0 otherwise */
    double l1_bytes;          /* per PE */
    double l2_bytes;          /* shared on-chip buffer */
    double clock_hz;
    double vector_per_cycle;  /* element operations per cycle of the vector unit */
    double l2_bw;             /* L2 -> PE array bytes per cycle; INFINITY when ideal */
    double pj_mac, pj_l1, pj_l2; /* per MAC, per element access of L1 and of L2 */
    double iface_bw;          /* injection and ejection port bytes/s each; 0 = the package's */
    double static_w;          /* burnt whenever powered, working or not (leakage, clock
                                 tree); < 0 until plat_finish derives it from pes */
} plat_chiplet;

typedef struct {
    char name[PLAT_NAME_MAX];
    int chiplet;              /* the chiplet whose router the channel attaches to */
    double bw;                /* bytes/s, reads and writes together */
    double latency_s;
    double pj_per_bit;
    double iface_bw;          /* its attachment's ports, bytes/s each; 0 = the channel's bw */
} plat_dram;

typedef enum { PLAT_EAST, PLAT_WEST, PLAT_NORTH, PLAT_SOUTH } plat_dir;

/* What a link is: a directed mesh link, a DRAM channel, or one of the two
   ports through which an endpoint (chiplet or DRAM channel) reaches its
   router: what it injects into the mesh and what it takes out of it. */
typedef enum { PLAT_PORT_NONE, PLAT_PORT_INJECT, PLAT_PORT_EJECT } plat_port;

typedef struct {
    char name[2 * PLAT_NAME_MAX + 8]; /* "x0y0->x1y0", the channel's name, "n00.inject" */
    int is_dram;
    int dram;                 /* channel index when is_dram */
    plat_port port;           /* a port: of endpoint `end` (nop.h numbering) */
    int end;
    int sx, sy, dx, dy;       /* mesh link endpoints */
    double bw;                /* bytes/s */
    double latency_s;
} plat_link;

/* How the simulation models the network ([nop]); see nop.h for the levels.
   The packet level's router: a link moves one flit per NoP cycle. */
typedef struct {
    char model[16];           /* "flow" (default) or "packet" */
    double flit_bytes;
    int vcs;                  /* virtual channels per input port */
    int vc_buffer;            /* flits per virtual-channel buffer */
    int router_cycles;        /* router pipeline per hop */
    int link_cycles;          /* wire delay per hop */
    int packet_flits;         /* a transfer is cut into packets of this many flits */
} plat_nop;

typedef struct {
    char *path;
    char name[PLAT_NAME_MAX];
    int width, height;
    double link_bw;           /* bytes/s per direction */
    double iface_bw;          /* default bandwidth of every chiplet's ports */
    plat_nop nop;
    double hop_latency_s;
    double nop_pj_per_bit;
    int power_gating;         /* 1: chiplets no segment uses are off and burn no static power */
    int nchiplets;
    plat_chiplet *chiplets;
    int ndrams;
    plat_dram *drams;
    int nlinks;               /* mesh links, DRAM links, then ports */
    int port0;                /* first port: endpoint E's are port0 + 2E (inject), + 1 (eject) */
    plat_link *links;
    int *link_at;             /* [(y*width + x)*4 + dir] -> link index or -1 */
    int *chiplet_at;          /* [y*width + x] -> chiplet index or -1 */
} plat_t;

int plat_load(const char *path, plat_t *p, err_t *e);
/* plat_load with the N SETS applied to the file (cfg.h) before it is read. */
int plat_load_set(const char *path, const cfg_set *sets, int nsets, plat_t *p, err_t *e);
void plat_free(plat_t *p);

/* Fills derived tables (links, lookups) and checks the whole struct; used by
   plat_load and by code that builds a platform in memory (tests, `layers`). */
int plat_finish(plat_t *p, err_t *e);

/* A one-chiplet platform with ideal on-chip bandwidth and the field's default
   constants (SCAR, MAESTRO), for `mcmsim layers --dataflow D --pes N`. */
int plat_single(plat_dataflow df, long pes, plat_t *p, err_t *e);

/* The one-chip equivalent of package PKG (README "Baselines"): one chiplet
   `mono` with all of PKG's PEs, L2, vector units, L2 ports and static power,
   the PE-weighted mean clock (so the peak MAC rate is PKG's), L1 per PE and
   energies per access, and dataflow os-auto; one DRAM channel with the sum
   of PKG's bandwidths and their bandwidth-weighted latency and energy per
   bit, behind a memory port as wide. PKG must be finished (plat_finish). */
int plat_monolithic(const plat_t *pkg, plat_t *out, err_t *e);

/* The [nop] defaults: flow level; 32 B flits, 4 VCs of 16, 4 + 1 cycles a
   hop, packets of 16 flits (BookSim's defaults but the flit size). */
void plat_nop_defaults(plat_nop *n);

/* Default per-chiplet constants (500 MHz, MAESTRO energy proportions, ...);
   the static power is left to plat_finish, which scales it with pes. */
void plat_chiplet_defaults(plat_chiplet *c);

/* The default static power of one PE's share of a chiplet, W (platform.c
   says where it comes from). */
#define PLAT_STATIC_W_PER_PE (28.0 / 65536)

const char *plat_dataflow_name(plat_dataflow df);
/* -1 when NAME is no dataflow. */
int plat_dataflow_parse(const char *name);
/* Every dataflow's name in table order, ", " between them, for messages. */
const char *plat_dataflow_list(void);
/* 1 when DF is of the output-stationary family. */
int plat_dataflow_is_os(plat_dataflow df);
/* 1 when DF runs on a systolic array (and needs array_rows x array_cols). */
int plat_dataflow_is_systolic(plat_dataflow df);
/* Whether chiplets A and B cost every layer the same: every field the cost
   model reads (a systolic array's shape too, not only its PE count). */
int plat_chiplet_same_cost(const plat_chiplet *a, const plat_chiplet *b);

int plat_find_chiplet(const plat_t *p, const char *name); /* -1 if none */

#endif
