#!/bin/sh
# Shows that each check of the lab's scenario can fail: for every fault
# of runtime/lab_fault.h, the runtime is built with it and the scenario
# run; the checks listed for the fault must report LAB FAIL, and the run
# must fail.  Every check of the scenario is named by some fault.
#
#   tests/lab/faults.sh ARCH      in the lab (make lab LAB_FAULT=...)
#   tests/lab/faults.sh host      in namespaces here (e2e/lab_scenario)
#   FAULTS="nft undo" tests/lab/faults.sh ...    only those
set -u
WHERE=$1
cd "$(dirname "$0")/../.."
# fault: the checks it must fail
EXPECT="fail:apply,gpsd-same-network,drift-repair
nft:masquerade,gpsd-other-network
dnsmasq:dhcp-lease
dhcpc:wan-dhcp
noop:noop-reapply
check:drift-check
repair:drift-repair
undo:rollback-exact
recover:kill-recover
confirm:confirm-revert
rss:rss-50-instances
size:size"
bad=0
for line in $EXPECT; do
	f=${line%%:*} want=${line#*:}
	case " ${FAULTS:-$f} " in *" $f "*) ;; *) continue ;; esac
	[ "$WHERE" = host ] && [ "$f" = size ] && continue	# checked by make lab
	log=build/lab/fault-$WHERE-$f.log
	mkdir -p build/lab
	if [ "$WHERE" = host ]; then
		make -s --no-print-directory BUILD=build/fault-$f \
		    LAB_FAULT=$f build/fault-$f/edgenet-apply &&
		EDGENET_APPLY=$PWD/build/fault-$f/edgenet-apply \
		    EDGENETC=$PWD/build/edgenetc bash tests/e2e/lab_scenario.sh \
		    > "$log" 2>&1
	else
		make --no-print-directory lab ARCH="$WHERE" LAB_FAULT="$f" > "$log" 2>&1
	fi
	rc=$?
	failed=$(sed -n 's/^\(.*: \)\{0,1\}LAB FAIL \([^:]*\):.*/\2/p' "$log" | tr '\n' ' ')
	miss=""
	for c in $(echo "$want" | tr ',' ' '); do
		case " $failed " in *" $c "*) ;; *) miss="$miss $c" ;; esac
	done
	if [ "$rc" -ne 0 ] && [ -z "$miss" ]; then
		echo "fault $f: run failed as it must; failed checks: $failed"
	else
		echo "fault $f: exit $rc, failed: ${failed:-none}; expected to fail:$miss ($log)"
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "faults: every fault made its checks fail"
exit $bad
