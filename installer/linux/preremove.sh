#!/bin/sh
# Stop the service when the package is removed (not when it is upgraded):
# deb passes "remove", rpm passes 0.
set -e
case "$1" in
remove|0)
	if [ -d /run/systemd/system ]; then
		systemctl disable --now ecrin.service || true
	fi
	;;
esac
