DROP TABLE my_plugin_visits;
