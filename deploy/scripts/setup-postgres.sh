#!/bin/sh
# Creates and migrates Temporal's two PostgreSQL databases with the admin-tools image's temporal-sql-tool
# (deploy/compose.yaml). Safe to run again: `create` of an existing database fails and is ignored, the
# schema updates apply only what is missing. `npm run cluster` runs it too (scripts/cluster/), with the
# variables below pointing at its own PostgreSQL and at the schema of the server module it built.
set -eu
tool() {
  temporal-sql-tool --plugin postgres12 --ep "${SQL_HOST:-postgresql}" -u "${SQL_USER:-temporal}" -p "${SQL_PORT:-5432}" "$@"
}
schema="${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema}/postgresql/v12"
for db in temporal temporal_visibility; do
  tool --db "$db" create || true
  tool --db "$db" setup-schema -v 0.0 || true
done
tool --db temporal update-schema -d "$schema/temporal/versioned"
tool --db temporal_visibility update-schema -d "$schema/visibility/versioned"
echo "temporal schemas ready"
