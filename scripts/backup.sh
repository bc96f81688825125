#!/usr/bin/env bash
# Back up the PostgreSQL database of kechuang with pg_dump (custom format: compressed, restorable per table).
#   DATABASE_URL=postgres://kechuang_owner@127.0.0.1:5432/kechuang bash scripts/backup.sh [backup-dir]
# Writes <dir>/kechuang-YYYYmmdd-HHMMSS.dump (default dir: var/backups) and prints its path. Keep KEEP (default 14).
set -euo pipefail
url="${DATABASE_URL:?DATABASE_URL must point at the PostgreSQL database to back up}"
case "$url" in postgres://*|postgresql://*) ;; *) echo "backup.sh: only PostgreSQL databases (DATABASE_URL=postgres://…)" >&2; exit 2;; esac
dir="${1:-${KECHUANG_VAR_DIR:-$(dirname "$0")/../var}/backups}"
mkdir -p "$dir"
file="$dir/kechuang-$(date -u +%Y%m%d-%H%M%S).dump"
pg_dump --format=custom --no-owner --no-privileges --file="$file.partial" "$url"
mv "$file.partial" "$file"
ls -1t "$dir"/kechuang-*.dump | tail -n +"$(( ${KEEP:-14} + 1 ))" | xargs -r rm --
echo "$file"
