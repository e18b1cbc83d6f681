#!/usr/bin/env bash
# Starts Debian's vsftpd on 127.0.0.1 for the FTP source integration tests
# (connector/source/ftp, TestVsftpd*): plain FTP on 2121, explicit TLS on
# 2122 and implicit TLS on 2123, both TLS ones with a self-signed
# certificate and require_ssl_reuse=YES. Run as root. Installs vsftpd and
# openssl when missing, creates a local FTP user, and prints on stdout the
# export lines the tests read (everything else goes to stderr):
#
#	bash .ci/vsftpd.sh > /tmp/ecrin-vsftpd.env && . /tmp/ecrin-vsftpd.env
#	go test -count=1 -run Vsftpd -v ./connector/source/...
#
# "bash .ci/vsftpd.sh stop" stops the servers it started.
set -euo pipefail

base=${ECRIN_VSFTPD_DIR:-/tmp/ecrin-vsftpd}
user=${ECRIN_VSFTPD_USER:-ecrinftp}
ports=(2121 2122 2123)
names=(plain explicit implicit)

log() { printf 'vsftpd.sh: %s\n' "$*" >&2; }

stop() {
	local pidfile
	for pidfile in "$base"/*.pid; do
		[ -e "$pidfile" ] || continue
		kill "$(cat "$pidfile")" 2>/dev/null || true
		rm -f "$pidfile"
	done
}

if [ "${1:-}" = stop ]; then
	stop
	exit 0
fi

if ! [ -x /usr/sbin/vsftpd ] || ! command -v openssl >/dev/null; then
	log "installing vsftpd and openssl"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >&2
	apt-get install -y -qq --no-install-recommends vsftpd openssl >&2
fi

stop # servers of an earlier run
mkdir -p "$base/empty" "$base/home"
chmod 755 "$base/empty"

if ! [ -s "$base/cert.pem" ]; then
	log "generating a self-signed certificate for 127.0.0.1"
	openssl req -x509 -newkey rsa:2048 -nodes -days 30 \
		-keyout "$base/key.pem" -out "$base/cert.pem" \
		-subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" 2>/dev/null
	chmod 600 "$base/key.pem"
fi

password=$(openssl rand -hex 16)
if ! id "$user" >/dev/null 2>&1; then
	log "creating user $user"
	useradd --home-dir "$base/home" --shell /bin/sh "$user"
fi
echo "$user:$password" | chpasswd
chown "$user:" "$base/home"

# Sample extracts for a look by hand; the tests work in folders of their own.
printf 'REF;QTY\nT120.407.17.041.00;2\n' > "$base/home/stock_20250130.csv"
printf 'REF;QTY\nT120.407.17.041.00;1\n' > "$base/home/stock_20250131.csv"
touch -d '2025-01-30 22:00:00 UTC' "$base/home/stock_20250130.csv"
touch -d '2025-01-31 22:00:00 UTC' "$base/home/stock_20250131.csv"
chown "$user:" "$base"/home/stock_*.csv

for i in "${!names[@]}"; do
	name=${names[$i]}
	port=${ports[$i]}
	conf="$base/$name.conf"
	cat > "$conf" <<CONF
listen=YES
listen_ipv6=NO
listen_address=127.0.0.1
listen_port=$port
background=NO
anonymous_enable=NO
local_enable=YES
write_enable=YES
local_umask=022
chroot_local_user=YES
allow_writeable_chroot=YES
pasv_enable=YES
pasv_min_port=$((30000 + i * 100))
pasv_max_port=$((30000 + i * 100 + 99))
use_localtime=NO
seccomp_sandbox=NO
secure_chroot_dir=$base/empty
pam_service_name=vsftpd
vsftpd_log_file=$base/$name.log
xferlog_enable=YES
CONF
	if [ "$name" != plain ]; then
		cat >> "$conf" <<CONF
ssl_enable=YES
rsa_cert_file=$base/cert.pem
rsa_private_key_file=$base/key.pem
force_local_logins_ssl=YES
force_local_data_ssl=YES
require_ssl_reuse=YES
ssl_ciphers=HIGH
CONF
	fi
	if [ "$name" = implicit ]; then
		echo "implicit_ssl=YES" >> "$conf"
	fi
	/usr/sbin/vsftpd "$conf" >"$base/$name.out" 2>&1 &
	echo $! > "$base/$name.pid"
done

for port in "${ports[@]}"; do
	for _ in $(seq 100); do
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			continue 2
		fi
		sleep 0.1
	done
	log "vsftpd does not answer on port $port:"
	cat "$base"/*.out >&2 || true
	exit 1
done
log "vsftpd answers on ports ${ports[*]}"

cat <<ENV
export ECRIN_VSFTPD=127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]}
export ECRIN_VSFTPD_USER=$user
export ECRIN_VSFTPD_PASSWORD=$password
export ECRIN_VSFTPD_CA=$base/cert.pem
ENV
