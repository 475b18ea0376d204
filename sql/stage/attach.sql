-- The run's staging database: in memory, in the pipeline database's instance, so under its
-- memory limit, spilling beyond it (flows/stage.py).
attach ':memory:' as staging
