select version from schema_migrations
