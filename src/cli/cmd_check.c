/* cmd_check.c: `frontline check`: every problem of a tracker, for people or machines. */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "fl_config.h"

static const char help[] =
	"usage: frontline [-d PATH] check [-f table|json]\n"
	"\n"
	"Validates the tracker and reports every problem with file, line and field: invalid or\n"
	"overlapping geometry, unknown regions or actors, events whose 'from' is not the holder\n"
	"then, duplicate ids, corrections pointing nowhere (or nowhere named), presence actors as\n"
	"holders, unknown actor kinds, text that is not UTF-8, zones ending before they start;\n"
	"warnings for an event recorded more than a day before its date, and for an empty 'from'\n"
	"where another actor held the area.\n"
	"Exit status 0 when clean (warnings alone keep 0), 1 on errors.\n";

int cmd_check(const cli_global *g, int argc, char **argv)
{
	int c;
	cli_opts opts;
	cli_opts_init(&opts, "check", help, CLI_FORMAT, NULL, "", 0, argc, argv);
	while ((c = cli_opts_next(&opts)) > 0)
		;
	if (c == CLI_STOP)
		return opts.rc;
	const char *format = opts.format ? opts.format : "table";
	if (strcmp(format, "table") && strcmp(format, "json"))
		return cli_usage_error("check", "-f %s: expected table or json", format);
	const char *path = cli_tracker_path(g);
	fl_check_report *r = NULL;
	if (fl_check_run(path, &r)) {
		cli_error("%s", fl_error_last());
		return 1;
	}
	size_t n = fl_check_count(r), ne = fl_check_errors(r);
	if (!strcmp(format, "json")) {
		json_object *root = json_object_new_object(), *arr = json_object_new_array();
		json_object_object_add(root, "tracker", json_object_new_string(path));
		json_object_object_add(root, "errors", json_object_new_int64((int64_t)ne));
		json_object_object_add(root, "warnings", json_object_new_int64((int64_t)(n - ne)));
		for (size_t i = 0; i < n; i++) {
			const fl_check_item *it = fl_check_at(r, i);
			json_object *o = json_object_new_object();
			json_object_object_add(o, "severity", json_object_new_string(it->is_error ? "error" : "warning"));
			json_object_object_add(o, "file", json_object_new_string(it->file));
			json_object_object_add(o, "line", it->line ? json_object_new_int(it->line) : NULL);
			json_object_object_add(o, "field", it->field ? json_object_new_string(it->field) : NULL);
			json_object_object_add(o, "message", json_object_new_string(it->message));
			json_object_array_add(arr, o);
		}
		json_object_object_add(root, "problems", arr);
		puts(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
								  JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(root);
	} else {
		for (size_t i = 0; i < n; i++) {
			const fl_check_item *it = fl_check_at(r, i);
			printf("%s: %s\n", it->is_error ? "error" : "warning", it->text);
		}
		printf("%s: %zu error(s), %zu warning(s)\n", path, ne, n - ne);
	}
	fl_check_free(r);
	return ne ? 1 : 0;
}
