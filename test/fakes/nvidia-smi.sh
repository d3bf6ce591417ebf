#!/bin/sh
# A fake nvidia-smi for tests. It answers the two CSV queries the agent runs,
#   --query-gpu=<fields> --format=csv,noheader,nounits
#   --query-compute-apps=<fields> --format=csv,noheader,nounits
# printing the requested fields in the requested order, ", "-separated, one
# line per record, as nvidia-smi does. A field a record lacks prints [N/A];
# an unknown field is refused as nvidia-smi refuses it (exit 2).
#
# Records come from the file named by $FAKE_NVIDIA_SMI_SCENARIO, re-read on
# every run; fields are "|"-separated, so values may hold spaces:
#   gpu|index=0|uuid=GPU-...|name=Tesla P100-PCIE-16GB|power.draw=31.52|enforced.power.limit=250.00
#   app|gpu_uuid=GPU-...|pid=1234|used_memory=1024
#   fail|<exit code>|<message printed on stdout>   e.g. 9 and the driver message
#   sleep|<seconds>                                stall before answering
set -u
scenario=${FAKE_NVIDIA_SMI_SCENARIO:?FAKE_NVIDIA_SMI_SCENARIO is not set}
kind=
query=
format=
for arg in "$@"; do
  case $arg in
    --query-gpu=*) kind=gpu; query=${arg#--query-gpu=} ;;
    --query-compute-apps=*) kind=app; query=${arg#--query-compute-apps=} ;;
    --format=*) format=${arg#--format=} ;;
    *) echo "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help."; exit 2 ;;
  esac
done
if [ -z "$kind" ] || [ "$format" != "csv,noheader,nounits" ]; then
  echo "Invalid combination of input arguments. Please run 'nvidia-smi -h' for help."
  exit 2
fi

delay=$(awk -F'|' '$1 == "sleep" { print $2; exit }' "$scenario")
# Detached from our stdout, so a killed run does not leave the pipe open.
if [ -n "$delay" ]; then sleep "$delay" </dev/null >/dev/null 2>&1; fi
fail=$(awk -F'|' '$1 == "fail" { print $2; exit }' "$scenario")
if [ -n "$fail" ]; then
  awk -F'|' '$1 == "fail" { print $3; exit }' "$scenario"
  exit "$fail"
fi

exec awk -F'|' -v kind="$kind" -v query="$query" '
BEGIN {
  valid["gpu"] = ",index,uuid,name,power.draw,power.draw.instant,power.draw.average,enforced.power.limit,power.limit,utilization.gpu,"
  valid["app"] = ",gpu_uuid,pid,process_name,used_memory,used_gpu_memory,"
  n = split(query, want, ",")
  for (j = 1; j <= n; j++)
    if (index(valid[kind], "," want[j] ",") == 0) { printf "Field \"%s\" is not a valid field to query.\n", want[j]; bad = 1; exit 2 }
}
$1 == kind {
  split("", v)
  for (i = 2; i <= NF; i++) { eq = index($i, "="); v[substr($i, 1, eq - 1)] = substr($i, eq + 1) }
  line = ""
  for (j = 1; j <= n; j++) line = line (j > 1 ? ", " : "") ((want[j] in v) ? v[want[j]] : "[N/A]")
  print line
}
END { if (bad) exit 2 }
' "$scenario"
