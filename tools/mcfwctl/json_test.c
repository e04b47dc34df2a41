// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the JSON writer: make check.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"

static int failures;

static void expect(const char *name, char *got, const char *want)
{
	if (strcmp(got, want)) {
		fprintf(stderr, "FAIL %s\n  got:  %s\n  want: %s\n", name,
			got, want);
		failures++;
	}
	free(got);
}

static char *quote(const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		exit(2);
	json_quote(f, s);
	fclose(f);
	return buf;
}

static char *document(bool pretty)
{
	struct json_writer jw;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		exit(2);
	json_init(&jw, f, pretty);
	json_object_open(&jw, NULL);
	json_string(&jw, "tool", "v1.0-3-g\"x\"");
	json_u64(&jw, "big", 18446744073709551615ULL);
	json_s64(&jw, "neg", -5);
	json_array_open(&jw, "oif");
	json_string(&jw, NULL, "eth0");
	json_object_open(&jw, NULL);
	json_bool(&jw, "up", true);
	json_object_close(&jw);
	json_array_close(&jw);
	json_array_open(&jw, "empty");
	json_array_close(&jw);
	json_null(&jw, "module");
	json_object_close(&jw);
	fclose(f);
	return buf;
}

int main(void)
{
	expect("plain", quote("eth0"), "\"eth0\"");
	expect("empty", quote(""), "\"\"");
	expect("quote and backslash", quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
	expect("short escapes", quote("\b\f\n\r\t"), "\"\\b\\f\\n\\r\\t\"");
	expect("control", quote("\x01\x1f\x7f"), "\"\\u0001\\u001f\\u007f\"");
	expect("slash kept", quote("a/b"), "\"a/b\"");
	expect("utf-8 kept", quote("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	       "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
	expect("bad lead byte", quote("a\377b"), "\"a\\ufffdb\"");
	expect("overlong", quote("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
	expect("surrogate", quote("\xed\xa0\x80"),
	       "\"\\ufffd\\ufffd\\ufffd\"");
	expect("truncated", quote("\xe2\x82"), "\"\\ufffd\\ufffd\"");
	expect("compact", document(false),
	       "{\"tool\":\"v1.0-3-g\\\"x\\\"\",\"big\":18446744073709551615,\"neg\":-5,\"oif\":[\"eth0\",{\"up\":true}],\"empty\":[],\"module\":null}\n");
	expect("pretty", document(true),
	       "{\n"
	       "    \"tool\": \"v1.0-3-g\\\"x\\\"\",\n"
	       "    \"big\": 18446744073709551615,\n"
	       "    \"neg\": -5,\n"
	       "    \"oif\": [\n"
	       "        \"eth0\",\n"
	       "        {\n"
	       "            \"up\": true\n"
	       "        }\n"
	       "    ],\n"
	       "    \"empty\": [],\n"
	       "    \"module\": null\n"
	       "}\n");

	if (failures) {
		fprintf(stderr, "%d JSON test(s) failed\n", failures);
		return 1;
	}
	printf("json_test: all tests passed\n");
	return 0;
}
