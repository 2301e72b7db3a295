/*
 * cmd_backup.h: `foia verify` and `foia backup` (cmd_backup.c), for the
 * command table in main.c.
 */
#ifndef FOIA_CMD_BACKUP_H
#define FOIA_CMD_BACKUP_H

#include "cli.h"

int cmd_verify(struct call *c);
int cmd_backup(struct call *c);

extern const struct opt_group verify_groups[];
extern const struct arg backup_args[];

#endif
