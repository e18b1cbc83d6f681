#!/bin/sh
# Create the ecrin system account before the files land.
set -e
if ! getent group ecrin >/dev/null; then
	groupadd --system ecrin
fi
if ! getent passwd ecrin >/dev/null; then
	useradd --system --gid ecrin --home-dir /var/lib/ecrin --no-create-home \
		--shell /usr/sbin/nologin --comment "ecrin stock connector" ecrin
fi
