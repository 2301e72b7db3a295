/*
 * cmd_export.h: `foia export` and `foia import` (cmd_export.c), for the
 * command table in main.c.
 */
#ifndef FOIA_CMD_EXPORT_H
#define FOIA_CMD_EXPORT_H

#include "cli.h"

int cmd_export(struct call *c);
int cmd_import(struct call *c);

extern const struct opt_group export_groups[];
extern const struct opt_group import_groups[];
extern const struct arg import_args[];

#endif
