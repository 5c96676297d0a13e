#!/usr/bin/env python3
"""Generate the sample traces of data/traces/ deterministically.

    cd data/traces && python3 make_traces.py

writes walk-building10.gpx, elevator.gpx, car.gpx, car.csv and, with
gpsbabel installed, walk-building10.nmea (gpsbabel -o nmea). Nothing is
random: running it again gives the same bytes. It also prints the facts
the README and the unit tests rely on (counts, where the walk crosses the
building's edges). See README.md for what each trace is for.
"""
import math
import shutil
import subprocess
import sys

# Building 10 of draft-mahy-geopriv-sip-loc-pkg-01 section 3 (2-D polygon,
# lat lon; the draft's west edge is slightly slanted: -121.93243 north,
# -121.93242 south). The 3-D version is a prism from 0 to 25 m.
BUILDING = [(37.41188, -121.93243), (37.41188, -121.93132),
            (37.41142, -121.93132), (37.41142, -121.93242)]
LAT0 = 37.41165  # middle of the building, north-south
T0 = 1795255200  # 2026-11-21T10:00:00Z


def m_per_deg(lat):
    """Metres per degree of latitude and of longitude at lat (WGS 84)."""
    p = math.radians(lat)
    mlat = 111132.92 - 559.82 * math.cos(2 * p) + 1.175 * math.cos(4 * p)
    mlon = 111412.84 * math.cos(p) - 93.5 * math.cos(3 * p)
    return mlat, mlon


def iso(t):
    s = int(t)
    frac = t - s
    days, rem = divmod(s, 86400)
    # civil_from_days (H. Hinnant)
    z = days + 719468
    era = z // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + 3 if mp < 10 else mp - 9
    y += m <= 2
    out = "%04d-%02d-%02dT%02d:%02d:%02d" % (y, m, d, rem // 3600,
                                            rem // 60 % 60, rem % 60)
    if frac:
        out += ("%.3f" % frac)[1:]
    return out + "Z"


def inside(lat, lon):
    """Planar point-in-polygon (even-odd) on lon/lat: fine at 100 m."""
    n = len(BUILDING)
    c = False
    for i in range(n):
        (y1, x1), (y2, x2) = BUILDING[i], BUILDING[(i + 1) % n]
        if (y1 > lat) != (y2 > lat):
            x = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x:
                c = not c
    return c


def edge_dist_m(lat, lon):
    """Distance in metres from the point to the nearest building edge."""
    mlat, mlon = m_per_deg(lat)
    best = 1e9
    n = len(BUILDING)
    for i in range(n):
        (y1, x1), (y2, x2) = BUILDING[i], BUILDING[(i + 1) % n]
        ax, ay = (x1 - lon) * mlon, (y1 - lat) * mlat
        bx, by = (x2 - lon) * mlon, (y2 - lat) * mlat
        dx, dy = bx - ax, by - ay
        t = max(0.0, min(1.0, -(ax * dx + ay * dy) / (dx * dx + dy * dy)))
        best = min(best, math.hypot(ax + t * dx, ay + t * dy))
    return best


def gpx(path, name, fixes):
    """fixes: dicts with lat, lon, ele, t, and optional speed, course."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<gpx version="1.0" creator="locd data/traces/make_traces.py"',
           '  xmlns="http://www.topografix.com/GPX/1/0">',
           '<trk>', '  <name>%s</name>' % name, '<trkseg>']
    for f in fixes:
        out.append('<trkpt lat="%.7f" lon="%.7f">' % (f["lat"], f["lon"]))
        out.append('  <ele>%.1f</ele>' % f["ele"])
        out.append('  <time>%s</time>' % iso(f["t"]))
        if "course" in f:
            out.append('  <course>%.1f</course>' % f["course"])
        if "speed" in f:
            out.append('  <speed>%.2f</speed>' % f["speed"])
        # fix and sat make gpsbabel write valid NMEA (status A, quality 1)
        out.append('  <fix>3d</fix>')
        out.append('  <sat>8</sat>')
        out.append('</trkpt>')
    out += ['</trkseg>', '</trk>', '</gpx>', '']
    with open(path, "w") as f:
        f.write("\n".join(out))


def walk():
    """~1.4 m/s, a fix every 2 s: 150 m west of the building, east
    through it, out on the east side, then back west into it."""
    mlat, mlon = m_per_deg(LAT0)
    v, dt = 1.4, 2.0
    west = -121.932425  # west edge at LAT0
    east = -121.93132
    lon = west - 150.0 / mlon
    fixes = []
    t = T0
    # east: to 30 m past the east edge
    turn = east + 30.0 / mlon
    while lon < turn:
        fixes.append(dict(lat=LAT0, lon=lon, ele=1.5, t=t, speed=v,
                          course=90.0))
        lon += v * dt / mlon
        t += dt
    # back west: 40 m inside the east edge, then the trace ends
    stop = east - 40.0 / mlon
    while lon > stop:
        fixes.append(dict(lat=LAT0, lon=lon, ele=1.5, t=t, speed=v,
                          course=270.0))
        lon -= v * dt / mlon
        t += dt
    return fixes


def elevator():
    """Standing in the middle of Building 10, 0 -> 24 m -> 0 m in 3 m
    steps, a fix every 4 s (64 s)."""
    alts = list(range(0, 25, 3)) + list(range(21, -1, -3))
    lat, lon = LAT0, (-121.93243 + -121.93132) / 2
    return [dict(lat=lat, lon=lon, ele=float(a), t=T0 + 600 + 4 * i,
                 speed=0.0) for i, a in enumerate(alts)]


def car():
    """~2 km drive, a fix every 1 s, speed 0 -> 25 -> 5 -> 20 m/s."""
    # (seconds, speed at the end); speed is linear inside a phase
    phases = [(10, 25.0), (30, 25.0), (10, 5.0), (20, 5.0), (10, 20.0),
              (40, 20.0)]
    speeds = [0.0]
    for secs, end in phases:
        start = speeds[-1]
        for i in range(1, secs + 1):
            speeds.append(start + (end - start) * i / secs)
    lat, lon = 37.40900, -121.94000
    fixes = []
    turn_at = 10 + 30 + 10 + 10  # half-way through the slow part: north
    for i, s in enumerate(speeds):
        course = 90.0 if i < turn_at else 0.0
        fixes.append(dict(lat=lat, lon=lon, ele=10.0, t=T0 + 1200 + i,
                          speed=s, course=course))
        if i + 1 < len(speeds):
            d = (s + speeds[i + 1]) / 2  # metres in the next second
            mlat, mlon = m_per_deg(lat)
            if course == 90.0:
                lon += d / mlon
            else:
                lat += d / mlat
    return fixes


def csv(path, fixes):
    with open(path, "w") as f:
        f.write("# car.gpx as CSV (data/traces/make_traces.py)\n")
        f.write("time,lat,lon,alt,speed\n")
        for x in fixes:
            f.write("%s,%.7f,%.7f,%.1f,%.2f\n" % (iso(x["t"]), x["lat"],
                                                 x["lon"], x["ele"],
                                                 x["speed"]))


def main():
    w = walk()
    gpx("walk-building10.gpx", "walk through Building 10", w)
    states = [inside(f["lat"], f["lon"]) for f in w]
    print("walk: %d fixes, %.0f s" % (len(w), w[-1]["t"] - w[0]["t"]))
    for i in range(1, len(w)):
        if states[i] != states[i - 1]:
            print("  fix %d (%s): %s" % (i, iso(w[i]["t"]),
                                         "enters" if states[i] else
                                         "leaves"))
    print("  closest fix to an edge: %.2f m" %
          min(edge_dist_m(f["lat"], f["lon"]) for f in w))
    e = elevator()
    gpx("elevator.gpx", "elevator in Building 10", e)
    print("elevator: %d fixes, %.0f s, inside: %s" %
          (len(e), e[-1]["t"] - e[0]["t"],
           all(inside(f["lat"], f["lon"]) for f in e)))
    c = car()
    gpx("car.gpx", "drive", c)
    csv("car.csv", c)
    dist = 0.0
    for a, b in zip(c, c[1:]):
        dist += (a["speed"] + b["speed"]) / 2
    print("car: %d fixes, %.0f s, %.0f m" %
          (len(c), c[-1]["t"] - c[0]["t"], dist))
    if shutil.which("gpsbabel"):
        subprocess.run(["gpsbabel", "-i", "gpx", "-f", "walk-building10.gpx",
                        "-o", "nmea", "-F", "walk-building10.nmea"],
                       check=True)
        print("walk-building10.nmea written by gpsbabel")
    else:
        print("gpsbabel absent: walk-building10.nmea not rebuilt",
              file=sys.stderr)


if __name__ == "__main__":
    main()
