/*
 * sdnotify.h: the systemd readiness protocol without libsystemd: one
 * datagram to $NOTIFY_SOCKET per state change. A no-op outside systemd.
 */
#ifndef FOIAD_SDNOTIFY_H
#define FOIAD_SDNOTIFY_H

void sd_notify_state(const char *state);

#endif
