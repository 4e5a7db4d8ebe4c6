-- A plugin's tables start with its name: every plugin shares the host's database.
CREATE TABLE my_plugin_notes (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  text text NOT NULL,
  stars smallint NOT NULL,
  words integer  -- filled in by the my_plugin.count_words job
);
