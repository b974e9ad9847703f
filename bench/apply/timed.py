#!/usr/bin/env python3
"""timed.py OUT CMD...: runs CMD under GNU time, appends "SECONDS MAXRSS_KB"
to OUT (wall time measured here, peak RSS of CMD itself from time -f %M:
the rusage of a python child would count python's pages copied at fork);
exits with CMD's code."""
import os, subprocess, sys, tempfile, time

fd, tmp = tempfile.mkstemp()
os.close(fd)
t = time.monotonic()
r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tmp] + sys.argv[2:])
dt = time.monotonic() - t
rss = int(open(tmp).read().split()[-1] or 0)
os.unlink(tmp)
with open(sys.argv[1], "a") as f:
    f.write("%.6f %d\n" % (dt, rss))
sys.exit(r.returncode)
