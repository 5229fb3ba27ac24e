#!/usr/bin/env bash
# A one-node SLURM cluster on this machine, for trying `deltaeval plan slurm --submit` and for the integration test:
# Debian's slurmctld, slurmd and munge (installed when missing), configured for this host's CPUs and memory (and
# its GPUs when nvidia-smi lists any), state under $DELTAEVAL_SLURM_DIR (default /tmp/deltaeval-slurm).
#   start   install if needed, write /etc/slurm/slurm.conf, start munged, slurmctld and slurmd (no-op if running)
#   stop    stop all three; nothing is left running
#   status  sinfo and squeue
# Needs root (it writes /etc/slurm and starts daemons), as on CI and the developers' machines.
set -euo pipefail
DIR=${DELTAEVAL_SLURM_DIR:-/tmp/deltaeval-slurm}
CONF=/etc/slurm/slurm.conf
cmd=${1:-status}

running() { [ -f "$DIR/$1.pid" ] && kill -0 "$(cat "$DIR/$1.pid")" 2>/dev/null; }

install() {
  if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null \
     || ! command -v munged >/dev/null; then
    echo "slurm-local: installing slurmctld, slurmd, slurm-client and munge from Debian" >&2
    apt-get update -qq >/dev/null || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurmctld slurmd slurm-client munge >/dev/null
  fi
}

configure() {
  local host mem gpus gres=""
  host=$(hostname -s)
  mem=$(( $(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) - 1024 ))
  gpus=$(nvidia-smi -L 2>/dev/null | grep -c '^GPU' || true)
  mkdir -p "$DIR/spool" "$DIR/state" /etc/slurm
  if [ "${gpus:-0}" -gt 0 ]; then
    gres="Gres=gpu:$gpus"
    : > /etc/slurm/gres.conf
    for i in $(seq 0 $((gpus - 1))); do echo "Name=gpu File=/dev/nvidia$i" >> /etc/slurm/gres.conf; done
  fi
  cat > "$CONF.tmp" <<EOF
# written by deltaeval scripts/slurm-local.sh
ClusterName=deltaeval-local
SlurmctldHost=$host
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SlurmUser=root
SlurmdUser=root
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmdSpoolDir=$DIR/spool
StateSaveLocation=$DIR/state
SlurmctldLogFile=$DIR/slurmctld.log
SlurmdLogFile=$DIR/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
$( [ -n "$gres" ] && echo "GresTypes=gpu" )
NodeName=$host CPUs=$(nproc) RealMemory=$mem $gres State=UNKNOWN
PartitionName=local Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF.tmp" "$CONF"
}

start_munge() {
  if munge -n >/dev/null 2>&1; then return; fi
  mkdir -p /etc/munge /run/munge /var/log/munge /var/lib/munge
  [ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
  chown -R munge:munge /etc/munge /run/munge /var/log/munge /var/lib/munge 2>/dev/null || true
  chmod 400 /etc/munge/munge.key
  su -s /bin/sh munge -c munged </dev/null >/dev/null 2>&1 || munged --force </dev/null >/dev/null 2>&1
  for _ in $(seq 50); do munge -n >/dev/null 2>&1 && return; sleep 0.1; done
  echo "slurm-local: munged did not start" >&2; exit 1
}

case "$cmd" in
  start)
    install
    if running slurmctld && running slurmd; then echo "slurm-local: already running"; exit 0; fi
    configure
    start_munge
    running slurmctld || slurmctld -f "$CONF" </dev/null >/dev/null 2>&1
    running slurmd || slurmd -f "$CONF" </dev/null >/dev/null 2>&1
    for _ in $(seq 60); do
      if timeout 5 sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed|allocated)'; then
        echo "slurm-local: running ($(sinfo -h -o '%D node, %c CPUs, %m MB' | head -1)); logs in $DIR"
        exit 0
      fi
      sleep 0.2
    done
    echo "slurm-local: the node did not come up; see $DIR/slurmctld.log and $DIR/slurmd.log" >&2; exit 1 ;;
  stop)
    for d in slurmd slurmctld; do
      if running "$d"; then kill "$(cat "$DIR/$d.pid")"; fi
    done
    for _ in $(seq 50); do running slurmd || running slurmctld || break; sleep 0.1; done
    pkill -x munged 2>/dev/null || true
    echo "slurm-local: stopped" ;;
  status)
    timeout 10 sinfo; timeout 10 squeue ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
