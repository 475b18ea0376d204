"""Great Expectations suites, one module per table, built from the column catalogue."""
