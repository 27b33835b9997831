/* cost_table.c - a whole model priced on one chiplet, for `layers`: the
 * per-layer costs and their sums, in layer order. */
#include <stdlib.h>
#include <string.h>
#include "cost.h"

int cost_model(const plat_chiplet *c, const wl_model *m, long batch, cost_table *t)
{
    memset(t, 0, sizeof *t);
    t->layers = calloc((size_t)m->nlayers + 1, sizeof *t->layers);
    if (!t->layers)
        return ERR_INTERNAL;
    t->nlayers = m->nlayers;
    cost_t *sum = &t->total;
    for (int i = 0; i < m->nlayers; i++) {
        const cost_t *ct = &t->layers[i];
        cost_layer(c, &m->layers[i], m->elem_bytes, batch, &t->layers[i]);
        sum->macs += ct->macs, sum->compute_cycles += ct->compute_cycles, sum->cycles += ct->cycles;
        sum->e_mac_pj += ct->e_mac_pj, sum->e_l1_pj += ct->e_l1_pj, sum->e_l2_pj += ct->e_l2_pj;
        sum->energy_pj += ct->energy_pj;
    }
    return ERR_OK;
}

void cost_table_free(cost_table *t)
{
    free(t->layers);
    memset(t, 0, sizeof *t);
}
