-- The run's staging database let go of, with every staged row.
detach database if exists staging
