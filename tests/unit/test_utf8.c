/*
 * test_utf8.c: the UTF-8 check every text of a tracker goes through
 * (src/utf8.c): well-formed sequences of every length pass; stray and
 * truncated sequences, overlongs, surrogates and code points above U+10FFFF
 * are refused at the offset where they start.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "utf8.h"

static size_t at(const char *s)
{
	return fl__utf8_invalid_at(s, strlen(s));
}

static void test_valid(void **state)
{
	(void)state;
	assert_int_equal(at(""), SIZE_MAX);
	assert_int_equal(at("plain ASCII, \x7f"), SIZE_MAX);
	assert_int_equal(at("Ağdam, Şuşa, Ханкенди, Խանքենդի"), SIZE_MAX);
	/* the first and last code point of each length, and around the surrogates */
	assert_int_equal(at("\xc2\x80 \xdf\xbf"), SIZE_MAX);                 /* U+0080, U+07FF */
	assert_int_equal(at("\xe0\xa0\x80 \xef\xbf\xbf"), SIZE_MAX);         /* U+0800, U+FFFF */
	assert_int_equal(at("\xed\x9f\xbf \xee\x80\x80"), SIZE_MAX);         /* U+D7FF, U+E000 */
	assert_int_equal(at("\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf"), SIZE_MAX); /* U+10000, U+10FFFF */
	assert_true(fl__utf8_valid(NULL));
	assert_true(fl__utf8_valid("€"));
	/* only n bytes are looked at */
	assert_int_equal(fl__utf8_invalid_at("ok\xff", 2), SIZE_MAX);
}

static void test_invalid(void **state)
{
	(void)state;
	assert_int_equal(at("caf\xe9"), 3);               /* Latin-1 */
	assert_int_equal(at("a\x80"), 1);                 /* a lone continuation byte */
	assert_int_equal(at("\xc3"), 0);                  /* cut after the lead byte */
	assert_int_equal(at("ab\xe2\x82"), 2);            /* cut inside three bytes */
	assert_int_equal(at("\xe2\x82x"), 0);             /* not a continuation */
	assert_int_equal(at("\xf0\x9f\x98"), 0);          /* cut inside four bytes */
	/* overlongs */
	assert_int_equal(at("\xc0\xaf"), 0);              /* '/' in two bytes */
	assert_int_equal(at("\xc1\xbf"), 0);
	assert_int_equal(at("\xe0\x80\xaf"), 0);          /* '/' in three */
	assert_int_equal(at("\xe0\x9f\xbf"), 0);          /* U+07FF in three */
	assert_int_equal(at("\xf0\x80\x80\xaf"), 0);      /* '/' in four */
	assert_int_equal(at("\xf0\x8f\xbf\xbf"), 0);      /* U+FFFF in four */
	/* UTF-16 surrogates */
	assert_int_equal(at("x\xed\xa0\x80"), 1);         /* U+D800 */
	assert_int_equal(at("\xed\xbf\xbf"), 0);          /* U+DFFF */
	/* above U+10FFFF, and bytes that never occur */
	assert_int_equal(at("\xf4\x90\x80\x80"), 0);      /* U+110000 */
	assert_int_equal(at("\xf5\x80\x80\x80"), 0);
	assert_int_equal(at("ok \xfe"), 3);
	assert_int_equal(at("ok \xff"), 3);
	assert_false(fl__utf8_valid("\xed\xa0\x80"));
	/* the first bad byte, after good multi-byte text */
	assert_int_equal(at("Şuşa\xe9"), 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_invalid),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
