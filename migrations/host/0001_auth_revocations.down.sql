DROP TABLE portico_host.auth_revocations;
