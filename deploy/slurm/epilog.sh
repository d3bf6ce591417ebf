#!/bin/sh
# Slurm Epilog: tells this node's Wattprint agent that job "slurm-$SLURM_JOB_ID"
# has ended here, so it closes the job's accounting.
#   slurm.conf: Epilog=/opt/wattprint/slurm/epilog.sh   (docs/SLURM.md)
# Always exits 0: a failing epilog drains the node; a missing agent must not.

undone="end not recorded"
case $0 in */*) here=${0%/*} ;; *) here=. ;; esac # no dirname: Slurm gives no PATH
. "$here/agent-request.sh"

case ${SLURM_JOB_ID:-} in
'' | *[!0-9]*)
	log "epilog: SLURM_JOB_ID is \"${SLURM_JOB_ID:-}\", not a job number; nothing to end"
	exit 0
	;;
esac

post /v1/jobs/end "{\"jobId\":\"slurm-$SLURM_JOB_ID\"}"
exit 0
