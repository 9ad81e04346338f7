/* weights.c: the tool's --weight RASTER and --weight-band N (weights.h). */
#include <stdlib.h>
#include "weights.h"

int cli_weights_option(cli_weights *cw, const char *cmd, int c, const char *arg)
{
	if (c == 'B') {
		char *end;
		long b = strtol(arg, &end, 10);
		if (*end || end == arg || b < 1 || b > 65535)
			return cli_usage_error(cmd, "--weight-band %s: expected a band number from 1", arg);
		cw->band = (int)b;
		return 0;
	}
	if (cw->n == CLI_MAX_WEIGHTS)
		return cli_usage_error(cmd, "--weight: at most %d times", CLI_MAX_WEIGHTS);
	if (!*arg)
		return cli_usage_error(cmd, "--weight is empty: give a raster's path");
	cw->paths[cw->n++] = arg;
	return 0;
}

int cli_weights_check(const cli_weights *cw, const char *cmd)
{
	if (cw->band && !cw->n)
		return cli_usage_error(cmd, "--weight-band is --weight's: give --weight RASTER too");
	return 0;
}

int cli_weights_load(cli_weights *cw, const fl_tracker *t)
{
	for (size_t i = 0; i < cw->n; i++) {
		fl_status st = fl_weight_from_raster(t, cw->paths[i], cw->band ? cw->band : 1, &cw->w[i]);
		if (st) {
			cli_error("--weight %s", fl_error_last());
			return st == FL_EARG ? 2 : 1;
		}
	}
	return 0;
}

void cli_weights_free(cli_weights *cw)
{
	for (size_t i = 0; i < cw->n; i++) {
		fl_weight_free(cw->w[i]);
		cw->w[i] = NULL;
	}
}
