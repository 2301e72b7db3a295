/*
 * config_notify.h: the smtp, webhook, caldav and projects settings of
 * foiad.conf, for config.c's settings table. Only config*.c include this
 * header (it speaks libconfig).
 */
#ifndef FOIAD_CONFIG_NOTIFY_H
#define FOIAD_CONFIG_NOTIFY_H

#include <libconfig.h>
#include <stdbool.h>

#include "config.h"

/* Is name one of the settings config_notify_apply reads? */
bool config_notify_setting(const char *name);
/* Read setting s (smtp, webhook, caldav or projects) into cfg; problems
 * go into errs as "file:line: message". */
void config_notify_apply(const char *file, struct config *cfg,
			 struct config_errors *errs, config_setting_t *s);
/* Copy src's settings of these blocks into dst, whose own are not yet
 * set. -1 when out of memory (dst's are then empty). */
int config_notify_copy(struct config *dst, const struct config *src);
/* Free cfg's settings of these blocks. */
void config_notify_clear(struct config *cfg);

/* A plain address (smtp.from, smtp.to, letters.reply_to): local@domain,
 * printable ASCII or UTF-8, none of the characters that would make it more
 * than one address or another header. */
bool config_address_ok(const char *a);

#endif
