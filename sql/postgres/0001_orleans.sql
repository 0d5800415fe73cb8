-- =============================================================================
-- 0001_orleans.sql - storage used by the Orleans 10.4.2 ADO.NET providers
-- (clustering, grain persistence, reminders) on PostgreSQL 15+.
--
-- Silo configuration that matches this file: Invariant = "Npgsql" for all three
-- providers. Grain state is kept in one bytea column, so any grain storage
-- serializer works (the default is Orleans' binary one), and the storage may
-- run with DeleteStateOnClear either false or true.
--
-- How the providers use it:
--   * At start each provider runs `SELECT QueryKey, QueryText FROM OrleansQuery`
--     and afterwards executes only the query texts stored in that table, binding
--     parameters by name (@Name). Result columns are read by name.
--   * Unquoted identifiers fold to lower case in PostgreSQL; Npgsql resolves
--     column names case-insensitively, so the tables below use lower case and
--     the result columns are given the exact names the providers ask for.
--   * Every DateTime the providers send is UTC and typed as timestamptz, so
--     all time columns are timestamptz. Nothing depends on the server TimeZone.
--
-- Safe to run more than once: objects are created only when missing and the
-- query texts are upserted. The file holds no BEGIN/COMMIT, so the caller
-- decides about the transaction. Query texts are dollar-quoted with an empty
-- tag only: DbUp reads a dollar-word-dollar token as a script variable.
-- =============================================================================


-- -----------------------------------------------------------------------------
-- Query catalogue read by every provider at start.
-- -----------------------------------------------------------------------------
CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL,
    querytext text        NOT NULL,
    CONSTRAINT orleansquery_pk PRIMARY KEY (querykey)
);


-- =============================================================================
-- Clustering (Microsoft.Orleans.Clustering.AdoNet)
-- =============================================================================

-- One row per cluster (the provider calls it DeploymentId = ClusterId).
-- "version" is the membership table's etag: every membership insert/update
-- must present the current value and moves it forward by one.
CREATE TABLE IF NOT EXISTS orleansmembershipversiontable
(
    deploymentid varchar(150) NOT NULL,
    version      integer      NOT NULL DEFAULT 0,
    changedat    timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT orleansmembershipversion_pk PRIMARY KEY (deploymentid)
);

-- One row per silo incarnation (address + port + generation).
-- status holds Orleans' SiloStatus number (3 = Active, 6 = Dead).
-- suspecttimes is the provider's own "silo,date|silo,date" text.
CREATE TABLE IF NOT EXISTS orleansmembershiptable
(
    deploymentid varchar(150) NOT NULL,
    address      varchar(45)  NOT NULL,
    port         integer      NOT NULL,
    generation   integer      NOT NULL,
    siloname     varchar(255) NOT NULL,
    hostname     varchar(255) NOT NULL,
    status       integer      NOT NULL,
    proxyport    integer      NOT NULL DEFAULT 0,
    suspecttimes text         NULL,
    starttime    timestamptz  NOT NULL,
    iamalivetime timestamptz  NOT NULL,
    CONSTRAINT orleansmembership_pk PRIMARY KEY (deploymentid, address, port, generation),
    CONSTRAINT orleansmembership_cluster_fk FOREIGN KEY (deploymentid)
        REFERENCES orleansmembershipversiontable (deploymentid)
);

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Create the cluster's version row if it is missing.
-- Returns one boolean column: true when this call created it.
('InsertMembershipVersionKey', $$
WITH created AS (
    INSERT INTO orleansmembershipversiontable (deploymentid)
    VALUES (@DeploymentId)
    ON CONFLICT (deploymentid) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM created) AS "Created";
$$),

-- All silos of a cluster plus the table version. The version row is the
-- driving side of the join so that one row comes back even with no silos.
('MembershipReadAllKey', $$
SELECT
    v.deploymentid AS "DeploymentId",
    m.address      AS "Address",
    m.port         AS "Port",
    m.generation   AS "Generation",
    m.siloname     AS "SiloName",
    m.hostname     AS "HostName",
    m.status       AS "Status",
    m.proxyport    AS "ProxyPort",
    m.suspecttimes AS "SuspectTimes",
    m.starttime    AS "StartTime",
    m.iamalivetime AS "IAmAliveTime",
    v.version      AS "Version"
FROM orleansmembershipversiontable AS v
LEFT JOIN orleansmembershiptable AS m
       ON m.deploymentid = v.deploymentid
WHERE v.deploymentid = @DeploymentId;
$$),

-- One silo plus the table version (version row always returned).
('MembershipReadRowKey', $$
SELECT
    v.deploymentid AS "DeploymentId",
    m.address      AS "Address",
    m.port         AS "Port",
    m.generation   AS "Generation",
    m.siloname     AS "SiloName",
    m.hostname     AS "HostName",
    m.status       AS "Status",
    m.proxyport    AS "ProxyPort",
    m.suspecttimes AS "SuspectTimes",
    m.starttime    AS "StartTime",
    m.iamalivetime AS "IAmAliveTime",
    v.version      AS "Version"
FROM orleansmembershipversiontable AS v
LEFT JOIN orleansmembershiptable AS m
       ON m.deploymentid = v.deploymentid
      AND m.address = @Address
      AND m.port = @Port
      AND m.generation = @Generation
WHERE v.deploymentid = @DeploymentId;
$$),

-- Add a silo row. Succeeds only if @Version is still the table version and
-- the silo is not there yet; the version bump and the insert are one
-- statement, so they land together or not at all.
-- Returns one boolean column: true on success.
('InsertMembershipKey', $$
WITH bumped AS (
    UPDATE orleansmembershipversiontable AS v
       SET version = v.version + 1,
           changedat = now()
     WHERE v.deploymentid = @DeploymentId
       AND v.version = @Version
       AND v.version < 2147483647
       AND NOT EXISTS (
               SELECT 1
                 FROM orleansmembershiptable AS e
                WHERE e.deploymentid = @DeploymentId
                  AND e.address = @Address
                  AND e.port = @Port
                  AND e.generation = @Generation)
    RETURNING v.deploymentid
), added AS (
    INSERT INTO orleansmembershiptable
        (deploymentid, address, port, generation, siloname, hostname,
         status, proxyport, starttime, iamalivetime)
    SELECT b.deploymentid, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime
      FROM bumped AS b
    ON CONFLICT (deploymentid, address, port, generation) DO NOTHING
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM added) AS "Inserted";
$$),

-- Change a silo's status / suspicion list under the same version check.
-- The liveness timestamp never moves backwards.
-- Returns one boolean column: true on success.
('UpdateMembershipKey', $$
WITH bumped AS (
    UPDATE orleansmembershipversiontable AS v
       SET version = v.version + 1,
           changedat = now()
     WHERE v.deploymentid = @DeploymentId
       AND v.version = @Version
       AND v.version < 2147483647
       AND EXISTS (
               SELECT 1
                 FROM orleansmembershiptable AS e
                WHERE e.deploymentid = @DeploymentId
                  AND e.address = @Address
                  AND e.port = @Port
                  AND e.generation = @Generation)
    RETURNING v.deploymentid
), changed AS (
    UPDATE orleansmembershiptable AS m
       SET status = @Status,
           suspecttimes = @SuspectTimes,
           iamalivetime = GREATEST(m.iamalivetime, @IAmAliveTime)
      FROM bumped AS b
     WHERE m.deploymentid = b.deploymentid
       AND m.address = @Address
       AND m.port = @Port
       AND m.generation = @Generation
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM changed) AS "Updated";
$$),

-- Heartbeat. Not versioned; the provider ignores the result.
('UpdateIAmAlivetimeKey', $$
UPDATE orleansmembershiptable
   SET iamalivetime = GREATEST(iamalivetime, @IAmAliveTime)
 WHERE deploymentid = @DeploymentId
   AND address = @Address
   AND port = @Port
   AND generation = @Generation;
$$),

-- Gateways a client may connect to: silos with the requested status
-- (the provider asks for Active = 3) that expose a gateway port.
('GatewaysQueryKey', $$
SELECT
    address    AS "Address",
    proxyport  AS "ProxyPort",
    generation AS "Generation"
FROM orleansmembershiptable
WHERE deploymentid = @DeploymentId
  AND status = @Status
  AND proxyport > 0;
$$),

-- Remove a whole cluster: its silo rows and its version row.
('DeleteMembershipTableEntriesKey', $$
WITH silos AS (
    DELETE FROM orleansmembershiptable
     WHERE deploymentid = @DeploymentId
)
DELETE FROM orleansmembershipversiontable
 WHERE deploymentid = @DeploymentId;
$$),

-- Bulk pruning of long-dead silos (@IAmAliveTime is the cut-off).
-- 10.4.2 still requires this key but uses it only when
-- CleanupDefunctSiloEntryKey is missing; kept conservative: only Dead rows
-- that started and last heartbeated before the cut-off and carry no votes.
('CleanupDefunctSiloEntriesKey', $$
DELETE FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId
   AND status = 6
   AND iamalivetime < @IAmAliveTime
   AND starttime < @IAmAliveTime
   AND COALESCE(suspecttimes, '') = '';
$$),

-- Per-row pruning used by 10.4.2: the provider reads all rows, picks the
-- expired Dead ones and sends back the values it saw. The row is deleted
-- only if it is still Dead and unchanged since that read. Result ignored.
('CleanupDefunctSiloEntryKey', $$
DELETE FROM orleansmembershiptable
 WHERE deploymentid = @DeploymentId
   AND address = @Address
   AND port = @Port
   AND generation = @Generation
   AND status = 6
   AND starttime = @StartTime
   AND iamalivetime = @IAmAliveTime
   AND COALESCE(suspecttimes, '') = COALESCE(@SuspectTimes, '');
$$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;


-- =============================================================================
-- Grain persistence (Microsoft.Orleans.Persistence.AdoNet)
-- =============================================================================

-- One row per (service, state name, grain key). The provider identifies a
-- grain by two hashes, two 64-bit halves of an integer/Guid key and an
-- optional string part (a key extension, or the whole key for string keys).
-- "version" is the etag. A cleared state keeps its row with a NULL payload
-- (unless the provider is set to delete on clear).
CREATE TABLE IF NOT EXISTS orleansstorage
(
    serviceid              varchar(150) NOT NULL,
    graintypehash          integer      NOT NULL,
    graintypestring        varchar(512) NOT NULL,
    grainidhash            integer      NOT NULL,
    grainidn0              bigint       NOT NULL,
    grainidn1              bigint       NOT NULL,
    grainidextensionstring varchar(512) NULL,
    payloadbinary          bytea        NULL,
    version                integer      NOT NULL,
    modifiedon             timestamptz  NOT NULL DEFAULT now()
);

-- At most one row per grain state; a missing string part counts as one value
-- (NULLS NOT DISTINCT, PostgreSQL 15+). Also serves the lookups (hashes lead).
CREATE UNIQUE INDEX IF NOT EXISTS orleansstorage_grain_ux
    ON orleansstorage (serviceid, graintypehash, grainidhash, grainidn0, grainidn1,
                       graintypestring, grainidextensionstring)
    NULLS NOT DISTINCT;

INSERT INTO orleansquery (querykey, querytext) VALUES

-- Load a state: payload (NULL once cleared) and its version. No row = never written.
('ReadFromStorageKey', $$
SELECT
    s.payloadbinary AS "PayloadBinary",
    s.version       AS "Version"
FROM orleansstorage AS s
WHERE s.serviceid = @ServiceId
  AND s.graintypehash = @GrainTypeHash
  AND s.grainidhash = @GrainIdHash
  AND s.grainidn0 = @GrainIdN0
  AND s.grainidn1 = @GrainIdN1
  AND s.graintypestring = @GrainTypeString
  AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString;
$$),

-- Save a state. With @GrainStateVersion set: update only if the stored
-- version still equals it. With @GrainStateVersion NULL: create the row only
-- if none exists. Always returns exactly one row; NewGrainStateVersion is the
-- new version, or NULL when the etag check failed (the provider then throws
-- InconsistentStateException).
('WriteToStorageKey', $$
WITH updated AS (
    UPDATE orleansstorage AS s
       SET payloadbinary = @PayloadBinary,
           version = s.version + 1,
           modifiedon = now()
     WHERE @GrainStateVersion IS NOT NULL
       AND s.serviceid = @ServiceId
       AND s.graintypehash = @GrainTypeHash
       AND s.grainidhash = @GrainIdHash
       AND s.grainidn0 = @GrainIdN0
       AND s.grainidn1 = @GrainIdN1
       AND s.graintypestring = @GrainTypeString
       AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
       AND s.version = @GrainStateVersion
    RETURNING s.version
), created AS (
    INSERT INTO orleansstorage
        (serviceid, graintypehash, graintypestring, grainidhash, grainidn0, grainidn1,
         grainidextensionstring, payloadbinary, version)
    SELECT @ServiceId, @GrainTypeHash, @GrainTypeString, @GrainIdHash, @GrainIdN0, @GrainIdN1,
           @GrainIdExtensionString, @PayloadBinary, 1
     WHERE @GrainStateVersion IS NULL
    ON CONFLICT DO NOTHING
    RETURNING version
)
SELECT (SELECT version FROM updated
        UNION ALL
        SELECT version FROM created) AS "NewGrainStateVersion";
$$),

-- Clear a state (DeleteStateOnClear = false): drop the payload, keep the row,
-- bump the version. Etag-checked; no row returned when the check fails.
('ClearStorageKey', $$
UPDATE orleansstorage AS s
   SET payloadbinary = NULL,
       version = s.version + 1,
       modifiedon = now()
 WHERE s.serviceid = @ServiceId
   AND s.graintypehash = @GrainTypeHash
   AND s.grainidhash = @GrainIdHash
   AND s.grainidn0 = @GrainIdN0
   AND s.grainidn1 = @GrainIdN1
   AND s.graintypestring = @GrainTypeString
   AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
   AND s.version = @GrainStateVersion
RETURNING s.version AS "NewGrainStateVersion";
$$),

-- Clear a state (DeleteStateOnClear = true): delete the row. Etag-checked;
-- returns a value different from the old etag on success, no row otherwise.
('DeleteStorageKey', $$
DELETE FROM orleansstorage AS s
 WHERE s.serviceid = @ServiceId
   AND s.graintypehash = @GrainTypeHash
   AND s.grainidhash = @GrainIdHash
   AND s.grainidn0 = @GrainIdN0
   AND s.grainidn1 = @GrainIdN1
   AND s.graintypestring = @GrainTypeString
   AND s.grainidextensionstring IS NOT DISTINCT FROM @GrainIdExtensionString
   AND s.version = @GrainStateVersion
RETURNING s.version + 1 AS "NewGrainStateVersion";
$$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;


-- =============================================================================
-- Reminders (Microsoft.Orleans.Reminders.AdoNet)
-- =============================================================================

-- One row per (service, grain, reminder name). grainhash is the grain's
-- uniform hash stored as a signed 32-bit number; the reminder service reads
-- ranges of it. period is in milliseconds. "version" is the etag.
CREATE TABLE IF NOT EXISTS orleansreminderstable
(
    serviceid    varchar(150) NOT NULL,
    grainid      varchar(512) NOT NULL,
    remindername varchar(255) NOT NULL,
    starttime    timestamptz  NOT NULL,
    period       bigint       NOT NULL,
    grainhash    integer      NOT NULL,
    version      integer      NOT NULL,
    CONSTRAINT orleansreminders_pk PRIMARY KEY (serviceid, grainid, remindername)
);

CREATE INDEX IF NOT EXISTS orleansreminders_hash_ix
    ON orleansreminderstable (serviceid, grainhash);

INSERT INTO orleansquery (querykey, querytext) VALUES

-- All reminders of one grain.
('ReadReminderRowsKey', $$
SELECT
    grainid      AS "GrainId",
    remindername AS "ReminderName",
    starttime    AS "StartTime",
    period       AS "Period",
    version      AS "Version"
FROM orleansreminderstable
WHERE serviceid = @ServiceId
  AND grainid = @GrainId;
$$),

-- One reminder of one grain.
('ReadReminderRowKey', $$
SELECT
    grainid      AS "GrainId",
    remindername AS "ReminderName",
    starttime    AS "StartTime",
    period       AS "Period",
    version      AS "Version"
FROM orleansreminderstable
WHERE serviceid = @ServiceId
  AND grainid = @GrainId
  AND remindername = @ReminderName;
$$),

-- Hash range (@BeginHash, @EndHash] that does not wrap: the provider picks
-- this one when (signed) @BeginHash < @EndHash.
('ReadRangeRows1Key', $$
SELECT
    grainid      AS "GrainId",
    remindername AS "ReminderName",
    starttime    AS "StartTime",
    period       AS "Period",
    version      AS "Version"
FROM orleansreminderstable
WHERE serviceid = @ServiceId
  AND grainhash > @BeginHash
  AND grainhash <= @EndHash;
$$),

-- Hash range that wraps around the ring (or covers all of it when the two
-- ends are equal): everything above @BeginHash plus everything up to @EndHash.
('ReadRangeRows2Key', $$
SELECT
    grainid      AS "GrainId",
    remindername AS "ReminderName",
    starttime    AS "StartTime",
    period       AS "Period",
    version      AS "Version"
FROM orleansreminderstable
WHERE serviceid = @ServiceId
  AND (grainhash > @BeginHash OR grainhash <= @EndHash);
$$),

-- Register or replace a reminder; returns its new version (the etag).
-- @Period arrives as int or bigint depending on its size.
('UpsertReminderRowKey', $$
INSERT INTO orleansreminderstable AS r
    (serviceid, grainid, remindername, starttime, period, grainhash, version)
VALUES
    (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (serviceid, grainid, remindername) DO UPDATE
   SET starttime = EXCLUDED.starttime,
       period = EXCLUDED.period,
       grainhash = EXCLUDED.grainhash,
       version = r.version + 1
RETURNING r.version AS "Version";
$$),

-- Remove one reminder if its etag still matches.
-- Returns one boolean column: true when a row was removed.
('DeleteReminderRowKey', $$
WITH removed AS (
    DELETE FROM orleansreminderstable
     WHERE serviceid = @ServiceId
       AND grainid = @GrainId
       AND remindername = @ReminderName
       AND version = @Version
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM removed) AS "Removed";
$$),

-- Remove every reminder of the service (used by tests/tools).
('DeleteReminderRowsKey', $$
DELETE FROM orleansreminderstable
 WHERE serviceid = @ServiceId;
$$)

ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
