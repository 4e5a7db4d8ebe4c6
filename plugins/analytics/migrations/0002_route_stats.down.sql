DROP FUNCTION analytics.histogram_quantile(float8, float8[], numeric[]);
DROP TABLE analytics.route_stats;
