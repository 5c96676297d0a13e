# bench/plot_rates.gp: positions/s per fence set, locd vs PostGIS
# (bench/postgis.sh).
#   gnuplot -e "datafile='cases.dat'; outfile='x.png'; subtitle='...'" \
#       bench/plot_rates.gp
# cases.dat columns: "label" locd_cpu locd_wall batch_cpu batch_wall
# query_cpu query_wall (positions per second; _cpu over the CPU time of
# locd's thread or of the PostgreSQL server, _wall over elapsed time)
if (!exists("subtitle")) subtitle = ''
set terminal pngcairo size 900,600 font ",10"
set output outfile
set title "Geofencing: positions per second, one core\n" . subtitle
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set logscale y
set format y "10^{%L}"
set yrange [1000:*]
set ylabel "positions per second (log)"
set xlabel "fence set (same positions for locd and PostGIS)"
set grid ytics
set key outside below
plot datafile using 2:xtic(1) title "locd geo\\_fenceset\\_query (CPU)" \
	lc rgb "#7b1fa2", \
     '' using 4 title "PostGIS batch join (server CPU)" lc rgb "#e65100", \
     '' using 6 title "PostGIS query per position (server CPU)" \
	lc rgb "#1565c0", \
     '' using 7 title "PostGIS query per position (wall, pgbench)" \
	lc rgb "#90caf9"
