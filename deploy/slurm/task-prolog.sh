#!/bin/sh
# Slurm TaskProlog: runs as the user before each task; "export NAME=value"
# lines on stdout go into the task's environment. It hands the training
# script the job id the agent uses, so that it can report progress
# (tokens, examples, steps) to the agent under the same id.
#   slurm.conf: TaskProlog=/opt/wattprint/slurm/task-prolog.sh   (docs/SLURM.md)
case ${SLURM_JOB_ID:-} in
'' | *[!0-9]*) ;;
*)
	echo "export WATTPRINT_JOB_ID=slurm-$SLURM_JOB_ID"
	echo "export WATTPRINT_SOCKET=${WATTPRINT_SOCKET:-/run/wattprint/agent.sock}"
	;;
esac
exit 0
