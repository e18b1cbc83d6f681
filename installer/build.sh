#!/bin/sh
# Build the ecrin installers: dist/ecrin_<version>_amd64.deb and .rpm (nfpm)
# and dist/ecrin_<version>_x64.msi (wixl), from the repository root.
#
#   installer/build.sh 1.2.3
#
# ECRIN_LINUX_BIN / ECRIN_WINDOWS_EXE name prebuilt binaries to package
# instead of building ./cmd/ecrin (for testing the packaging alone).
# NFPM_VERSION picks the nfpm release; the default, v2.41.3, builds from the Go
# module proxy alone (v2.48.0 needs go.digitalxero.dev modules it refuses).
set -eu

version=${1:?usage: installer/build.sh VERSION}
cd "$(dirname "$0")/.."

nfpm="go run github.com/goreleaser/nfpm/v2/cmd/nfpm@${NFPM_VERSION:-v2.41.3}"
stage=dist/stage
mkdir -p "$stage/linux-amd64" "$stage/windows-amd64"

ldflags="-s -w -X main.version=$version"
if [ -n "${ECRIN_LINUX_BIN:-}" ]; then
	cp "$ECRIN_LINUX_BIN" "$stage/linux-amd64/ecrin"
else
	CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags "$ldflags" \
		-o "$stage/linux-amd64/ecrin" ./cmd/ecrin
fi
if [ -n "${ECRIN_WINDOWS_EXE:-}" ]; then
	cp "$ECRIN_WINDOWS_EXE" "$stage/windows-amd64/ecrin.exe"
else
	CGO_ENABLED=0 GOOS=windows GOARCH=amd64 go build -trimpath -ldflags "$ldflags" \
		-o "$stage/windows-amd64/ecrin.exe" ./cmd/ecrin
fi

for packager in deb rpm; do
	VERSION=$version $nfpm package --config installer/nfpm.yaml --packager "$packager" --target dist/
done

# Windows line ends for the configuration Notepad opens.
sed 's/$/\r/' installer/ecrin.example.yaml >"$stage/windows-amd64/ecrin.yaml"
# MSI versions are numeric: 1.2.3-rc1 → 1.2.3.
msiversion=$(printf '%s' "$version" | sed 's/^v//; s/[^0-9.].*$//')
wixl --arch x64 \
	-D Version="$msiversion" \
	-D Exe="$stage/windows-amd64/ecrin.exe" \
	-D Config="$stage/windows-amd64/ecrin.yaml" \
	-o "dist/ecrin_${version}_x64.msi" installer/windows/ecrin.wxs
# wixl ignores Permanent/NeverOverwrite: 64-bit (256) + permanent (16) +
# never overwrite (128), so an upgrade or removal keeps the boutique's config.
msibuild "dist/ecrin_${version}_x64.msi" \
	-q "UPDATE Component SET Attributes = 400 WHERE Component = 'ExampleConfig'"

ls -l dist/*.deb dist/*.rpm dist/*.msi
