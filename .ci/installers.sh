#!/bin/sh
# Build the installers and check what is inside them (run by .ci/run).
#   .ci/installers.sh [VERSION]
set -eu
cd "$(dirname "$0")/.."
version=${1:-0.0.0}
rm -f dist/*.deb dist/*.rpm dist/*.msi
installer/build.sh "$version"

fail() { echo "installers: $*" >&2; exit 1; }
# expect TEXT PATTERN WHAT: fail unless TEXT holds PATTERN
expect() { printf '%s\n' "$1" | grep -q -- "$2" || fail "$3"; }

msi=dist/ecrin_${version}_x64.msi
deb=dist/ecrin_${version}-1_amd64.deb
[ -f "$deb" ] || deb=$(ls dist/*.deb)
rpm=$(ls dist/*.rpm)

echo "== $msi"
si=$(msiinfo export "$msi" ServiceInstall); echo "$si"
expect "$si" 'run --service --config "\[ECRINDATA\]ecrin.yaml"' "MSI ServiceInstall lacks the service arguments"
expect "$si" '	16	2	' "MSI service is not an own-process auto-start service"
sc=$(msiinfo export "$msi" ServiceControl); echo "$sc"
expect "$sc" '^EcrinServiceControl	ecrin	163	' "MSI ServiceControl does not start on install and stop/remove on uninstall"
up=$(msiinfo export "$msi" Upgrade); echo "$up"
expect "$up" '6E0B7A34-2C1D-4F5E-9A8B-3C4D5E6F7A80' "MSI upgrade code changed"
co=$(msiinfo export "$msi" Component); echo "$co"
expect "$co" '^ExampleConfig	.*	400	' "MSI configuration is not permanent and never overwritten"
# ecrin.exe is a PE32+ image for x86-64: "PE\0\0" then machine 0x8664.
exe=dist/stage/windows-amd64/ecrin.exe
pe=$(od -An -tx1 -j "$(od -An -tu4 -j 60 -N 4 "$exe" | tr -d ' ')" -N 6 "$exe" | tr -d ' \n')
[ "$pe" = 504500006486 ] || fail "ecrin.exe is not a windows/amd64 binary ($pe)"

echo "== $deb"
contents=$(dpkg-deb -c "$deb"); echo "$contents"
expect "$contents" './usr/bin/ecrin$' "deb lacks /usr/bin/ecrin"
expect "$contents" './usr/lib/systemd/system/ecrin.service$' "deb lacks the systemd unit"
expect "$contents" './etc/ecrin/ecrin.yaml$' "deb lacks the configuration"
info=$(dpkg-deb -I "$deb"); echo "$info"
expect "$info" 'conffiles' "deb has no conffiles"
expect "$(dpkg-deb -f "$deb" Package)" '^ecrin$' "deb package name"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/ecrin/ecrin.yaml ||
	fail "deb does not mark /etc/ecrin/ecrin.yaml as a conffile"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./preinst | grep -q 'useradd --system' ||
	fail "deb does not create the ecrin user"

echo "== $rpm"
if command -v rpm >/dev/null; then
	files=$(rpm -qlp "$rpm" 2>/dev/null); echo "$files"
	expect "$files" '^/usr/bin/ecrin$' "rpm lacks /usr/bin/ecrin"
	expect "$files" '^/usr/lib/systemd/system/ecrin.service$' "rpm lacks the systemd unit"
	expect "$(rpm -qcp "$rpm" 2>/dev/null)" '^/etc/ecrin/ecrin.yaml$' "rpm does not mark the configuration as config"
else
	echo "rpm not installed: rpm contents not inspected"
fi
echo "installers: ok"
