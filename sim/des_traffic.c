/* des_traffic.c - synthetic traffic on the flow level: the NoP alone.
 *
 * Every router is a node (id x + width * y, as BookSim numbers them) with
 * an injection and an ejection port; the bytes a node sends another over
 * the whole batch are one fluid flow, and every flow starts at time 0: the
 * fluid max-min ideal that a flit-level drain time is compared with
 * (sending a source's packets one after another instead changes nothing
 * a fluid model can see but the order, which max-min sharing ignores).
 * The links are the flow level's: CM02, unit factors, no latency. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "anonfile.h"
#include "des_int.h"
#include "des_traffic.h"

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

/* The platform in an anonymous file (anonfile.h) that *FD keeps open and
   PATH names. */
static int write_platform(const plat_t *p, const dtr_nodes *nd, const double *volume, int *fd,
                          char *path, size_t size, err_t *e)
{
    FILE *fp;
    int rc = anon_create("mcmsim-traffic.xml", fd, &fp, path, size, e);
    if (rc)
        return rc;
    int *route = malloc((size_t)nop_route_cap(p) * sizeof *route);
    if (route)
        write_xml(fp, p, nd, volume, route);
    free(route);
    int bad = !route || ferror(fp);
    if (fclose(fp) != 0 || bad) {
        close(*fd);
        *fd = -1;
        return err_internal(e, "cannot write the SimGrid platform file");
    }
    return ERR_OK;
}

int des_traffic_flow(const plat_t *p, const dtr_nodes *nd, const double *volume, int verbose,
                     double *finish, err_t *e)
{
    int n = nd->n;
    char path[64];
    int fd, rc = write_platform(p, nd, volume, &fd, path, sizeof path, e);
    if (rc)
        return rc;
    eval_opts o = {.verbose = verbose};
    des_engine_init(&o, &nop_level_flow);
    simgrid_load_platform(path);
    close(fd); /* the file goes with it */
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
