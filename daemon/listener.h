/*
 * listener.h: the control socket: created and secured by us, or handed
 * over by systemd socket activation (LISTEN_FDS).
 */
#ifndef FOIAD_LISTENER_H
#define FOIAD_LISTENER_H

#include <stdbool.h>
#include <stddef.h>

struct listener {
	int fd;
	bool activated; /* from systemd: not ours to chmod or unlink */
	char path[108];
};

/*
 * Open the listening socket at path. default_dir says the directory is
 * foiad's own (a default path), so we may create and tighten it. Returns 0,
 * or -1 with a one-line reason in err.
 */
int listener_open(struct listener *l, const char *path, bool system_mode,
		  const char *group, bool default_dir, char *err,
		  size_t errlen);
void listener_close(struct listener *l);

#endif
