-- Credentials and refresh-token families of the auth plugin. Only hashes are stored.
CREATE TABLE auth_credentials (
  user_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE auth_refresh_tokens (
  token_hash bytea PRIMARY KEY,
  family_id uuid NOT NULL,
  user_id uuid NOT NULL REFERENCES auth_credentials (user_id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL,
  -- The access token issued with it, so ending the session can revoke that too.
  access_jti text NOT NULL,
  access_expires_at bigint NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  rotated_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX auth_refresh_tokens_family ON auth_refresh_tokens (family_id);
CREATE INDEX auth_refresh_tokens_user ON auth_refresh_tokens (user_id);
