/* des_xml.c - the package as a SimGrid platform file.
 *
 * The C API of SimGrid 3.32 cannot build a platform, so the simulation
 * writes one: chiplets and DRAM channels are hosts (chiplet speed = clock,
 * so one flop is one cycle), the links are the network level's (nop.h),
 * and the routes are nop_route's. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "anonfile.h"
#include "des_int.h"

void des_host_name(const des_ctx *c, int h, char *buf, size_t size)
{
    if (h < c->p->nchiplets)
        snprintf(buf, size, "c%d", h);
    else
        snprintf(buf, size, "d%d", h - c->p->nchiplets);
}

/* Full routes, and only for the host pairs some flow uses: a mesh of N
   chiplets would otherwise cost N^2 routes to parse. */
static int write_xml(const des_ctx *c, FILE *fp)
{
    const plat_t *p = c->p;
    int n = c->nhosts;
    unsigned char *used = calloc((size_t)n * (size_t)n + 1, 1);
    int *first = malloc(((size_t)n * (size_t)n + 1) * sizeof *first);
    if (!used || !first) {
        free(used);
        free(first);
        return ERR_INTERNAL;
    }
    for (int i = 0; i < c->nflows; i++) {
        const des_flow *f = &c->flows[i];
        if (f->moved && !used[f->from * n + f->to]) {
            used[f->from * n + f->to] = 1;
            first[f->from * n + f->to] = i;
        }
    }
    fprintf(fp, "<?xml version='1.0'?>\n"
                "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
                "<platform version=\"4.1\">\n<zone id=\"mcm\" routing=\"Full\">\n");
    char name[32];
    for (int h = 0; h < n; h++) {
        des_host_name(c, h, name, sizeof name);
        double speed = h < p->nchiplets ? p->chiplets[h].clock_hz : 1.0;
        fprintf(fp, "<host id=\"%s\" speed=\"%.17gf\"/>\n", name, speed);
    }
    if (c->level->write_links)
        c->level->write_links(fp, p);
    for (int a = 0; c->level->write_links && a < n; a++)
        for (int b = 0; b < n; b++) {
            if (!used[a * n + b])
                continue;
            const des_flow *f = &c->flows[first[a * n + b]];
            char bn[32];
            des_host_name(c, a, name, sizeof name);
            des_host_name(c, b, bn, sizeof bn);
            fprintf(fp, "<route src=\"%s\" dst=\"%s\" symmetrical=\"NO\">", name, bn);
            for (int k = 0; k < f->nroute; k++) {
                char id[32];
                nop_link_id(c->route[f->route0 + k], id, sizeof id);
                fprintf(fp, "<link_ctn id=\"%s\"/>", id);
            }
            fprintf(fp, "</route>\n");
        }
    fprintf(fp, "</zone>\n</platform>\n");
    free(used);
    free(first);
    return ERR_OK;
}

/* Writes the platform to an anonymous file (anonfile.h) that *FD keeps
   open and PATH names. */
int des_write_platform(const des_ctx *c, int *fd, char *path, size_t size, err_t *e)
{
    FILE *fp;
    int rc = anon_create("mcmsim-platform.xml", fd, &fp, path, size, e);
    if (rc)
        return rc;
    rc = write_xml(c, fp);
    if (ferror(fp))
        rc = ERR_INTERNAL;
    if (fclose(fp) != 0)
        rc = ERR_INTERNAL;
    if (rc) {
        close(*fd);
        *fd = -1;
        return err_internal(e, "cannot write the SimGrid platform file");
    }
    return ERR_OK;
}
