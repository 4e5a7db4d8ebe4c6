DELETE FROM partman.part_config WHERE parent_table = 'analytics.events';
DROP SCHEMA analytics CASCADE;
