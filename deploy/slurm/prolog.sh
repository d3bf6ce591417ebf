#!/bin/sh
# Slurm Prolog: tells this node's Wattprint agent that job $SLURM_JOB_ID starts
# here, so its energy is reported as job "slurm-$SLURM_JOB_ID" with its name,
# partition and user as labels.
#   slurm.conf: Prolog=/opt/wattprint/slurm/prolog.sh   (docs/SLURM.md)
# Always exits 0: a failing prolog drains the node, and a missing or unhealthy
# agent must never take a node out of service. Problems go to syslog instead.
# The agent finds the job's processes without this too (cgroup .../job_N/);
# the prolog adds the labels.
PATH=/usr/bin:/bin:/usr/sbin:/sbin # Slurm gives prologs no PATH

socket=${WATTPRINT_AGENT_SOCKET:-/run/wattprint/agent.sock}
timeout=${WATTPRINT_AGENT_TIMEOUT:-3}

log() {
	logger -t wattprint-slurm -- "$*" 2>/dev/null
	echo "wattprint-slurm: $*" >&2
}

# A JSON string body: control characters become spaces; \ and " are escaped.
json_string() {
	printf '%s' "$1" | LC_ALL=C tr '\n' ' ' |
		LC_ALL=C sed -e 's/[[:cntrl:]]/ /g' -e 's/\\/\\\\/g' -e 's/"/\\"/g'
}

# post PATH BODY: one request to the agent's HTTP endpoint on its Unix socket.
post() {
	if [ ! -S "$socket" ]; then
		log "job $SLURM_JOB_ID: no agent socket at $socket (is wattprint-agent running?); not registered"
		return
	fi
	if ! command -v curl >/dev/null 2>&1; then
		log "job $SLURM_JOB_ID: curl is not installed; not registered"
		return
	fi
	out=$(curl --silent --show-error --max-time "$timeout" --unix-socket "$socket" \
		-H 'Content-Type: application/json' --data-binary "$2" \
		--write-out '\n%{http_code}' "http://localhost$1" 2>&1)
	code=$(printf '%s\n' "$out" | tail -n 1)
	case $code in
	2??) ;;
	000) log "job $SLURM_JOB_ID: agent at $socket did not answer POST $1: $(printf '%s\n' "$out" | sed '$d' | tr '\n' ' ' | cut -c1-300)" ;;
	*) log "job $SLURM_JOB_ID: agent refused POST $1 with HTTP $code: $(printf '%s\n' "$out" | sed '$d' | tr '\n' ' ' | cut -c1-300)" ;;
	esac
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

post /v1/jobs/register "{\"jobId\":\"slurm-$SLURM_JOB_ID\",\"labels\":{$labels}}"
exit 0
