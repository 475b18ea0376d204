-- The content hash of each regular file last seen in the inbox, under what its inode says of
-- it (size, modification and change times, inode number): while these are the same, the file
-- is the same, and discovery need not read it again. The change time cannot be set back by
-- the file's owner, so a file rewritten in place is read again.
create table inbox_seen (
    name varchar primary key,
    size_bytes bigint not null,
    mtime_ns bigint not null,
    ctime_ns bigint not null,
    inode bigint not null,
    sha256 varchar not null
);
