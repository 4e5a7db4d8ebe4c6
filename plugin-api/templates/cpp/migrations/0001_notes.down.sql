DROP TABLE my_plugin_notes;
