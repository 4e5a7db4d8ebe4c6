-- SPDX-License-Identifier: Apache-2.0
-- The durable record of revoked access tokens and subjects (host/auth/Revocations.h). Redis holds
-- the copy every request reads; this one rebuilds it when Redis comes back without its data.
-- Not a schema named like the database user (portico): "$user" leads the default search_path,
-- and every unqualified table of the host and the plugins would move into it.
CREATE SCHEMA IF NOT EXISTS portico_host;
CREATE TABLE portico_host.auth_revocations (
  kind text NOT NULL CHECK (kind IN ('jti', 'sub')),
  id text NOT NULL,
  -- For a subject: tokens issued at or before this Unix millisecond are refused.
  revoked_at_ms bigint NOT NULL DEFAULT 0,
  -- Past this no token the entry covers is valid any more, so it refuses nothing.
  expires_at timestamptz NOT NULL,
  PRIMARY KEY (kind, id)
);
CREATE INDEX auth_revocations_expiry ON portico_host.auth_revocations (expires_at);
