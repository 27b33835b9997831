/* bench_simgrid_raw.c - plain SimGrid's event rate, the yardstick for des.c.
 *
 * No mcmsim logic: four hosts on a 2x2 mesh (500 MHz; 100 GB/s, 35 ns
 * directed links, XY routes), configured as des.c configures SimGrid (CM02,
 * unit factors). One actor per host in a ring n00 -> n10 -> n11 -> n01 ->
 * n00; each executes, sends its result to the next host with a detached put
 * and receives from the previous one, N/4 times. That makes N executions and
 * N transfers, each transfer one mesh hop.
 *
 * usage: bench_simgrid_raw [N]   (default 100000)
 * prints one line: N, events (executions + transfers), wall seconds, events/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <simgrid/actor.h>
#include <simgrid/comm.h>
#include <simgrid/engine.h>
#include <simgrid/host.h>
#include <simgrid/mailbox.h>
#include <xbt/config.h>
#include <xbt/log.h>

#define CYCLES 2000.0     /* per execution: 4 us at 500 MHz */
#define BYTES 100000      /* per transfer: 1 us at 100 GB/s */

/* Ring order of the mesh positions (x, y) and the links between them. */
static const char *const host[4] = {"n00", "n10", "n11", "n01"};

static const char *const platform =
    "<?xml version='1.0'?>\n"
    "<!DOCTYPE platform SYSTEM \"https://simgrid.org/simgrid.dtd\">\n"
    "<platform version=\"4.1\">\n<zone id=\"mesh\" routing=\"Full\">\n"
    "<host id=\"n00\" speed=\"500000000f\"/><host id=\"n10\" speed=\"500000000f\"/>\n"
    "<host id=\"n11\" speed=\"500000000f\"/><host id=\"n01\" speed=\"500000000f\"/>\n"
    "<link id=\"e0\" bandwidth=\"100GBps\" latency=\"35ns\"/>\n"
    "<link id=\"e1\" bandwidth=\"100GBps\" latency=\"35ns\"/>\n"
    "<link id=\"e2\" bandwidth=\"100GBps\" latency=\"35ns\"/>\n"
    "<link id=\"e3\" bandwidth=\"100GBps\" latency=\"35ns\"/>\n"
    "<route src=\"n00\" dst=\"n10\" symmetrical=\"NO\"><link_ctn id=\"e0\"/></route>\n"
    "<route src=\"n10\" dst=\"n11\" symmetrical=\"NO\"><link_ctn id=\"e1\"/></route>\n"
    "<route src=\"n11\" dst=\"n01\" symmetrical=\"NO\"><link_ctn id=\"e2\"/></route>\n"
    "<route src=\"n01\" dst=\"n00\" symmetrical=\"NO\"><link_ctn id=\"e3\"/></route>\n"
    "</zone>\n</platform>\n";

typedef struct {
    int index;
    long rounds;
} ring_actor;

static void ring_main(int argc, char **argv)
{
    (void)argc, (void)argv;
    const ring_actor *a = sg_actor_self_get_data();
    sg_mailbox_t next = sg_mailbox_by_name(host[(a->index + 1) % 4]);
    sg_mailbox_t mine = sg_mailbox_by_name(host[a->index]);
    static char payload = 1; /* SimGrid refuses a null payload */
    for (long k = 0; k < a->rounds; k++) {
        sg_actor_execute(CYCLES);
        sg_comm_detach(sg_mailbox_put_init(next, &payload, BYTES), NULL);
        sg_mailbox_get(mine);
    }
}

static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 100000;
    if (n < 4) {
        fprintf(stderr, "usage: %s [N >= 4]\n", argv[0]);
        return 2;
    }
    char path[] = "/tmp/bench-simgrid-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, platform, strlen(platform)) != (ssize_t)strlen(platform)) {
        perror("platform file");
        return 1;
    }
    close(fd);
    double t0 = wall();
    xbt_log_control_set("root.thresh:critical");
    int one = 1;
    char *args[] = {argv[0], NULL};
    simgrid_init(&one, args);
    sg_cfg_set_string("network/model", "CM02");
    sg_cfg_set_double("network/latency-factor", 1.0);
    sg_cfg_set_double("network/bandwidth-factor", 1.0);
    sg_cfg_set_double("network/weight-S", 0.0);
    sg_cfg_set_boolean("network/crosstraffic", "no");
    simgrid_load_platform(path);
    unlink(path);
    ring_actor actors[4];
    for (int i = 0; i < 4; i++) {
        actors[i] = (ring_actor){.index = i, .rounds = n / 4};
        sg_actor_t a = sg_actor_init(host[i], sg_host_by_name(host[i]));
        sg_actor_set_data(a, &actors[i]);
        sg_actor_start(a, ring_main, 0, NULL);
    }
    simgrid_run();
    double dt = wall() - t0;
    long events = 2 * (n / 4) * 4;
    printf("bench_simgrid_raw N=%ld events=%ld wall_s=%.4f events_per_s=%.0f simulated_s=%.6g\n",
           n / 4 * 4, events, dt, (double)events / dt, simgrid_get_clock());
    fflush(stdout);
    _exit(0); /* SimGrid's teardown is not what is measured */
}
