#!/usr/bin/env bash
# Start the local PostgreSQL and NATS JetStream servers the integration tests use, if they are stopped;
# install PostGIS for the machine's PostgreSQL major version when it is missing (Debian package
# postgresql-<major>-postgis-3, as root or through sudo). Idempotent: a second run changes nothing.
set -uo pipefail
pg_up() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }

# PostGIS: the spatial history queries need it on PostgreSQL (migration 0011 creates the extension).
postgis_installed() { [ -f "/usr/share/postgresql/$1/extension/postgis.control" ]; }
if [ -d /etc/postgresql ]; then
  for v in $(ls /etc/postgresql); do
    postgis_installed "$v" && continue
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo -n"
    pkg="postgresql-$v-postgis-3"
    apt_install() { $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$pkg" >/dev/null 2>&1; }
    echo "postgis: installing $pkg"
    # the package lists of a fresh machine may be empty or stale: update once, only when needed
    apt_install || { $SUDO apt-get update -qq >/dev/null 2>&1 && apt_install; } ||
      echo "postgis: could not install $pkg (needs root or sudo, and the Debian archive)" >&2
  done
fi
if ! pg_up && command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  for v in $(ls /etc/postgresql); do pg_ctlcluster --skip-systemctl-redirect "$v" main start || true; done
  for _ in $(seq 30); do pg_up && break; sleep 1; done
fi
nats_up() { (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; }
if ! nats_up && [ -x /usr/sbin/nats-server ]; then
  mkdir -p /var/lib/nats-server
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- \
    -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server -l /var/log/nats-server.log || true
  for _ in $(seq 30); do nats_up && break; sleep 1; done
fi
pg_up && echo "postgresql: up" || echo "postgresql: DOWN"
for v in $(ls /etc/postgresql 2>/dev/null); do
  postgis_installed "$v" && echo "postgis ($v): installed" || echo "postgis ($v): MISSING"
done
nats_up && echo "nats: up" || echo "nats: DOWN"
