-- Usage events, kept by day. Partitions are pg_partman's (native, daily, made a week ahead and a
-- week back; the plugin's maintenance job makes new ones and drops those past retention); BRIN on
-- time because rows arrive in time order. Hourly rollups (count, unique visitors as hll) answer
-- queries over long ranges without reading raw events.
-- The extensions need a superuser the first time (Debian: postgresql-15-partman, -hll).
CREATE SCHEMA IF NOT EXISTS partman;
CREATE EXTENSION IF NOT EXISTS pg_partman SCHEMA partman;
CREATE EXTENSION IF NOT EXISTS hll;
CREATE SCHEMA analytics;

CREATE TABLE analytics.events (
  ts timestamptz NOT NULL,                   -- when it happened (clamped, see EventInput.h)
  uuid uuid NOT NULL,                        -- the client's, for deduplication, or drawn here
  event text NOT NULL,
  distinct_id text NOT NULL,                 -- as the client identifies the person
  user_id uuid,                              -- the signed-in caller, when there was one
  visitor_id text NOT NULL,                  -- 'u:' || user_id, or a daily salted hash of IP + UA
  properties jsonb NOT NULL DEFAULT '{}',
  user_agent text NOT NULL DEFAULT '',
  received_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (uuid, ts)
) PARTITION BY RANGE (ts);
CREATE INDEX events_ts_brin ON analytics.events USING brin (ts);
CREATE INDEX events_user ON analytics.events (user_id) WHERE user_id IS NOT NULL;

SELECT partman.create_parent(
  p_parent_table := 'analytics.events', p_control := 'ts', p_type := 'native',
  p_interval := 'daily', p_premake := 7, p_jobmon := false,
  p_start_partition := to_char(now() - interval '8 days', 'YYYY-MM-DD'));
UPDATE partman.part_config
   SET retention = '90 days', retention_keep_table = false, infinite_time_partitions = true
 WHERE parent_table = 'analytics.events';

CREATE TABLE analytics.events_hourly (
  bucket timestamptz NOT NULL,
  event text NOT NULL,
  events bigint NOT NULL,
  visitors hll NOT NULL,
  PRIMARY KEY (bucket, event)
);

-- The salt of each day's visitor hashes; gone after a day, so a hash cannot be tied to another
-- day's or recomputed from an IP address later.
CREATE TABLE analytics.salts (
  day date PRIMARY KEY,
  salt text NOT NULL
);

-- Requests from programs (UserAgents.h): counted per day, not stored as events.
CREATE TABLE analytics.bot_hits (
  day date PRIMARY KEY,
  hits bigint NOT NULL
);

-- The maintenance job's chain (Maintenance.h): one row.
CREATE TABLE analytics.maintenance (
  chain text NOT NULL DEFAULT '',
  last_run timestamptz
);
INSERT INTO analytics.maintenance DEFAULT VALUES;
