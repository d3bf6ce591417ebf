# Shared by prolog.sh and epilog.sh (sourced, not run): one request to this
# node's Wattprint agent over its Unix socket, never failing the caller.
# The caller sets `undone` to what is lost when a request fails.
PATH=/usr/bin:/bin:/usr/sbin:/sbin # Slurm gives prologs and epilogs no PATH

# The same discovery as the wattprint commands (agent/src/local/discovery.ts):
# WATTPRINT_SOCKET, else the system socket.
socket=${WATTPRINT_SOCKET:-/run/wattprint/agent.sock}
timeout=${WATTPRINT_AGENT_TIMEOUT:-3}

log() {
	logger -t wattprint-slurm -- "$*" 2>/dev/null
	echo "wattprint-slurm: $*" >&2
}

# post PATH BODY: one request to the agent's HTTP endpoint on its Unix socket.
post() {
	if [ ! -S "$socket" ]; then
		log "job $SLURM_JOB_ID: no agent socket at $socket (is wattprint-agent running?); $undone"
		return
	fi
	if ! command -v curl >/dev/null 2>&1; then
		log "job $SLURM_JOB_ID: curl is not installed; $undone"
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
