/*
 * cmd_letter.h: `foia letter` and `foia send` (cmd_letter.c), for the
 * command table in main.c.
 */
#ifndef FOIA_CMD_LETTER_H
#define FOIA_CMD_LETTER_H

#include "cli.h"

int cmd_letter(struct call *c);
int cmd_send(struct call *c);

extern const struct opt_group letter_groups[];
extern const struct opt_group send_groups[];

#endif
