/* des_traffic.h - the NoP alone under synthetic traffic, at the flow level
 * (SimGrid): every router a node with its two ports, every (source,
 * destination) volume one fluid flow from time 0. Runs SimGrid, so at most
 * once in a process. */
#ifndef MCM_DES_TRAFFIC_H
#define MCM_DES_TRAFFIC_H

#include "platform.h"

/* The nodes: one per router of the mesh, with the bandwidth of its ports. */
typedef struct {
    int n;
    const double *inject_bw, *eject_bw;
} dtr_nodes;

/* Moves VOLUME[s * n + d] bytes from every node s to every node d at once;
   FINISH[s * n + d] receives when each pair's last byte arrived (0 when it
   sent nothing). */
int des_traffic_flow(const plat_t *p, const dtr_nodes *nd, const double *volume, int verbose,
                     double *finish, err_t *e);

#endif
