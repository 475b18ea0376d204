-- A table's text rows, once parsed into its staging relation.
delete from {source}
