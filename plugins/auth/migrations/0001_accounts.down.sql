DROP TABLE auth_refresh_tokens;
DROP TABLE auth_credentials;
