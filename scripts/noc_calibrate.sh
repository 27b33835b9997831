#!/bin/sh
# noc_calibrate.sh - builds the library and scripts/noc_calibrate.c, then
# prints the flit engine against BookSim2's calibration runs. Run from the
# repository root.
set -e
make --no-print-directory build/libmcm.a >/dev/null
cc -std=c11 -D_DEFAULT_SOURCE -O2 -Isim scripts/noc_calibrate.c build/libmcm.a -lm -o build/noc_calibrate
exec build/noc_calibrate
