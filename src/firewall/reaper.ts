// The reaper a host runs from cron when no console is watching: POSIX sh and iptables only (busybox-fit).
// It deletes, in one iptables-restore transaction per run, every forward half whose deadline has passed.
import { FWD_TAG } from './forwards.js';

export const REAPER_MARK = '# commbase-admin-reap';
export const DEFAULT_REAPER_PATH = '/usr/local/sbin/commbase-admin-reap';

export function reaperScript(): string {
  return `#!/bin/sh
# Installed by \`commbase-admin forward reap --install-cron\`. Removes timed port forwards whose deadline
# (the last field of their "${FWD_TAG}:<id>:<epoch>" comment) has passed. The kernel already stopped
# matching them at that deadline (iptables time match); this only tidies the rule set.
set -u
PATH=/usr/sbin:/sbin:/usr/bin:/bin:$PATH
now=$(date +%s)
HEAD='-s [0-9.]+(/[0-9]+)? '
MATCH='-p (tcp|udp) -m (tcp|udp) --dport [0-9]+ -m time --datestop [0-9T:-]+ -m comment --comment "?${FWD_TAG}:[0-9a-f]{8}:[0-9]+"?'
NAT_SHAPE="^-A PREROUTING \${HEAD}\${MATCH} -j DNAT --to-destination [0-9.]+:[0-9]+$"
FILTER_SHAPE="^-A FORWARD \${HEAD}-d [0-9.]+/32 \${MATCH} -j ACCEPT$"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
# Only rules of the exact shape commbase-admin writes, in nat/PREROUTING and filter/FORWARD: a tag copied onto any
# other rule (INPUT, where SSH is let in) is never matched, so never deleted.
for t in nat filter; do
  if [ "$t" = nat ]; then shape="$NAT_SHAPE"; else shape="$FILTER_SHAPE"; fi
  iptables-save -t "$t" | grep -E "$shape" > "$tmp/$t" || true
  : > "$tmp/$t.del"
  while IFS= read -r line; do
    dl=$(printf '%s\\n' "$line" | sed -n 's/.*${FWD_TAG}:[0-9a-f]*:\\([0-9][0-9]*\\).*/\\1/p')
    if [ -n "$dl" ] && [ "$dl" -le "$now" ]; then
      printf -- '-D %s\\n' "\${line#-A }" >> "$tmp/$t.del"
    fi
  done < "$tmp/$t"
done
{
  if [ -s "$tmp/nat.del" ]; then echo '*nat'; cat "$tmp/nat.del"; echo COMMIT; fi
  if [ -s "$tmp/filter.del" ]; then echo '*filter'; cat "$tmp/filter.del"; echo COMMIT; fi
} > "$tmp/batch"
if [ -s "$tmp/batch" ]; then iptables-restore -w 5 --noflush < "$tmp/batch"; fi
`;
}

/** Our crontab line: every minute, marked so it can be found again (written by services/crontab.ts). */
export function reaperCronLine(scriptPath: string): string {
  return `* * * * * ${scriptPath} ${REAPER_MARK}`;
}
