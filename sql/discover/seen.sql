select name, size_bytes, mtime_ns, ctime_ns, inode, sha256 from inbox_seen
