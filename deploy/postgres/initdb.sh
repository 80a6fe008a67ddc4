#!/usr/bin/env bash
# Run by the postgres image on the first start of an empty data volume (docker-entrypoint-initdb.d): creates the
# openledger role and database with create-database.sql, the password read from a secret file, never from the
# compose file or the environment's value.
set -euo pipefail
pw=$(cat "${OPENLEDGER_DB_PASSWORD_FILE:?set OPENLEDGER_DB_PASSWORD_FILE to the file holding the openledger role password}")
# create-database.sql takes the password as a quoted SQL literal: single quotes doubled.
q="'"
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v password="$q${pw//$q/$q$q}$q" -f /opt/openledger/create-database.sql
