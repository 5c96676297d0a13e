# bench/plot_notify.gp: notification cost scaling (bench/notify_bench.sh
# full scaling).
#   gnuplot -e "wfile='watchers.dat'; ffile='fences.dat'; outfile='x.png';
#       subtitle='...'" bench/plot_notify.gp
# watchers.dat columns: watchers_per_target cpu_ms_per_update
#   us_per_notify (locd CPU from /proc)
# fences.dat columns: fences_per_filter tree_point_us tree_circle_us
#   scan_point_us scan_circle_us (lf_eval, thread CPU; bench/notify_fences)
if (!exists("subtitle")) subtitle = ''
set terminal pngcairo size 1200,520 font ",10"
set output outfile
set multiplot layout 1,2 title "locd: cost per position update as the \
load per target grows\n" . subtitle
set logscale xy
set format x "10^{%L}"
set grid
set key top left Left reverse box opaque
set title "subscriptions (watchers) on one target"
set xlabel "watchers per target"
set ylabel "CPU (ms per update, us per NOTIFY)"
plot wfile using 1:2 with linespoints lw 2 pt 7 lc rgb "#7b1fa2" \
	title "ms CPU per update (all NOTIFYs)", \
     wfile using 1:3 with linespoints lw 2 pt 5 lc rgb "#2e7d32" \
	title "us CPU per NOTIFY", \
     wfile using 1:(0.5 * $1) with lines dt 2 lc rgb "#9e9e9e" \
	title "linear (0.5 ms x watchers)"
set title "fences in one filter (catalog feature of N polygons)"
set xlabel "fences per filter"
set ylabel "microseconds per lf\\_eval"
set format y "10^{%L}"
plot ffile using 1:2 with linespoints lw 2 pt 7 lc rgb "#7b1fa2" \
	title "point fix, region index", \
     ffile using 1:4 with linespoints lw 1 pt 6 dt 2 lc rgb "#7b1fa2" \
	title "point fix, scan of every part", \
     ffile using 1:3 with linespoints lw 2 pt 5 lc rgb "#1565c0" \
	title "50 m circle, region index", \
     ffile using 1:5 with linespoints lw 1 pt 4 dt 2 lc rgb "#1565c0" \
	title "50 m circle, scan of every part"
unset multiplot
