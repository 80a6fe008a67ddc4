-- Orleans ADO.NET grain storage on SQLite (invariant "System.Data.SQLite", served by Microsoft.Data.Sqlite).
--
-- The provider reads its queries from OrleansQuery at start-up and binds, by name:
--   GrainIdHash, GrainTypeHash (int), GrainIdN0, GrainIdN1 (bigint), GrainTypeString, GrainIdExtensionString (text or NULL),
--   ServiceId (text), GrainStateVersion (int or NULL: the ETag it holds), PayloadBinary (blob, writes only).
-- It reads columns by name: PayloadBinary (blob) and Version from ReadFromStorageKey; NewGrainStateVersion from
-- WriteToStorageKey; the first column from ClearStorageKey and DeleteStorageKey. A write or clear that lost the
-- optimistic-concurrency race must return no row (Orleans then raises InconsistentStateException).
--
-- The payload is the UTF-8 JSON written by JsonGrainStorageSerializer; it is kept as TEXT so that sqlite3 and
-- SQLite's json functions can read it, and converted to and from the provider's blob at the query boundary.
-- The full grain key is the primary key, so the provider's 32-bit hashes are not needed and are not stored.
-- GrainTypeString is what Orleans 10 passes as "grain type": the STATE NAME of [PersistentState(name, storage)],
-- not the grain class, and a string grain key is stored without its grain type. Two grain classes that use the
-- same state name, storage and key therefore share one row: give every grain class's state its own name.
--
-- Idempotent: applied at every start (OrleansSchemaInstaller runs it inside BEGIN IMMEDIATE).

CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  TEXT NOT NULL PRIMARY KEY,
    QueryText TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS OrleansStorage
(
    ServiceId              TEXT    NOT NULL,
    GrainTypeString        TEXT    NOT NULL,
    GrainIdN0              INTEGER NOT NULL,
    GrainIdN1              INTEGER NOT NULL,
    -- '' when the grain key has no string part (NULL from the provider).
    GrainIdExtensionString TEXT    NOT NULL,
    -- NULL after the state was cleared; the row and its version stay.
    PayloadJson            TEXT    NULL CHECK (PayloadJson IS NULL OR json_valid(PayloadJson)),
    Version                INTEGER NOT NULL,
    ModifiedOn             TEXT    NOT NULL,
    PRIMARY KEY (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ReadFromStorageKey', '
SELECT CAST(PayloadJson AS BLOB) AS PayloadBinary, Version
FROM OrleansStorage
WHERE ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''');
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Exactly one of the two statements can change a row: the UPDATE when Orleans holds an ETag, the INSERT when it
-- holds none. Each returns the new version; a lost race returns no row at all.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('WriteToStorageKey', '
UPDATE OrleansStorage
SET PayloadJson = CAST(@PayloadBinary AS TEXT),
    Version = CASE WHEN Version >= 2147483647 THEN 1 ELSE Version + 1 END,
    ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE @GrainStateVersion IS NOT NULL
  AND ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;

INSERT INTO OrleansStorage (ServiceId, GrainTypeString, GrainIdN0, GrainIdN1, GrainIdExtensionString, PayloadJson, Version, ModifiedOn)
SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, COALESCE(@GrainIdExtensionString, ''''),
       CAST(@PayloadBinary AS TEXT), 1, strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE @GrainStateVersion IS NULL
ON CONFLICT DO NOTHING
RETURNING Version AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('ClearStorageKey', '
UPDATE OrleansStorage
SET PayloadJson = NULL,
    Version = CASE WHEN Version >= 2147483647 THEN 1 ELSE Version + 1 END,
    ModifiedOn = strftime(''%Y-%m-%dT%H:%M:%fZ'', ''now'')
WHERE ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;

-- Used instead of ClearStorageKey when AdoNetGrainStorageOptions.DeleteStateOnClear is set. Orleans only needs a
-- value different from the ETag it held to know the delete happened.
INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES ('DeleteStorageKey', '
DELETE FROM OrleansStorage
WHERE ServiceId = @ServiceId
  AND GrainTypeString = @GrainTypeString
  AND GrainIdN0 = @GrainIdN0
  AND GrainIdN1 = @GrainIdN1
  AND GrainIdExtensionString = COALESCE(@GrainIdExtensionString, '''')
  AND Version = @GrainStateVersion
RETURNING Version + 1 AS NewGrainStateVersion;
')
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = excluded.QueryText;
