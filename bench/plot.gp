# SPDX-License-Identifier: GPL-2.0
#
# The benchmark's chart: copies per second against N, one line per
# contestant, one panel per frame size.
#   gnuplot -e "dat='results/bench-plot.dat'; out='results/bench.png'; \
#               sizes='64 1500'; kernel='...'" bench/plot.gp
# With term='dumb' (and out a .txt file): the same as text charts.
# Data sets in dat: index size_i * 4 + contestant_i (mcfw ipmr relay floor).

names = "mcfw ipmr relay floor"
colors = "#1f77b4 #d62728 #2ca02c #7f7f7f"
nsizes = words(sizes)

text = exists("term") && term eq "dumb"
if (text) {
	# One text chart per frame size, for the README.
	set terminal dumb size 78, 24
	set output out
} else {
	set terminal pngcairo size (640 * nsizes), 480 font ",10"
	set output out
	set multiplot layout 1, nsizes title sprintf("mcfw benchmark, kernel %s (QEMU TCG): copies per second out, medians", kernel)
}
set logscale x 2
set logscale y 10
set xlabel "outputs N"
set ylabel "copies per second"
set grid
set key top left
set xrange [0.8:300]
set format y "%.0s%c"
if (text) {
	unset grid
	set key bottom right
}
do for [s = 1:nsizes] {
	set title sprintf("%s-byte frames, 1 route: copies/s against N", word(sizes, s))
	if (text) {
		plot for [c = 1:4] dat index ((s - 1) * 4 + c - 1) using 1:2 \
			with linespoints title word(names, c)
	} else {
		plot for [c = 1:4] dat index ((s - 1) * 4 + c - 1) using 1:2 \
			with linespoints lw 2 pt 7 lc rgb word(colors, c) title word(names, c)
	}
}
if (!text) {
	unset multiplot
}
