-- Token buckets shared by every node of the cluster (RatePacer): one row per Twilio limit, locked
-- (SELECT ... FOR UPDATE) for the few statements that take a slot. tokens below zero are slots
-- already promised to callers that are waiting for them. Portable H2 / PostgreSQL.
CREATE TABLE rate_bucket (
  name VARCHAR(64) PRIMARY KEY,
  tokens DOUBLE PRECISION NOT NULL,
  refilled_at BIGINT NOT NULL
);
