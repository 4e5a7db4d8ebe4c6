-- An account being deleted stops signing in at once, before the erase job has run: its
-- credentials are disabled and its refresh tokens revoked in the transaction that deletes the
-- profile (the users plugin calls auth_disable_account; the auth plugin owns what it touches).
ALTER TABLE auth_credentials ADD COLUMN disabled_at timestamptz;
-- Logout finds the session of the access token it was given.
CREATE INDEX auth_refresh_tokens_access ON auth_refresh_tokens (access_jti);

CREATE FUNCTION auth_disable_account(account uuid) RETURNS void LANGUAGE sql AS $$
  UPDATE auth_credentials SET disabled_at = coalesce(disabled_at, now()) WHERE user_id = account;
  UPDATE auth_refresh_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE user_id = account;
$$;
