#ifndef SIKA_CSPAWN_H
#define SIKA_CSPAWN_H

// glibc's posix_spawn file actions that Swift's Glibc module does not show (they need _GNU_SOURCE).
// `actions` is a posix_spawn_file_actions_t *.
int sika_spawn_add_closefrom(void *actions, int lowest);
int sika_spawn_add_chdir(void *actions, const char *path);

#endif
