# bench/plot.gp: cost per position vs number of fences (bench/postgis.sh).
#   gnuplot -e "datafile='scale.dat'; outfile='x.png'; subtitle='...'" \
#       bench/plot.gp
# scale.dat columns: fences locd_ns linear_ns pg_query_us pg_cpu_us
# pg_exec_us pg_batch_cpu_us pairs_per_pos (ns = nanoseconds, us =
# microseconds, per position)
if (!exists("subtitle")) subtitle = ''
set terminal pngcairo size 900,640 font ",10"
set output outfile
set title "Geofencing: cost per position as fences grow (one core)\n" \
	. subtitle
set logscale xy
set xlabel "fences (small polygons, 5-12 vertices, same 39 x 55 km area)"
set ylabel "microseconds per position"
set format x "10^{%L}"
set format y "10^{%L}"
set grid
set key top left Left reverse box opaque
set yrange [0.01:1e6]
plot datafile using 1:($2/1000) with linespoints lw 2 pt 7 lc rgb "#7b1fa2" \
	title "locd geo\\_fenceset\\_query (STRtree + exact test), CPU", \
     datafile using 1:($3/1000) with linespoints lw 1 pt 6 dt 2 \
	lc rgb "#7b1fa2" \
	title "locd, linear scan over every fence (no index), CPU", \
     datafile using 1:4 with linespoints lw 2 pt 5 lc rgb "#1565c0" \
	title "PostGIS ST\\_Covers + GiST, prepared query per position, " \
	. "wall (pgbench)", \
     datafile using 1:5 with linespoints lw 1 pt 4 lc rgb "#1565c0" \
	title "  the same, server CPU per query", \
     datafile using 1:6 with linespoints lw 1 pt 3 dt 3 lc rgb "#2e7d32" \
	title "  the same, executor time only (pg\\_stat\\_statements)", \
     datafile using 1:7 with linespoints lw 1 pt 9 lc rgb "#e65100" \
	title "PostGIS, one batch join, server CPU per position"
