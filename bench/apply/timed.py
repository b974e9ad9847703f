#!/usr/bin/env python3
"""timed.py OUT CMD...: runs CMD under GNU time, appends "SECONDS MAXRSS_KB
CPU_SECONDS" to OUT (wall time measured here, peak RSS of CMD itself from
time -f %M: the rusage of a python child would count python's pages
copied at fork; CPU = user + system of CMD and of GNU time, which is
small); exits with CMD's code.

timed.py --direct OUT CMD...: CMD alone, started with posix_spawn (no
fork of python, no GNU time in between) and reaped with wait4: wall time
from spawn to exit and CMD's own user + system time; MAXRSS_KB is written
as 0 (a spawned child's maxrss inherits python's at exec)."""
import os, resource, subprocess, sys, tempfile, time

if sys.argv[1] == "--direct":
    out, argv = sys.argv[2], sys.argv[3:]
    t = time.monotonic()
    pid = os.posix_spawnp(argv[0], argv, os.environ)
    _, status, ru = os.wait4(pid, 0)
    dt = time.monotonic() - t
    with open(out, "a") as f:
        f.write("%.6f 0 %.6f\n" % (dt, ru.ru_utime + ru.ru_stime))
    sys.exit(os.waitstatus_to_exitcode(status))

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
