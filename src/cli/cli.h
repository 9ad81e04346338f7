/* cli.h: what the subcommands of the frontline tool share. */
#ifndef FL_CLI_H
#define FL_CLI_H
#include <stdio.h>
#include <frontline/frontline.h>

typedef struct cli_global {
	const char *tracker; /* -d PATH, or NULL for the default */
	const char *prog;
} cli_global;

/* Open the tracker named by -d, $FRONTLINE_TRACKER or the shipped one;
 * prints the error and returns NULL on failure. */
fl_tracker *cli_open_tracker(const cli_global *g);
/* Actor ids given to OPTION (each value may hold several, comma-separated) as
 * actor indices; NULL after a usage error naming the value and the known ids. */
int *cli_parse_actor_list(const fl_tracker *t, const char *cmd, const char *option,
			  const char *const *values, size_t nvalues, size_t *n);
/* The tracker path that -d, $FRONTLINE_TRACKER or the default give. */
const char *cli_tracker_path(const cli_global *g);
/* The tracker a writing command may change: -d PATH, else a non-empty
 * $FRONTLINE_TRACKER that is not the shipped sample; NULL after printing a
 * usage error (the shipped sample is never written unless named by -d). */
const char *cli_tracker_to_write(const cli_global *g, const char *cmd);
/* Parse a date option in tracker t's time zone (NULL: UTC, to check the
 * value before the tracker is open); prints the error and returns nonzero
 * on failure.  A value NULL (not given) leaves *out as it is. */
int cli_parse_date(const fl_tracker *t, const char *opt, const char *value, fl_date_side side,
		   fl_instant *out);
/* The filters in force as the options that set them ("--as-of R, --status
 * confirmed, --holder AZ,AM"; as_of and holders: the values as given, NULL
 * when not given), "" when none. */
void cli_filters_text(const fl_query *q, const char *as_of, const char *holders, char *buf,
		      size_t len);
/* Warn on stderr for each of the n dates (texts[i] as written, NULL for
 * today; ats[i] its instant) that lies before the first or after the last
 * event that applies under q's filters: what the answer then means.  The
 * answer is given all the same. */
void cli_warn_range(const fl_tracker *t, const fl_query *q, const char *as_of, size_t n,
		    const char *const *texts, const fl_instant *ats);
/* The base map render and animate draw under the map: the shipped
 * countries in the source tree, else installed; NULL when neither is there. */
const char *cli_basemap_path(void);
/* Print "frontline: message" to stderr. */
void cli_error(const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 1, 2)))
#endif
	;
/* The library names the parameters and fields a message is about in
 * backquotes (`area_file`); the tool says its flag for each (--area).  A map
 * is a list of {field, flag} pairs ended by {NULL, NULL}. */
typedef struct cli_flag {
	const char *field, *flag;
} cli_flag;
/* Print msg to f after prefix, each `field` of map as its flag (other
 * backquoted names kept as they are), then a newline. */
void cli_print_flags(FILE *f, const char *prefix, const char *msg, const cli_flag *map);
/* Print the library's last error ("frontline: message") in the tool's words. */
void cli_lib_error(const cli_flag *map);
/* The same as a usage error of cmd (cli_usage_error); returns 2. */
int cli_lib_usage_error(const char *cmd, const cli_flag *map);
/* Print the warnings of the output just written (fl_warning_at) to stderr. */
void cli_print_warnings(void);
int cli_usage_error(const char *cmd, const char *fmt, ...)
#if defined(__GNUC__)
	__attribute__((format(printf, 2, 3)))
#endif
	;

/* `stats --places FILE [--places-weight FIELD]` (cmd_places.c): the count
 * of FILE's places, and the sum of FIELD, as weights appended to w (room
 * for two) and *nw; 0, or the exit status after printing the error. */
int cli_places_weights(const fl_tracker *t, const char *file, const char *field, fl_weight **w,
		       size_t *nw);

int cmd_snapshot(const cli_global *g, int argc, char **argv);
int cmd_lines(const cli_global *g, int argc, char **argv);
/* The front line under q written to out in format (cmd_lines.c): 0, or
 * the exit status after printing the error. */
int cli_write_lines(fl_tracker *t, const fl_query *q, const char *out, const char *format);
int cmd_log(const cli_global *g, int argc, char **argv);
int cmd_diff(const cli_global *g, int argc, char **argv);
int cmd_stats(const cli_global *g, int argc, char **argv);
int cmd_check(const cli_global *g, int argc, char **argv);
int cmd_render(const cli_global *g, int argc, char **argv);
int cmd_import(const cli_global *g, int argc, char **argv);
int cmd_serve(const cli_global *g, int argc, char **argv);
int cmd_export(const cli_global *g, int argc, char **argv);
int cmd_record(const cli_global *g, int argc, char **argv);
int cmd_retract(const cli_global *g, int argc, char **argv);
int cmd_copy(const cli_global *g, int argc, char **argv);
int cmd_animate(const cli_global *g, int argc, char **argv);
int cmd_places(const cli_global *g, int argc, char **argv);
#endif
