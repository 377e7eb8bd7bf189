#ifndef SIKA_SYNC_COUNTING_VFS_H
#define SIKA_SYNC_COUNTING_VFS_H

/// A SQLite VFS that forwards everything to the default one and counts `xSync` calls on the files
/// whose path contains a watched substring: how a test proves that a commit really reached the disk.

/// Registers the counting VFS as SQLite's default (once per process). Returns 0 on success.
int sika_sync_vfs_install(void);

/// Counts syncs of files whose path contains `substring` from now on (a copy is kept), and resets the count.
void sika_sync_vfs_watch(const char *substring);

/// Syncs counted since the last `sika_sync_vfs_watch`.
long sika_sync_vfs_count(void);

#endif
