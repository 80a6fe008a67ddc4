-- Orleans ADO.NET grain storage on PostgreSQL (invariant "Npgsql").
--
-- The provider reads its queries from OrleansQuery at start-up and binds, by name:
--   GrainIdHash, GrainTypeHash (int), GrainIdN0, GrainIdN1 (bigint), GrainTypeString, GrainIdExtensionString (text or NULL),
--   ServiceId (text), GrainStateVersion (int or NULL: the ETag it holds), PayloadBinary (bytea, writes only).
-- It reads columns by name: PayloadBinary (bytea) and Version from ReadFromStorageKey; NewGrainStateVersion from
-- WriteToStorageKey; the first column from ClearStorageKey and DeleteStorageKey. A write or clear that lost the
-- optimistic-concurrency race returns NULL or no row (Orleans then raises InconsistentStateException).
--
-- The payload is the UTF-8 JSON written by JsonGrainStorageSerializer, kept in a json column (validated, byte-exact,
-- queryable with ->, ->>) and converted to and from the provider's bytea at the query boundary.
-- The full grain key is the primary key, so the provider's 32-bit hashes are not needed and are not stored.
-- GrainTypeString is what Orleans 10 passes as "grain type": the STATE NAME of [PersistentState(name, storage)],
-- not the grain class, and a string grain key is stored without its grain type. Two grain classes that use the
-- same state name, storage and key therefore share one row: give every grain class's state its own name.
--
-- Idempotent: applied at every start by OrleansSchemaInstaller, in one transaction holding an advisory lock.

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  varchar(64) NOT NULL PRIMARY KEY,
    QueryText text        NOT NULL
);

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    ServiceId              text        NOT NULL,
    GrainTypeString        text        NOT NULL,
    GrainIdN0              bigint      NOT NULL,
    GrainIdN1              bigint      NOT NULL,
    -- '' when the grain key has no string part (NULL from the provider).
    GrainIdExtensionString text        NOT NULL,
    -- NULL after the state was cleared; the row and its version stay.
    PayloadJson            json        NULL,
    Version                integer     NOT NULL,
    ModifiedOn             timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT PK_OrleansStorage PRIMARY KEY (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', $query$
SELECT convert_to(PayloadJson::text, 'UTF8') AS PayloadBinary, Version
FROM OrleansStorage
WHERE ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '');
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- One statement: the UPDATE applies when Orleans holds an ETag, the INSERT when it holds none; the outer SELECT
-- always returns one row, NULL when the write lost a race (stale ETag, or a concurrent first write).
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', $query$
WITH updated AS (
    UPDATE OrleansStorage
    SET PayloadJson = convert_from(@PayloadBinary, 'UTF8')::json,
        Version = CASE WHEN Version >= 2147483647 THEN 1 ELSE Version + 1 END,
        ModifiedOn = now()
    WHERE @GrainStateVersion IS NOT NULL
      AND ServiceId = @ServiceId
      AND GrainTypeString = @GrainTypeString
      AND GrainIdN0 = @GrainIdN0
      AND GrainIdN1 = @GrainIdN1
      AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
      AND Version = @GrainStateVersion
    RETURNING Version
), inserted AS (
    INSERT INTO OrleansStorage (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, PayloadJson, Version)
    SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''),
           convert_from(@PayloadBinary, 'UTF8')::json, 1
    WHERE @GrainStateVersion IS NULL
    ON CONFLICT ON CONSTRAINT PK_OrleansStorage DO NOTHING
    RETURNING Version
)
SELECT (SELECT Version FROM updated UNION ALL SELECT Version FROM inserted LIMIT 1) AS NewGrainStateVersion;
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', $query$
UPDATE OrleansStorage
SET PayloadJson = NULL,
    Version = CASE WHEN Version >= 2147483647 THEN 1 ELSE Version + 1 END,
    ModifiedOn = now()
WHERE ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;

-- Used instead of ClearStorageKey when AdoNetGrainStorageOptions.DeleteStateOnClear is set. Orleans only needs a
-- value different from the ETag it held to know the delete happened.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', $query$
DELETE FROM OrleansStorage
WHERE ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '')
  AND Version = @GrainStateVersion
RETURNING Version::bigint + 1 AS NewGrainStateVersion;
$query$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
