drop table if exists temp.main.quarantine_shareable
