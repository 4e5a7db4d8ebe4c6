CREATE SCHEMA ai;

-- Background generations (POST /ai/generate). A job is charged once: its usage row is keyed by
-- job_id, written in the transaction that ends the job.
CREATE TABLE ai.jobs (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner text NOT NULL,
  idempotency_key text,
  status text NOT NULL DEFAULT 'queued'
    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  model text NOT NULL,
  answered_by text,
  request jsonb NOT NULL,
  output jsonb,
  error text,
  usage jsonb,
  prediction_id text,
  attempts integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  started_at timestamptz,
  finished_at timestamptz,
  UNIQUE (owner, idempotency_key)
);

CREATE INDEX jobs_owner_created ON ai.jobs (owner, created_at DESC, id DESC);

CREATE UNIQUE INDEX jobs_prediction ON ai.jobs (prediction_id) WHERE prediction_id IS NOT NULL;

-- What each reply used and cost, per caller and model.
CREATE TABLE ai.usage (
  id bigserial PRIMARY KEY,
  subject text NOT NULL,
  model text NOT NULL,
  job_id uuid UNIQUE,
  input_tokens bigint NOT NULL,
  output_tokens bigint NOT NULL,
  cost double precision NOT NULL,
  cached boolean NOT NULL DEFAULT false,
  estimated boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX usage_subject_created ON ai.usage (subject, created_at);

CREATE INDEX usage_created ON ai.usage (created_at);
