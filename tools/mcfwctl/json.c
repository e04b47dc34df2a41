// SPDX-License-Identifier: GPL-2.0
/*
 * mcfwctl - a small streaming JSON writer.
 */
#include <stdio.h>

#include "json.h"

/*
 * A dump of many routes is many small writes: putc_unlocked() is a store
 * into stdio's buffer, where fputs() and fprintf() are calls that each
 * go through the stream's machinery again. mcfwctl has one thread.
 */
static void jputs(FILE *out, const char *s)
{
	while (*s)
		putc_unlocked(*s++, out);
}

static void jput_u64(FILE *out, unsigned long long v)
{
	char buf[24];
	unsigned int i = sizeof(buf);

	do {
		buf[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (i < sizeof(buf))
		putc_unlocked(buf[i++], out);
}

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
	putc_unlocked('\n', jw->out);
	for (i = 0; i < jw->depth; i++)
		jputs(jw->out, "    ");
}

/* Separator, indentation and key in front of a value. */
static void value_start(struct json_writer *jw, const char *key)
{
	if (jw->sep)
		putc_unlocked(',', jw->out);
	if (jw->depth)
		indent(jw);
	if (key) {
		json_quote(jw->out, key);
		jputs(jw->out, jw->pretty ? ": " : ":");
	}
}

static void value_end(struct json_writer *jw)
{
	jw->sep = true;
	if (!jw->depth)
		putc_unlocked('\n', jw->out);
}

static void container_open(struct json_writer *jw, const char *key, char c)
{
	value_start(jw, key);
	putc_unlocked(c, jw->out);
	jw->depth++;
	jw->sep = false;
}

static void container_close(struct json_writer *jw, char c)
{
	bool empty = !jw->sep;

	jw->depth--;
	if (!empty)
		indent(jw);
	putc_unlocked(c, jw->out);
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
		jputs(jw->out, "null");
	value_end(jw);
}

void json_u64(struct json_writer *jw, const char *key, __u64 val)
{
	value_start(jw, key);
	jput_u64(jw->out, val);
	value_end(jw);
}

void json_s64(struct json_writer *jw, const char *key, __s64 val)
{
	value_start(jw, key);
	if (val < 0) {
		putc_unlocked('-', jw->out);
		jput_u64(jw->out, -(unsigned long long)val);
	} else {
		jput_u64(jw->out, val);
	}
	value_end(jw);
}

void json_bool(struct json_writer *jw, const char *key, bool val)
{
	value_start(jw, key);
	jputs(jw->out, val ? "true" : "false");
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

	putc_unlocked('"', out);
	while (*s) {
		switch (*s) {
		case '"':
			jputs(out, "\\\"");
			break;
		case '\\':
			jputs(out, "\\\\");
			break;
		case '\b':
			jputs(out, "\\b");
			break;
		case '\f':
			jputs(out, "\\f");
			break;
		case '\n':
			jputs(out, "\\n");
			break;
		case '\r':
			jputs(out, "\\r");
			break;
		case '\t':
			jputs(out, "\\t");
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fprintf(out, "\\u%04x", *s);
				break;
			}
			len = utf8_len(s);
			if (!len) {
				jputs(out, "\\ufffd");
				break;
			}
			while (--len)
				putc_unlocked(*s++, out);
			putc_unlocked(*s, out);
			break;
		}
		s++;
	}
	putc_unlocked('"', out);
}
