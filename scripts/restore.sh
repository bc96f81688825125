#!/usr/bin/env bash
# Restore a dump made by scripts/backup.sh into a PostgreSQL database (pg_restore; objects are replaced).
#   DATABASE_URL=postgres://kechuang_owner@127.0.0.1:5432/kechuang bash scripts/restore.sh var/backups/kechuang-….dump
# Stop the web and worker units first. The append-only triggers come back with the tables; run
# deploy/postgres/roles.sql afterwards to restore the application role's privileges.
set -euo pipefail
url="${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database to restore into}"
file="${1:?usage: restore.sh <file.dump>}"
[ -s "$file" ] || { echo "restore.sh: $file is missing or empty" >&2; exit 2; }
pg_restore --list "$file" >/dev/null  # a readable dump, or stop before touching the database
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction --exit-on-error --dbname="$url" "$file"
echo "restored $file"
