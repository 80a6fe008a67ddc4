-- Creates the role and database an OpenLedger cluster shares. Run once as a PostgreSQL superuser:
--   sudo -u postgres psql -v password="'choose-one'" -f deploy/postgres/create-database.sql
-- The node applies its own schemas (ledger tables, Orleans storage, membership, reminders) at start-up,
-- idempotently and under an advisory lock, so nothing else needs to be created by hand.
CREATE ROLE openledger LOGIN PASSWORD :password;
CREATE DATABASE openledger OWNER openledger;
