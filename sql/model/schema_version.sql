select max(version) from schema_migrations
