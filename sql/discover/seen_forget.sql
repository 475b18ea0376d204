-- The entries of the memo of the listing that are gone or changed since (`$gone`, by name);
-- sql/discover/seen_add.sql then adds the new and changed ones.
delete from inbox_seen where list_contains(cast($gone as varchar[]), name)
