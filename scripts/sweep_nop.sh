#!/bin/sh
# Link contention study: the default schedule on het-2x2 with the NoP
# bandwidth (every link and every chiplet's interface, as SCAR gives it per
# chiplet) swept from 200 GB/s down to 6.25 GB/s, one `mcmsim sweep`. For
# each bandwidth a CSV row: the closed-form and simulated figures
# (makespan, throughput, energy, its static part, EDP) with the estimate's
# error, and the busiest link of the simulation with its utilisation and peak
# concurrent flows. Other arguments go to the sweep (-j N, --nop packet).
# Usage (repository root, after make): sh scripts/sweep_nop.sh [-j N] [--nop packet]
M=${MCMSIM:-build/mcmsim}
exec "$M" sweep -p platforms/het-2x2.ini -s workloads/schedules/het-2x2-gpt2-resnet50.ini \
    --set link_bandwidth+interface_bandwidth=200GB/s,100GB/s,50GB/s,25GB/s,12.5GB/s,6.25GB/s "$@"
