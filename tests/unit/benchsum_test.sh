#!/usr/bin/env bash
# The benchmark's summary (tests/bench/tools/benchsum.c) on known rows:
# ratios are taken boot by boot and summed up as their median with an
# interval that holds it; a boot without a figure drops out of that ratio
# only; too few boots give no verdict; a malformed row is refused by line;
# the plots' script and data are written.
# Prints "ok NAME" / "FAIL NAME: why" and ends with "unit: N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/unit/check.sh
sum=build/tools/benchsum
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Five boots; scxd's p99 is 0.5, 0.4, 0.6, 0.3, 0.45 of EEVDF's; the
# hogs' ops are missing in boot 3; one configuration of two boots only.
{
	for b in 1 2 3 4 5; do
		e=$((b * 1000))
		echo "$b iso eevdf p99_us $e"
		echo "$b iso idle p99_us $((e / 4))"
		echo "$b iso eevdf cdf_0.5_us $((e / 10))"
		echo "$b iso scxd cdf_0.5_us $((e / 20))"
	done
	echo "1 iso scxd p99_us 500"
	echo "2 iso scxd p99_us 800"
	echo "3 iso scxd p99_us 1800"
	echo "4 iso scxd p99_us 1200"
	echo "5 iso scxd p99_us 2250"
	for b in 1 2 4 5; do
		echo "$b iso eevdf hog_ops_s 100"
		echo "$b iso scxd hog_ops_s 110"
	done
	echo "1 small eevdf switch_s 2"
	echo "1 small scxd switch_s 4"
	echo "2 small eevdf switch_s 2"
	echo "2 small scxd switch_s 3"
} >"$tmp/rows"
$sum --meta qemu=10.0.2 --txt "$tmp/r.txt" --json "$tmp/r.json" --plot "$tmp" <"$tmp/rows"
rc=$?
check runs_on_good_rows "exit $rc" test $rc = 0
line=$(grep 'p99_us *scxd / eevdf ' "$tmp/r.txt")
check the_ratio_is_the_median_of_per_boot_ratios "$line" \
	grep -Eq '0\.45 \[0\.[0-9]+, 0\.[0-9]+\] +scxd better +per boot: 0\.50 0\.40 0\.60 0\.30 0\.45$' <<<"$line"
lo=$(sed -n 's/.*0\.45 \[\(0\.[0-9]*\), \(0\.[0-9]*\)\].*/\1 \2/p' <<<"$line")
check the_interval_holds_the_median_within_the_range "$lo" \
	awk -v s="$lo" 'BEGIN { split(s, a, " "); exit !(a[1] >= 0.3 && a[1] <= 0.45 && a[2] >= 0.45 && a[2] <= 0.6) }'
check a_missing_figure_drops_one_boot "$(grep 'hog_ops_s *scxd / eevdf' "$tmp/r.txt")" \
	grep -Eq 'hog_ops_s +scxd / eevdf +1\.10 .*per boot: 1\.10 1\.10 1\.10 1\.10$' "$tmp/r.txt"
check two_boots_give_no_verdict "$(grep switch_s "$tmp/r.txt")" \
	grep -Eq 'switch_s +scxd / eevdf +1\.75 .*too few boots' "$tmp/r.txt"
check the_meta_and_the_ratios_are_in_the_json "$(head -c 300 "$tmp/r.json")" \
	grep -q '"qemu":[[:space:]]*"10.0.2"' "$tmp/r.json"
check idle_is_a_ratio_too "$(grep 'p99_us *scxd / idle' "$tmp/r.txt")" \
	grep -Eq 'p99_us +scxd / idle +1\.80 ' "$tmp/r.txt"
check the_plots_have_a_script_and_data "$(ls "$tmp")" \
	test -s "$tmp/plots.gp" -a -s "$tmp/cdf-iso.dat" -a -s "$tmp/ratios.dat"

echo "1 iso scxd p99_us many" >"$tmp/bad"
err=$($sum --txt "$tmp/x.txt" --json "$tmp/x.json" <"$tmp/bad" 2>&1)
rc=$?
check a_malformed_row_is_refused_by_line "exit $rc: $err" \
	grep -q 'row 1: want BOOT WORKLOAD CONFIG KEY NUMBER' <<<"$err"

finish
