-- Tables of a plugin are prefixed with its name: every plugin shares the host's database.
CREATE TABLE my_plugin_visits (
  name text PRIMARY KEY,
  visits bigint NOT NULL
);
