# SPDX-License-Identifier: GPL-2.0
#
# The benchmark's chart: copies per second against N, one line per
# contestant, one panel per frame size.
#   gnuplot -e "dat='results/bench-plot.dat'; out='results/bench.png'; \
#               sizes='64 1500'; kernel='...'" bench/plot.gp
# Data sets in dat: index size_i * 4 + contestant_i (mcfw ipmr relay floor).

names = "mcfw ipmr relay floor"
colors = "#1f77b4 #d62728 #2ca02c #7f7f7f"
nsizes = words(sizes)

set terminal pngcairo size (640 * nsizes), 480 font ",10"
set output out
set multiplot layout 1, nsizes title sprintf("mcfw benchmark, kernel %s (QEMU TCG): copies per second out, medians", kernel)
set logscale x 2
set logscale y 10
set xlabel "outputs N"
set ylabel "copies per second"
set grid
set key top left
set xrange [0.8:300]
set format y "%.0s%c"
do for [s = 1:nsizes] {
	set title sprintf("%s-byte frames, 1 route", word(sizes, s))
	plot for [c = 1:4] dat index ((s - 1) * 4 + c - 1) using 1:2 \
		with linespoints lw 2 pt 7 lc rgb word(colors, c) title word(names, c)
}
unset multiplot
