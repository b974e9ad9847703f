#!/usr/bin/env python3
"""The baseline for bench/alloc: the allocator an orchestrator team
typically writes with Python's ipaddress module -- walk the pool's
subnets() in order and hand out the first one not in a set of taken
blocks.  The k-th allocation walks k subnets, so n allocations cost
O(n^2).

  baseline.py POOL PREFIX COUNT BUDGET_SECONDS

Allocates up to COUNT blocks of /PREFIX from POOL, stopping early when
BUDGET_SECONDS have passed.  Prints one JSON object: how many were done,
the mean ns per allocation over those, the bytes per allocation of the
taken set (tracemalloc, on a separate run of at most 2,000), and, when it
stopped early, the mean ns per allocation extrapolated to COUNT from the
quadratic cost (labelled "extrapolated").
"""
import ipaddress
import json
import sys
import time
import tracemalloc


def allocate(pool, new_prefix, taken):
    for net in pool.subnets(new_prefix=new_prefix):
        if net not in taken:
            taken.add(net)
            return net
    raise RuntimeError("pool %s exhausted" % pool)


def run(pool, prefix, count, budget):
    taken = set()
    start = time.perf_counter()
    done = 0
    while done < count:
        allocate(pool, prefix, taken)
        done += 1
        if done % 16 == 0 and time.perf_counter() - start > budget:
            break
    return done, time.perf_counter() - start


def bytes_per_alloc(pool, prefix, n):
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    taken = set()
    for _ in range(n):
        allocate(pool, prefix, taken)
    used = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    return used / n


def main():
    pool = ipaddress.ip_network(sys.argv[1])
    prefix = int(sys.argv[2])
    count = int(sys.argv[3])
    budget = float(sys.argv[4])
    done, secs = run(pool, prefix, count, budget)
    out = {
        "pool": str(pool),
        "prefix": prefix,
        "count": count,
        "done": done,
        "seconds": round(secs, 3),
        "ns_per_alloc_measured": round(secs * 1e9 / done, 1),
        "bytes_per_alloc": round(bytes_per_alloc(pool, prefix,
                                                 min(done, 2000)), 1),
        "python": sys.version.split()[0],
    }
    if done < count:
        # t(n) = c n^2 / 2: the mean per allocation grows linearly
        out["ns_per_alloc_extrapolated"] = round(
            secs * 1e9 / done * count / done, 1)
        out["seconds_extrapolated"] = round(secs * (count / done) ** 2, 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
