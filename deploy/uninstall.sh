#!/bin/sh
# Removes what deploy/install.sh laid out, from this host or a staging root.
#
#   deploy/uninstall.sh [--root DIR] [--prefix /opt/wattprint] [--purge]
#
# Keeps /etc/wattprint (configuration, TLS keys) and the state directories
# (the agent's unsent spool, the collector's embedded store) unless --purge.
# The system users stay either way: files elsewhere may still belong to them,
# and a reused uid would inherit those files.
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin

die() {
	echo "uninstall.sh: $*" >&2
	exit 1
}
usage() {
	sed -n '4,4p' "$0" | sed 's/^# *//'
	exit 2
}

root=${DESTDIR:-}
prefix=/opt/wattprint
purge=no
while [ $# -gt 0 ]; do
	case $1 in
	--root) [ $# -ge 2 ] || die "--root needs a directory"; root=$2; shift 2 ;;
	--root=*) root=${1#--root=}; shift ;;
	--prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
	--prefix=*) prefix=${1#--prefix=}; shift ;;
	--purge) purge=yes; shift ;;
	-h | --help) usage ;;
	*) echo "uninstall.sh: unknown option \"$1\"" >&2; usage ;;
	esac
done
case $prefix in
*[!A-Za-z0-9._/-]*) die "--prefix may hold only letters, digits and . _ - /, got \"$prefix\"" ;;
/?*) ;;
*) die "--prefix must be an absolute directory other than /, got \"$prefix\"" ;;
esac
prefix=${prefix%/}
if [ -n "$root" ]; then
	case $root in /*) ;; *) die "--root must be an absolute path, got \"$root\"" ;; esac
	root=${root%/}
	[ -d "$root" ] || die "--root $root is not a directory"
fi

units="wattprint-agent.service wattprint-collector.service"
present=
for u in $units; do
	if [ -e "$root/etc/systemd/system/$u" ]; then present="$present $u"; fi
done
if [ -n "$present" ]; then
	if [ -n "$root" ]; then
		systemctl --root="$root" disable $present
	else
		systemctl disable --now $present || echo "uninstall.sh: could not stop/disable$present; removing anyway" >&2
	fi
fi

for u in $units; do
	rm -f "$root/etc/systemd/system/$u"
done
rm -f "$root/etc/sysusers.d/wattprint.conf" "$root/etc/tmpfiles.d/wattprint.conf"
# Only our own link: never remove a wattprint installed by someone else.
link=$root/usr/local/bin/wattprint
if [ -L "$link" ] && [ "$(readlink "$link")" = "$prefix/bin/wattprint" ]; then
	rm -f "$link"
fi
rm -rf "$root$prefix" "$root$prefix.new" "$root$prefix.old"
[ -n "$root" ] || systemctl daemon-reload || true

if [ "$purge" = yes ]; then
	rm -rf "$root/etc/wattprint" "$root/var/lib/wattprint" "$root/var/lib/wattprint-collector"
	# Local drop-ins (systemctl edit) are configuration too.
	for u in $units; do rm -rf "$root/etc/systemd/system/$u.d"; done
	echo "uninstall.sh: removed the program, units, configuration and state" >&2
else
	echo "uninstall.sh: removed the program and units; kept /etc/wattprint and /var/lib/wattprint* (--purge removes them)" >&2
fi
