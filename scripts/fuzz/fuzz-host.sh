#!/usr/bin/env bash
# Runs each armvm-fuzz harness for SECONDS under libFuzzer (docs/FUZZING.md); `make fuzz-host`.
# usage: fuzz-host.sh BINARY SECONDS HARNESS...
# The committed seeds (Fuzz/corpus/NAME) are read, never written: what the fuzzer adds goes to
# .build-fuzz/corpus/NAME, crashes and hangs to .build-fuzz/artifacts/. Exits 1 if any harness
# found something; every harness runs either way.
set -uo pipefail
bin=$1 seconds=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$root/.build-fuzz
failed=()
for h in "$@"; do
    mkdir -p "$work/corpus/$h" "$work/artifacts"
    log=$work/artifacts/$h.log
    # The Swift runtime's backtracer would hold a crashed run open; libFuzzer reports crashes
    # itself. -timeout: an input running 10 s is a hang, saved as timeout-*.
    SWIFT_BACKTRACE=enable=no "$bin" --harness="$h" "$work/corpus/$h" "$root/Fuzz/corpus/$h" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
        -artifact_prefix="$work/artifacts/$h-" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
    if [ $rc -eq 0 ]; then
        echo "fuzz-host $h: ${runs:-?} executions, ${rate:-?}/s, ${cov:-cov: ?}, no crash"
    else
        echo "fuzz-host $h: FAILED (status $rc); log $log:"
        grep -E 'ERROR|Fatal error|SUMMARY|Test unit written|finding' "$log" | head -20
        failed+=("$h")
    fi
done
if [ ${#failed[@]} -gt 0 ]; then
    echo "fuzz-host: findings in ${failed[*]}: see docs/FUZZING.md, 'Adding a finding'"
    exit 1
fi
