/* nop_flow.c - the flow level of the simulated network.
 *
 * Every transfer is a fluid flow over its route, and the flows on a link
 * share it max-min fairly: SimGrid's CM02 model with unit factors. Each
 * directed mesh link and each DRAM channel link of plat_t is one SHARED
 * SimGrid link: a directed mesh link is one direction of a full-duplex
 * channel, so one link per direction gives each direction its own
 * bandwidth, which is what SPLITDUPLEX would give, with plat_t's indices.
 *
 * Links have no latency in the XML: CM02 weights a flow's share by its
 * route latency (TCP's round-trip unfairness), while NoP routers and DRAM
 * controllers arbitrate round-robin, so every flow must weigh the same,
 * which zero-latency links give: k flows on one link get 1/k of it each.
 * The simulation adds the route latency (nop_route_latency) after the last
 * byte, as cut-through routing would. Exact where one link is the
 * bottleneck; optimistic where routers would block. */
#include <stdlib.h>
#include <simgrid/engine.h>
#include <xbt/config.h>
#include "nop.h"

struct nop_net {
    const sg_host_t *hosts;
};

static void flow_configure(void)
{
    /* time = latency + bytes / bandwidth share, max-min sharing with equal
       weights; LV08's slow-start factors model TCP, not a NoP */
    sg_cfg_set_string("network/model", "CM02");
    sg_cfg_set_double("network/latency-factor", 1.0);
    sg_cfg_set_double("network/bandwidth-factor", 1.0);
    sg_cfg_set_double("network/weight-S", 0.0);
    sg_cfg_set_double("network/TCP-gamma", 0.0); /* no TCP window bound on a flow's rate */
    sg_cfg_set_boolean("network/crosstraffic", "no");
}

static void flow_write_links(FILE *fp, const plat_t *p)
{
    char id[32];
    for (int l = 0; l < p->nlinks; l++) {
        nop_link_id(l, id, sizeof id);
        fprintf(fp, "<link id=\"%s\" bandwidth=\"%.17gBps\" latency=\"0s\"/>\n", id, p->links[l].bw);
    }
}

static int flow_open(const plat_t *p, const sg_host_t *hosts, nop_net **out, err_t *e)
{
    (void)p;
    if (!(*out = malloc(sizeof **out)))
        return err_internal(e, "out of memory");
    (*out)->hosts = hosts;
    return ERR_OK;
}

/* No rendez-vous: the bytes leave at once and the caller measures them; a
   fluid flow is through the network when its last byte has left. */
static void flow_send(nop_net *n, int from, int to, double bytes, nop_arrived_fn arrived, void *arg)
{
    sg_host_sendto(n->hosts[from], n->hosts[to], bytes);
    arrived(arg, simgrid_get_clock());
}

static void flow_close(nop_net *n)
{
    free(n);
}

const nop_level nop_level_flow = {
    .name = "flow",
    .summary = "fluid flows sharing each link max-min fairly (SimGrid CM02)",
    .configure = flow_configure,
    .write_links = flow_write_links,
    .open = flow_open,
    .send = flow_send,
    .latency = nop_route_latency,
    .close = flow_close,
};
