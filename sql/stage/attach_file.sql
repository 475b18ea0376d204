-- The run's staging database as a file beside the pipeline database, for an inbox too large to
-- stage in memory (flows/stage.py).
attach ? as staging
