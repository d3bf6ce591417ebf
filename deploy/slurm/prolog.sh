#!/bin/sh
# Slurm Prolog: tells this node's Wattprint agent that job $SLURM_JOB_ID starts
# here, so its energy is reported as job "slurm-$SLURM_JOB_ID" with its name,
# partition and user as labels.
#   slurm.conf: Prolog=/opt/wattprint/slurm/prolog.sh   (docs/SLURM.md)
# Always exits 0: a failing prolog drains the node, and a missing or unhealthy
# agent must never take a node out of service. Problems go to syslog instead.
# The agent finds the job's processes without this too (cgroup .../job_N/);
# the prolog adds the labels.

undone="not registered"
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac # no dirname: Slurm gives no PATH
. "$here/agent-request.sh"

# A JSON string body: control characters become spaces; \ and " are escaped.
json_string() {
	printf '%s' "$1" | LC_ALL=C tr '\n' ' ' |
		LC_ALL=C sed -e 's/[[:cntrl:]]/ /g' -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

case ${SLURM_JOB_ID:-} in
'' | *[!0-9]*)
	log "prolog: SLURM_JOB_ID is \"${SLURM_JOB_ID:-}\", not a job number; nothing to register"
	exit 0
	;;
esac

labels=
add_label() {
	[ -n "$2" ] || return 0
	labels="$labels${labels:+,}\"$1\":\"$(json_string "$2")\""
}
add_label job_name "${SLURM_JOB_NAME:-}"
add_label partition "${SLURM_JOB_PARTITION:-}"
add_label user "${SLURM_JOB_USER:-}"

# The job's user owns it on the agent's socket: they may post its progress.
owner=
case ${SLURM_JOB_UID:-} in '' | *[!0-9]*) ;; *) owner=",\"owner\":$SLURM_JOB_UID" ;; esac
post /v1/jobs/register "{\"jobId\":\"slurm-$SLURM_JOB_ID\",\"labels\":{$labels}$owner}"
exit 0
