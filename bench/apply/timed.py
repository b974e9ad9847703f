#!/usr/bin/env python3
"""timed.py OUT CMD...: runs CMD under GNU time, appends "SECONDS MAXRSS_KB
CPU_SECONDS" to OUT (wall time measured here, peak RSS of CMD itself from
time -f %M: the rusage of a python child would count python's pages
copied at fork; CPU = user + system of CMD and of GNU time, which is
small); exits with CMD's code."""
import os, resource, subprocess, sys, tempfile, time

fd, tmp = tempfile.mkstemp()
os.close(fd)
u0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t = time.monotonic()
r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", tmp] + sys.argv[2:])
dt = time.monotonic() - t
u1 = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (u1.ru_utime - u0.ru_utime) + (u1.ru_stime - u0.ru_stime)
rss = int(open(tmp).read().split()[-1] or 0)
os.unlink(tmp)
with open(sys.argv[1], "a") as f:
    f.write("%.6f %d %.6f\n" % (dt, rss, cpu))
sys.exit(r.returncode)
