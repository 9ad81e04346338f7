/*
 * fuzz_csvlint.c: the structural CSV check (src/store/csvlint.c) on any bytes.
 *
 * The record lines it returns must be increasing and within the file.
 */
#include "diag.h"
#include "store/csvlint.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dir = fz_init();
	fz_write(dir, "x.csv", data, size);
	char path[512];
	snprintf(path, sizeof path, "%s/x.csv", dir);
	fl__diags d = {0};
	int *lines = NULL;
	size_t n = 0;
	if (fl__csv_lint(path, "x.csv", &d, &lines, &n) == FL_OK) {
		int maxline = 1;
		for (size_t i = 0; i < size; i++)
			maxline += data[i] == '\n' || data[i] == '\r';
		for (size_t i = 0; i < n; i++) {
			FZ_ASSERT(lines[i] >= 2 && lines[i] <= maxline);
			FZ_ASSERT(i == 0 || lines[i] > lines[i - 1]);
		}
		for (size_t i = 0; i < d.n; i++) {
			char *text = fl__diag_text(&d.v[i]);
			FZ_ASSERT(text);
			free(text);
		}
		free(lines);
	}
	fl__diags_free(&d);
	fl_error_clear();
	return 0;
}
