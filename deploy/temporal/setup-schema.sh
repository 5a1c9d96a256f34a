#!/bin/sh
# The one-shot schema job of Temporal on PostgreSQL: creates Temporal's two databases (when missing), sets up the
# schema versioning and applies every versioned schema update. Safe to run again (an upgrade applies what is new).
# Run by docker-compose.yml's `temporal-schema` service (temporalio/admin-tools); the cluster tests run the same
# steps (test/cluster/temporal-cluster.ts, setUpTemporalSchema) with the temporal-sql-tool that
# `node scripts/tools.js ensure cluster` builds, and README "Production" lists them for a machine without Docker.
#
# Environment: POSTGRES_SEEDS, DB_PORT (5432), POSTGRES_USER, POSTGRES_PWD, DBNAME (temporal),
# VISIBILITY_DBNAME (temporal_visibility), SCHEMA_DIR (/etc/temporal/schema/postgresql/v12, the admin-tools image's),
# TEMPORAL_SQL_TOOL (temporal-sql-tool).
set -eu
tool="${TEMPORAL_SQL_TOOL:-temporal-sql-tool}"
schema="${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}"

sql() {
  db="$1"
  shift
  "$tool" --plugin postgres12 --endpoint "$POSTGRES_SEEDS" --port "${DB_PORT:-5432}" \
    --user "$POSTGRES_USER" --password "${POSTGRES_PWD:-}" --database "$db" "$@"
}

for pair in "${DBNAME:-temporal}:temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:visibility"; do
  db="${pair%%:*}"
  dir="${pair#*:}"
  if ! out=$(sql "$db" create-database 2>&1); then
    case "$out" in
      *"already exists"*) echo "database $db exists" ;;
      *) echo "$out" >&2; exit 1 ;;
    esac
  fi
  sql "$db" setup-schema -v 0.0
  sql "$db" update-schema -d "$schema/$dir/versioned"
done
echo "Temporal schema ready"
