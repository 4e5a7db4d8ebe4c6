DROP INDEX auth_refresh_tokens_access;
DROP FUNCTION auth_disable_account(uuid);
ALTER TABLE auth_credentials DROP COLUMN disabled_at;
