/*
 * weights.h: the tool's --weight RASTER and --weight-band N (stats,
 * snapshot): people under each holder, from rasters (weights.c).
 */
#ifndef FL_CLI_WEIGHTS_H
#define FL_CLI_WEIGHTS_H

#include <getopt.h>
#include "cli.h"

#define CLI_MAX_WEIGHTS 8
/* The options' table entries, for a command's own options. */
#define CLI_WEIGHT_OPTIONS                                                                        \
	{"weight", required_argument, NULL, 'W'}, { "weight-band", required_argument, NULL, 'B' }

typedef struct cli_weights {
	const char *paths[CLI_MAX_WEIGHTS];
	size_t n;
	int band;                       /* 0 until given: the first */
	fl_weight *w[CLI_MAX_WEIGHTS + 2]; /* loaded (and stats --places's two after them) */
} cli_weights;

/* Take option c ('W' or 'B') with value arg: 0, or 2 after a usage error. */
int cli_weights_option(cli_weights *cw, const char *cmd, int c, const char *arg);
/* Check the options once all are read: 0, or 2 after a usage error. */
int cli_weights_check(const cli_weights *cw, const char *cmd);
/* Read the rasters' sums for t: 0, or the exit status after the error. */
int cli_weights_load(cli_weights *cw, const fl_tracker *t);
void cli_weights_free(cli_weights *cw);

#endif
