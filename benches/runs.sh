#!/usr/bin/env bash
# Whole-command timings: runs a command N times (default 5) and prints the median wall time,
# CPU time (user + system) and peak resident memory, from GNU time's own measurements.
#
#   benches/runs.sh 5 target/release/qrconform self-test
#   benches/runs.sh 5 target/release/qrconform test dapp --target reference
#   benches/runs.sh 5 target/release/qrconform test dapp --protocol simplewallet --target reference
#
# The command's own output is discarded; a run that exits non-zero stops the measurement,
# so a broken build is never timed.
set -euo pipefail

if [ $# -lt 2 ] || ! [[ $1 =~ ^[1-9][0-9]*$ ]]; then
    echo "usage: benches/runs.sh N COMMAND [ARGS...]" >&2
    exit 2
fi
runs=$1
shift
if ! [ -x /usr/bin/time ]; then
    echo "benches/runs.sh: needs GNU time at /usr/bin/time (Debian package time)" >&2
    exit 2
fi

samples=$(mktemp)
trap 'rm -f "$samples"' EXIT
for i in $(seq "$runs"); do
    one=$(mktemp)
    if ! /usr/bin/time -f "%e %U %S %M" -o "$one" "$@" >/dev/null 2>&1; then
        echo "benches/runs.sh: run $i of '$*' failed" >&2
        rm -f "$one"
        exit 1
    fi
    read -r wall user sys rss <"$one"
    rm -f "$one"
    cpu=$(echo "$user + $sys" | bc)
    printf 'run %d: wall %s s, cpu %s s, peak rss %s KiB\n' "$i" "$wall" "$cpu" "$rss"
    echo "$wall $cpu $rss" >>"$samples"
done

median() { sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
printf 'median of %d: wall %s s, cpu %s s, peak rss %s KiB\n' "$runs" \
    "$(cut -d' ' -f1 "$samples" | median)" \
    "$(cut -d' ' -f2 "$samples" | median)" \
    "$(cut -d' ' -f3 "$samples" | median)"
