#!/bin/sh
# Gives one group read access to the RAPL energy counters (powercap energy_uj).
# Runs as root when the agent starts (ExecStartPre=+ in wattprint-agent.service);
# the agent itself stays unprivileged.
#
# Since CVE-2020-8694 (Platypus) energy_uj is 0400 root:root, because
# fine-grained energy readings leak secrets across users. So we grant the
# agent's group, and never make the counters world-readable.
# The grant is lost when the rapl module is reloaded; restart the agent then.
#
# Usage: grant-rapl GROUP [SYSFS_ROOT]
# Exits 0 even when it cannot grant: the agent then reports RAPL as not
# readable (wattprint probe shows why) and falls back to its CPU estimate.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin

group=${1:-}
sysfs=${2:-/sys}
if [ -z "$group" ]; then
	echo "grant-rapl: usage: grant-rapl GROUP [SYSFS_ROOT]" >&2
	exit 0
fi
base=$sysfs/devices/virtual/powercap
if [ ! -d "$base" ]; then
	echo "grant-rapl: no $base: no RAPL on this host (or the intel_rapl_msr module is not loaded); nothing to grant" >&2
	exit 0
fi

# Zone paths never contain whitespace, so a plain read loop is safe. The loop
# runs in a pipe (no temporary file as root) and prints its two counts.
counts=$(find "$base" -name energy_uj -type f 2>/dev/null | {
	granted=0
	failed=0
	while read -r counter; do
		if chgrp "$group" "$counter" && chmod g+r,g-wx "$counter"; then
			granted=$((granted + 1))
		else
			failed=$((failed + 1))
		fi
		if [ -n "$(find "$counter" -perm -0004)" ]; then
			echo "grant-rapl: WARNING: $counter is world-readable, which reopens CVE-2020-8694; remove the rule that does it (often /etc/sysfs.conf or a udev rule)" >&2
		fi
	done
	echo "$granted $failed"
})
set -- $counts
echo "grant-rapl: group $group can read $1 energy counter(s) under $base; $2 failed" >&2
exit 0
