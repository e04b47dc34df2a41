/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mcfwctl - a small streaming JSON writer.
 *
 * Members of an object take a key, elements of an array and the top-level
 * value take NULL. Closing the top-level value ends the line.
 */
#ifndef MCFWCTL_JSON_H
#define MCFWCTL_JSON_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/types.h>

struct json_writer {
	FILE *out;
	bool pretty;		/* newlines and four-space indentation */
	unsigned int depth;	/* open objects and arrays */
	bool sep;		/* the current container has a value already */
};

void json_init(struct json_writer *jw, FILE *out, bool pretty);

void json_object_open(struct json_writer *jw, const char *key);
void json_object_close(struct json_writer *jw);
void json_array_open(struct json_writer *jw, const char *key);
void json_array_close(struct json_writer *jw);

/* A NULL @val is written as null. */
void json_string(struct json_writer *jw, const char *key, const char *val);
void json_u64(struct json_writer *jw, const char *key, __u64 val);
void json_s64(struct json_writer *jw, const char *key, __s64 val);
void json_bool(struct json_writer *jw, const char *key, bool val);
void json_null(struct json_writer *jw, const char *key);

/*
 * Write @s as a quoted JSON string: quotes, backslashes and control
 * characters are escaped, invalid UTF-8 becomes U+FFFD.
 */
void json_quote(FILE *out, const char *s);

#endif /* MCFWCTL_JSON_H */
