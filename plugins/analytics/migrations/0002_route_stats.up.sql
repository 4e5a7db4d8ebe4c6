-- Each host's per-route figures per interval (the host's event portico.route_stats): requests,
-- 5xx answers, and the latency histogram, so that percentiles over any range can be computed by
-- adding histograms. Every host receives every host's message: the key stores each once.
CREATE TABLE analytics.route_stats (
  bucket timestamptz NOT NULL,  -- the interval's end
  host text NOT NULL,
  method text NOT NULL,
  route text NOT NULL,
  plugin text NOT NULL,
  requests bigint NOT NULL,
  errors bigint NOT NULL,
  sum_ms float8 NOT NULL,
  bounds_ms float8[] NOT NULL,  -- upper bounds of the buckets; counts has one more, above them
  counts bigint[] NOT NULL,
  PRIMARY KEY (route, bucket, host, method, plugin)
);
CREATE INDEX route_stats_bucket ON analytics.route_stats USING brin (bucket);

-- The q-quantile of a histogram (counts per bucket, not cumulative), interpolating linearly
-- inside the bucket it falls in, as Prometheus' histogram_quantile does; above the last bound it
-- answers the last bound.
CREATE FUNCTION analytics.histogram_quantile(q float8, bounds float8[], counts numeric[])
RETURNS float8 LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  total numeric := 0;
  rank numeric;
  seen numeric := 0;
  lower float8 := 0;
BEGIN
  SELECT coalesce(sum(c), 0) INTO total FROM unnest(counts) c;
  IF total = 0 THEN RETURN NULL; END IF;
  rank := q * total;
  FOR i IN 1 .. array_length(counts, 1) LOOP
    IF counts[i] > 0 AND seen + counts[i] >= rank THEN
      IF i > array_length(bounds, 1) THEN RETURN lower; END IF;
      RETURN lower + (bounds[i] - lower) * ((rank - seen) / counts[i])::float8;
    END IF;
    seen := seen + counts[i];
    IF i <= array_length(bounds, 1) THEN lower := bounds[i]; END IF;
  END LOOP;
  RETURN lower;
END $$;
