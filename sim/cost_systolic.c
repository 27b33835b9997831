/* cost_systolic.c - systolic arrays as SCALE-Sim models them
 * (scalesim-project/scale-sim-v2, scalesim/compute/systolic_compute_os.py,
 * _ws.py, _is.py).
 *
 * A layer is three operand matrices: the inputs unrolled into `pixels`
 * output positions x a `window` of R S C inputs each, the filters (window x
 * K) and the outputs (pixels x K). A dataflow pins one of them to the
 * array of R_a x C_a PEs, folds the other two over its rows and columns,
 * and streams the third: T is the length of the temporal loop.
 *   os: Sr = pixels, Sc = K,      T = window (PE (i, j) accumulates output
 *       position i of filter j)
 *   ws: Sr = window, Sc = K,      T = pixels (a fold of weights sits in it)
 *   is: Sr = window, Sc = pixels, T = K      (a fold of inputs sits in it)
 * There are ceil(Sr / R_a) x ceil(Sc / C_a) folds, and each takes as many
 * cycles as its demand matrices have rows, whatever part of the array it
 * fills:
 *   os: T + R_a + C_a - 2   (operands stream in with a skew of R_a - 1 and
 *       C_a - 1 cycles; the outputs drain out of the rows meanwhile)
 *   ws, is: 2 R_a + C_a + T - 2   (R_a cycles to load the stationary fold,
 *       then the skewed stream and the drain of the partial sums)
 * SRAM traffic is what the demand matrices ask for (one request per
 * operand element a fold uses):
 *   os: ifmap reads  ceil(Sc / C_a) T Sr, filter reads ceil(Sr / R_a) T Sc,
 *       ofmap writes Sr Sc
 *   ws: ifmap reads  ceil(Sc / C_a) T Sr, filter reads Sr Sc,
 *       ofmap writes ceil(Sr / R_a) T Sc (partial sums once per row fold)
 *   is: ifmap reads  Sr Sc, filter reads ceil(Sc / C_a) T Sr,
 *       ofmap writes ceil(Sr / R_a) T Sc
 * SCALE-Sim also adds R_a + C_a to its ofmap writes per OS fold, which is
 * no access and left out here. Groups and (head, sample) products are
 * independent layers; a batch sharing the weights adds output positions.
 * The SRAMs are the chiplet's L2: its reads of weights and inputs, its
 * writes of outputs, plus its fill with the weights and inputs and the
 * read of the finished outputs; L1 follows MAESTRO's per-MAC convention
 * (cost_int.h). */
#include "cost_int.h"

/* Cycles of G groups of Sr x Sc folded over the array, T long each; a
   stationary fold (ws, is) first takes R_a cycles to load. */
static double fold_cycles(const plat_chiplet *c, double g, double sr, double sc, double t,
                          int stationary)
{
    double ra = c->array_rows, ca = c->array_cols;
    double n = g * (double)cost_ceil_div((long)sr, c->array_rows) *
               (double)cost_ceil_div((long)sc, c->array_cols);
    return n * (t + ra + ca - 2 + (stationary ? ra : 0));
}

/* The operand matrices of one group: positions, window, filters. */
static void operands(const problem *pb, double *pixels, double *window, double *filters)
{
    const long *d = pb->d;
    *pixels = (double)d[DN] * (double)d[DP] * (double)d[DQ];
    *window = (double)d[DC] * (double)d[DR] * (double)d[DS];
    *filters = (double)d[DK];
}

static void finish(const plat_chiplet *c, const problem *pb, int elem_bytes, double cycles,
                   tally *t)
{
    t->compute = cycles;
    t->l2w[TW] = pb->base[TW];
    t->l2w[TI] = cost_input_elems(pb);
    t->l2r[TO] = pb->outputs;
    t->traffic = t->l2r[TW] + t->l2r[TI] + t->l2w[TO];
    t->cycles = cost_with_stalls(c, t->compute, t->traffic, elem_bytes);
    t->x = c->array_cols, t->y = c->array_rows;
    cost_l1_per_mac(pb->work, t);
}

void cost_systolic_os(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t)
{
    double g = (double)pb->d[DG], pixels, window, filters;
    operands(pb, &pixels, &window, &filters);
    t->l2r[TI] = g * (double)cost_ceil_div((long)filters, c->array_cols) * window * pixels;
    t->l2r[TW] = g * (double)cost_ceil_div((long)pixels, c->array_rows) * window * filters;
    t->l2w[TO] = g * pixels * filters;
    finish(c, pb, elem_bytes, fold_cycles(c, g, pixels, filters, window, 0), t);
}

void cost_systolic_ws(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t)
{
    double g = (double)pb->d[DG], pixels, window, filters;
    operands(pb, &pixels, &window, &filters);
    t->l2r[TI] = g * (double)cost_ceil_div((long)filters, c->array_cols) * pixels * window;
    t->l2r[TW] = g * window * filters;
    t->l2w[TO] = g * (double)cost_ceil_div((long)window, c->array_rows) * pixels * filters;
    finish(c, pb, elem_bytes, fold_cycles(c, g, window, filters, pixels, 1), t);
}

void cost_systolic_is(const plat_chiplet *c, const problem *pb, int elem_bytes, tally *t)
{
    double g = (double)pb->d[DG], pixels, window, filters;
    operands(pb, &pixels, &window, &filters);
    t->l2r[TI] = g * window * pixels;
    t->l2r[TW] = g * (double)cost_ceil_div((long)pixels, c->array_cols) * filters * window;
    t->l2w[TO] = g * (double)cost_ceil_div((long)window, c->array_rows) * filters * pixels;
    finish(c, pb, elem_bytes, fold_cycles(c, g, window, pixels, filters, 1), t);
}
