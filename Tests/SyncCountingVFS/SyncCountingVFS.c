// A pass-through SQLite VFS that counts xSync on watched files. Every method forwards to the VFS that
// was the default when it was installed ("unix" on Linux); only the counting is added.
#include "SyncCountingVFS.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

typedef struct CountingFile {
    sqlite3_file base;      // must be first: SQLite sees this
    int watched;
    sqlite3_file *real;     // the underlying VFS's file, allocated right after this struct
} CountingFile;

static sqlite3_vfs *underlying;
static sqlite3_vfs counting;
static atomic_long syncs;
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static char *watch;

#define REAL(f) (((CountingFile *)(f))->real)

static int c_close(sqlite3_file *f) {
    int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
    return rc;
}
static int c_read(sqlite3_file *f, void *p, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xRead(REAL(f), p, n, o); }
static int c_write(sqlite3_file *f, const void *p, int n, sqlite3_int64 o) { return REAL(f)->pMethods->xWrite(REAL(f), p, n, o); }
static int c_truncate(sqlite3_file *f, sqlite3_int64 s) { return REAL(f)->pMethods->xTruncate(REAL(f), s); }
static int c_sync(sqlite3_file *f, int flags) {
    if (((CountingFile *)f)->watched) atomic_fetch_add(&syncs, 1);
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}
static int c_size(sqlite3_file *f, sqlite3_int64 *s) { return REAL(f)->pMethods->xFileSize(REAL(f), s); }
static int c_lock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xLock(REAL(f), l); }
static int c_unlock(sqlite3_file *f, int l) { return REAL(f)->pMethods->xUnlock(REAL(f), l); }
static int c_reserved(sqlite3_file *f, int *r) { return REAL(f)->pMethods->xCheckReservedLock(REAL(f), r); }
static int c_fcntl(sqlite3_file *f, int op, void *a) { return REAL(f)->pMethods->xFileControl(REAL(f), op, a); }
static int c_sector(sqlite3_file *f) { return REAL(f)->pMethods->xSectorSize(REAL(f)); }
static int c_device(sqlite3_file *f) { return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f)); }
static int c_shmmap(sqlite3_file *f, int i, int sz, int e, void volatile **pp) {
    return REAL(f)->pMethods->xShmMap(REAL(f), i, sz, e, pp);
}
static int c_shmlock(sqlite3_file *f, int o, int n, int fl) { return REAL(f)->pMethods->xShmLock(REAL(f), o, n, fl); }
static void c_shmbarrier(sqlite3_file *f) { REAL(f)->pMethods->xShmBarrier(REAL(f)); }
static int c_shmunmap(sqlite3_file *f, int d) { return REAL(f)->pMethods->xShmUnmap(REAL(f), d); }
static int c_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **pp) { return REAL(f)->pMethods->xFetch(REAL(f), o, n, pp); }
static int c_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p) { return REAL(f)->pMethods->xUnfetch(REAL(f), o, p); }

static const sqlite3_io_methods methods_v3 = {
    3, c_close, c_read, c_write, c_truncate, c_sync, c_size, c_lock, c_unlock, c_reserved, c_fcntl, c_sector, c_device,
    c_shmmap, c_shmlock, c_shmbarrier, c_shmunmap, c_fetch, c_unfetch,
};

static int c_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags, int *outFlags) {
    (void)vfs;
    CountingFile *cf = (CountingFile *)file;
    cf->real = (sqlite3_file *)&cf[1];
    cf->watched = 0;
    pthread_mutex_lock(&watch_lock);
    if (name && watch && strstr(name, watch)) cf->watched = 1;
    pthread_mutex_unlock(&watch_lock);
    int rc = underlying->xOpen(underlying, name, cf->real, flags, outFlags);
    // Only methods SQLite can call on a file that opened: on failure pMethods must stay NULL.
    cf->base.pMethods = (rc == SQLITE_OK && cf->real->pMethods) ? &methods_v3 : NULL;
    return rc;
}

static int c_delete(sqlite3_vfs *v, const char *n, int s) { (void)v; return underlying->xDelete(underlying, n, s); }
static int c_access(sqlite3_vfs *v, const char *n, int f, int *r) { (void)v; return underlying->xAccess(underlying, n, f, r); }
static int c_fullpath(sqlite3_vfs *v, const char *n, int l, char *o) { (void)v; return underlying->xFullPathname(underlying, n, l, o); }
static void *c_dlopen(sqlite3_vfs *v, const char *n) { (void)v; return underlying->xDlOpen(underlying, n); }
static void c_dlerror(sqlite3_vfs *v, int n, char *m) { (void)v; underlying->xDlError(underlying, n, m); }
static void (*c_dlsym(sqlite3_vfs *v, void *h, const char *s))(void) { (void)v; return underlying->xDlSym(underlying, h, s); }
static void c_dlclose(sqlite3_vfs *v, void *h) { (void)v; underlying->xDlClose(underlying, h); }
static int c_random(sqlite3_vfs *v, int n, char *o) { (void)v; return underlying->xRandomness(underlying, n, o); }
static int c_sleep(sqlite3_vfs *v, int us) { (void)v; return underlying->xSleep(underlying, us); }
static int c_time(sqlite3_vfs *v, double *t) { (void)v; return underlying->xCurrentTime(underlying, t); }
static int c_lasterror(sqlite3_vfs *v, int n, char *m) { (void)v; return underlying->xGetLastError ? underlying->xGetLastError(underlying, n, m) : 0; }
static int c_time64(sqlite3_vfs *v, sqlite3_int64 *t) { (void)v; return underlying->xCurrentTimeInt64(underlying, t); }

static pthread_once_t once = PTHREAD_ONCE_INIT;
static int install_result = -1;

static void install(void) {
    underlying = sqlite3_vfs_find(NULL);
    if (!underlying || underlying->iVersion < 2) return;
    memset(&counting, 0, sizeof counting);
    counting.iVersion = 2;
    counting.szOsFile = (int)sizeof(CountingFile) + underlying->szOsFile;
    counting.mxPathname = underlying->mxPathname;
    counting.zName = "sika-sync-counting";
    counting.xOpen = c_open;
    counting.xDelete = c_delete;
    counting.xAccess = c_access;
    counting.xFullPathname = c_fullpath;
    counting.xDlOpen = c_dlopen;
    counting.xDlError = c_dlerror;
    counting.xDlSym = c_dlsym;
    counting.xDlClose = c_dlclose;
    counting.xRandomness = c_random;
    counting.xSleep = c_sleep;
    counting.xCurrentTime = c_time;
    counting.xGetLastError = c_lasterror;
    counting.xCurrentTimeInt64 = c_time64;
    install_result = sqlite3_vfs_register(&counting, 1) == SQLITE_OK ? 0 : -1;
}

int sika_sync_vfs_install(void) {
    pthread_once(&once, install);
    return install_result;
}

void sika_sync_vfs_watch(const char *substring) {
    pthread_mutex_lock(&watch_lock);
    free(watch);
    watch = substring ? strdup(substring) : NULL;
    atomic_store(&syncs, 0);
    pthread_mutex_unlock(&watch_lock);
}

long sika_sync_vfs_count(void) { return atomic_load(&syncs); }
