// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl - a small streaming JSON writer.
 */
#include <stdio.h>

#include "json.h"

void json_init(struct json_writer *jw, FILE *out, bool pretty)
{
	jw->out = out;
	jw->pretty = pretty;
	jw->depth = 0;
	jw->sep = false;
}

static void indent(struct json_writer *jw)
{
	unsigned int i;

	if (!jw->pretty)
		return;
	fputc('\n', jw->out);
	for (i = 0; i < jw->depth; i++)
		fputs("    ", jw->out);
}

/* Separator, indentation and key in front of a value. */
static void value_start(struct json_writer *jw, const char *key)
{
	if (jw->sep)
		fputc(',', jw->out);
	if (jw->depth)
		indent(jw);
	if (key) {
		json_quote(jw->out, key);
		fputs(jw->pretty ? ": " : ":", jw->out);
	}
}

static void value_end(struct json_writer *jw)
{
	jw->sep = true;
	if (!jw->depth)
		fputc('\n', jw->out);
}

static void container_open(struct json_writer *jw, const char *key, char c)
{
	value_start(jw, key);
	fputc(c, jw->out);
	jw->depth++;
	jw->sep = false;
}

static void container_close(struct json_writer *jw, char c)
{
	bool empty = !jw->sep;

	jw->depth--;
	if (!empty)
		indent(jw);
	fputc(c, jw->out);
	value_end(jw);
}

void json_object_open(struct json_writer *jw, const char *key)
{
	container_open(jw, key, '{');
}

void json_object_close(struct json_writer *jw)
{
	container_close(jw, '}');
}

void json_array_open(struct json_writer *jw, const char *key)
{
	container_open(jw, key, '[');
}

void json_array_close(struct json_writer *jw)
{
	container_close(jw, ']');
}

void json_string(struct json_writer *jw, const char *key, const char *val)
{
	value_start(jw, key);
	if (val)
		json_quote(jw->out, val);
	else
		fputs("null", jw->out);
	value_end(jw);
}

void json_u64(struct json_writer *jw, const char *key, __u64 val)
{
	value_start(jw, key);
	fprintf(jw->out, "%llu", (unsigned long long)val);
	value_end(jw);
}

void json_s64(struct json_writer *jw, const char *key, __s64 val)
{
	value_start(jw, key);
	fprintf(jw->out, "%lld", (long long)val);
	value_end(jw);
}

void json_bool(struct json_writer *jw, const char *key, bool val)
{
	value_start(jw, key);
	fputs(val ? "true" : "false", jw->out);
	value_end(jw);
}

void json_null(struct json_writer *jw, const char *key)
{
	json_string(jw, key, NULL);
}

/* Length of the valid UTF-8 sequence at @s, 0 if it is not one. */
static unsigned int utf8_len(const unsigned char *s)
{
	unsigned char lo = 0x80, hi = 0xbf;
	unsigned int len, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;
	}
	/* The second byte has the narrowed range, the others 80..bf. */
	for (i = 1; i < len; i++) {
		if (s[i] < lo || s[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return len;
}

void json_quote(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	unsigned int len;

	fputc('"', out);
	while (*s) {
		switch (*s) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\b':
			fputs("\\b", out);
			break;
		case '\f':
			fputs("\\f", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(out, "\\u%04x", *s);
				break;
			}
			len = utf8_len(s);
			if (!len) {
				fputs("\\ufffd", out);
				break;
			}
			fwrite(s, 1, len, out);
			s += len - 1;
			break;
		}
		s++;
	}
	fputc('"', out);
}
