/* platform.h - the package: chiplets, the network-on-package (NoP) mesh and
 * the DRAM channels, loaded once from a platform INI file and read-only after.
 *
 * The mesh is W x H routers with XY dimension-order routing; each router may
 * hold one chiplet. Mesh links are directed (full duplex: each direction has
 * its own bandwidth). A DRAM channel hangs off one chiplet's router through a
 * link of its own whose bandwidth is the channel's, shared by reads and
 * writes. Link indices are stable: first the directed mesh links in row-major
 * order of their source router (east, west, north, south), then one per DRAM
 * channel. Routes over these links are nop.h's. */
#ifndef MCM_PLATFORM_H
#define MCM_PLATFORM_H

#include "err.h"

#define PLAT_NAME_MAX 32

typedef enum {
    PLAT_NVDLA,       /* weight-stationary: 64 input channels per cluster, clusters over K */
    PLAT_SHIDIANNAO,  /* output-stationary: 8 output columns per cluster, clusters over rows */
    PLAT_EYERISS,     /* row-stationary: filter rows x output rows */
    PLAT_OS_AUTO,     /* output-stationary with the best spatial tile per layer */
    PLAT_WS_AUTO,     /* weight-stationary with the best spatial tile per layer */
    PLAT_NDATAFLOW
} plat_dataflow;

typedef struct {
    char name[PLAT_NAME_MAX];
    int x, y;                 /* mesh position */
    plat_dataflow dataflow;
    long pes;
    double l1_bytes;          /* per PE */
    double l2_bytes;          /* shared on-chip buffer */
    double clock_hz;
    double vector_per_cycle;  /* element operations per cycle of the vector unit */
    double l2_bw;             /* L2 -> PE array bytes per cycle; INFINITY when ideal */
    double pj_mac, pj_l1, pj_l2; /* per MAC, per element access of L1 and of L2 */
} plat_chiplet;

typedef struct {
    char name[PLAT_NAME_MAX];
    int chiplet;              /* the chiplet whose router the channel attaches to */
    double bw;                /* bytes/s, reads and writes together */
    double latency_s;
    double pj_per_bit;
} plat_dram;

typedef enum { PLAT_EAST, PLAT_WEST, PLAT_NORTH, PLAT_SOUTH } plat_dir;

typedef struct {
    char name[2 * PLAT_NAME_MAX]; /* "x0y0->x1y0" or the DRAM channel's name */
    int is_dram;
    int dram;                 /* channel index when is_dram */
    int sx, sy, dx, dy;       /* mesh link endpoints */
    double bw;                /* bytes/s */
    double latency_s;
} plat_link;

typedef struct {
    char *path;
    char name[PLAT_NAME_MAX];
    int width, height;
    double link_bw;           /* bytes/s per direction */
    double hop_latency_s;
    double nop_pj_per_bit;
    int nchiplets;
    plat_chiplet *chiplets;
    int ndrams;
    plat_dram *drams;
    int nlinks;               /* mesh links then DRAM links */
    plat_link *links;
    int *link_at;             /* [(y*width + x)*4 + dir] -> link index or -1 */
    int *chiplet_at;          /* [y*width + x] -> chiplet index or -1 */
} plat_t;

int plat_load(const char *path, plat_t *p, err_t *e);
void plat_free(plat_t *p);

/* Fills derived tables (links, lookups) and checks the whole struct; used by
   plat_load and by code that builds a platform in memory (tests, `layers`). */
int plat_finish(plat_t *p, err_t *e);

/* A one-chiplet platform with ideal on-chip bandwidth and the field's default
   constants (SCAR, MAESTRO), for `mcmsim layers --dataflow D --pes N`. */
int plat_single(plat_dataflow df, long pes, plat_t *p, err_t *e);

/* Default per-chiplet constants (500 MHz, MAESTRO energy proportions, ...). */
void plat_chiplet_defaults(plat_chiplet *c);

const char *plat_dataflow_name(plat_dataflow df);
/* -1 when NAME is no dataflow. */
int plat_dataflow_parse(const char *name);

int plat_find_chiplet(const plat_t *p, const char *name); /* -1 if none */

#endif
