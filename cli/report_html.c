/*
 * report_html.c: the report as one self-contained HTML page: inline CSS,
 * the same tables as the text report (cmd_report.c's section table), and
 * three inline SVG charts drawn from the reply: requests by status, the
 * age of open requests, and a timeline of each open request from sent to
 * due with a line for today. No scripts, fonts or images are fetched, so
 * the file can be mailed or archived as it is.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "foia/civil.h"
#include "render.h"
#include "report.h"

#define CHART_W 760 /* user units of every chart's width */

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc((unsigned char)*s < 0x20 ? ' ' : *s, f);
		}
}

static const char *text_of(const json_t *o, const char *k)
{
	const char *s = member_text(o, k);
	return s ? s : "";
}

static int table(FILE *f, const json_t *res, const struct rsection *s)
{
	const json_t *rows = json_object_get(res, s->key);
	if (strchr(s->key, '.')) /* performance.agencies */
		rows = json_object_get(json_object_get(res, "performance"),
				       "agencies");
	fputs("<h2>", f);
	esc(f, s->title);
	fputs("</h2>\n", f);
	if (json_array_size(rows) == 0) {
		fputs("<p class=\"none\">", f);
		esc(f, s->empty);
		fputs("</p>\n", f);
		return 0;
	}
	fputs("<table><tr>", f);
	for (size_t j = 0; j < s->ncols; j++) {
		fputs(s->cols[j].right ? "<th class=\"n\">" : "<th>", f);
		esc(f, s->cols[j].header);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t i = 0; i < json_array_size(rows); i++) {
		fputs("<tr>", f);
		for (size_t j = 0; j < s->ncols; j++) {
			char *v = report_cell(json_array_get(rows, i),
					      &s->cols[j]);
			if (!v)
				return -1;
			fputs(s->cols[j].right ? "<td class=\"n\">" : "<td>",
			      f);
			esc(f, v);
			fputs("</td>", f);
			free(v);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	return 0;
}

/* Horizontal bars, one per label, scaled to the largest value. */
static void bars(FILE *f, const char *title, const char *const *labels,
		 const json_int_t *values, size_t n, const char *color)
{
	json_int_t max = 1;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	int h = 24 * (int)n + 10;
	fprintf(f,
		"<figure><figcaption>%s</figcaption>\n<svg "
		"xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		"width=\"%d\" height=\"%d\" role=\"img\">\n",
		title, CHART_W, h, CHART_W, h);
	for (size_t i = 0; i < n; i++) {
		int y = 5 + 24 * (int)i;
		int w = (int)((CHART_W - 260) * values[i] / max);
		fprintf(f, "<text x=\"170\" y=\"%d\" text-anchor=\"end\">",
			y + 15);
		esc(f, labels[i]);
		fprintf(f,
			"</text><rect x=\"180\" y=\"%d\" width=\"%d\" "
			"height=\"18\" fill=\"%s\"/><text x=\"%d\" "
			"y=\"%d\">%" JSON_INTEGER_FORMAT "</text>\n",
			y, w > 0 ? w : 1, color, 186 + w, y + 15, values[i]);
	}
	fputs("</svg></figure>\n", f);
}

static int status_chart(FILE *f, const json_t *res)
{
	const json_t *rows = json_object_get(res, "by_status");
	size_t n = json_array_size(rows);
	if (n == 0)
		return 0;
	const char **labels = calloc(n, sizeof(*labels));
	json_int_t *values = calloc(n, sizeof(*values));
	if (!labels || !values) {
		free(labels);
		free(values);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		labels[i] = text_of(json_array_get(rows, i), "status");
		values[i] = member_int(json_array_get(rows, i), "n");
	}
	bars(f, "Requests by status", labels, values, n, "#4e79a7");
	free(labels);
	free(values);
	return 0;
}

static void age_chart(FILE *f, const json_t *res)
{
	static const char *const labels[] = {
		"0-30 days",	"31-60 days",  "61-90 days", "91-180 days",
		"181-365 days", "over a year", "not sent"};
	static const int upto[] = {30, 60, 90, 180, 365, INT32_MAX};
	json_int_t count[7] = {0};
	const json_t *open = json_object_get(res, "open");
	for (size_t i = 0; i < json_array_size(open); i++) {
		const json_t *age =
			json_object_get(json_array_get(open, i), "age_days");
		size_t b = 0;
		if (!json_is_integer(age)) {
			count[6]++;
			continue;
		}
		while (b < 5 && json_integer_value(age) > upto[b])
			b++;
		count[b]++;
	}
	bars(f, "Age of open requests", labels, count, 7, "#f28e2b");
}

static bool date_member(const json_t *o, const char *k, int32_t *d)
{
	const char *s = member_text(o, k);
	return s && civil_parse(s, d);
}

/* Each open request a bar from sent to due (to today when no due date is
 * known, drawn hatched), red once the due date has passed. */
static void timeline(FILE *f, const json_t *res)
{
	const json_t *open = json_object_get(res, "open");
	int32_t today, lo, hi, s, d;
	char buf[16];
	if (!date_member(res, "today", &today))
		return;
	lo = hi = today;
	size_t n = 0;
	for (size_t i = 0; i < json_array_size(open); i++) {
		const json_t *o = json_array_get(open, i);
		if (!date_member(o, "sent", &s))
			continue;
		n++;
		if (s < lo)
			lo = s;
		if (date_member(o, "due", &d) && d > hi)
			hi = d;
	}
	fputs("<figure><figcaption>Open requests from sent to due (the "
	      "line is today; red: overdue; hatched: no due date, the clock "
	      "is stopped)</figcaption>\n",
	      f);
	if (n == 0) {
		fputs("<p class=\"none\">no open request has been sent</p>"
		      "</figure>\n",
		      f);
		return;
	}
	hi += 1;
	int x0 = 230, span = CHART_W - x0 - 10, h = 22 * (int)n + 60;
#define X(day) (x0 + (int)((int64_t)span * ((day)-lo) / (hi - lo)))
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d "
		"%d\" width=\"%d\" height=\"%d\" role=\"img\">\n",
		CHART_W, h, CHART_W, h);
	int y = 22;
	for (size_t i = 0; i < json_array_size(open); i++) {
		const json_t *o = json_array_get(open, i);
		if (!date_member(o, "sent", &s))
			continue;
		bool has_due = date_member(o, "due", &d);
		bool late = has_due && d < today;
		int32_t end = has_due ? d : today;
		const char *fill = has_due ? "#4e79a7" : "url(#hatch)";
		fprintf(f,
			"<text x=\"%d\" y=\"%d\" "
			"text-anchor=\"end\">#%" JSON_INTEGER_FORMAT " ",
			x0 - 6, y + 13, member_int(o, "request"));
		esc(f, text_of(o, "agency"));
		fputs("</text>", f);
		/* Past its due date, the overdue stretch is red up to today. */
		if (late)
			fprintf(f,
				"<rect x=\"%d\" y=\"%d\" width=\"%d\" "
				"height=\"14\" fill=\"#e15759\"/>",
				X(d), y,
				X(today) - X(d) > 2 ? X(today) - X(d) : 2);
		fprintf(f,
			"<rect x=\"%d\" y=\"%d\" width=\"%d\" "
			"height=\"14\" fill=\"%s\"><title>",
			X(s), y, X(end) - X(s) > 2 ? X(end) - X(s) : 2, fill);
		esc(f, text_of(o, "subject"));
		fputs(": sent ", f);
		esc(f, text_of(o, "sent"));
		fputs(has_due ? ", due " : ", no due date", f);
		if (has_due)
			esc(f, text_of(o, "due"));
		fputs("</title></rect>\n", f);
		y += 22;
	}
	civil_format(today, buf, sizeof(buf));
	fprintf(f,
		"<line x1=\"%d\" y1=\"16\" x2=\"%d\" y2=\"%d\" "
		"stroke=\"#000\" stroke-width=\"2\"/><text x=\"%d\" y=\"12\" "
		"text-anchor=\"end\">today %s</text>\n",
		X(today), X(today), y,
		X(today) + 40 < CHART_W ? X(today) + 40 : CHART_W - 2, buf);
	civil_format(lo, buf, sizeof(buf));
	fprintf(f, "<text x=\"%d\" y=\"%d\">%s</text>\n", x0, y + 16, buf);
	civil_format(hi - 1, buf, sizeof(buf));
	fprintf(f, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>\n",
		x0 + span, y + 16, buf);
	fputs("<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" "
	      "patternUnits=\"userSpaceOnUse\"><path d=\"M0,6 l6,-6\" "
	      "stroke=\"#888\" stroke-width=\"2\"/></pattern></defs>\n"
	      "</svg></figure>\n",
	      f);
#undef X
}

int report_html(FILE *f, const json_t *res)
{
	const json_t *t = json_object_get(res, "totals");
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">\n<title>FOIA status report</title>\n"
	      "<style>\nbody{font:14px/1.4 sans-serif;margin:2em;color:#222}"
	      "\ntable{border-collapse:collapse;margin-bottom:1em}\n"
	      "th,td{border:1px solid #ccc;padding:3px 8px;text-align:left}"
	      "\nth{background:#eee}\n.n{text-align:right}\n"
	      ".none{color:#777;font-style:italic}\nfigure{margin:1em 0}\n"
	      "figcaption{font-weight:bold;margin-bottom:.3em}\n"
	      "svg text{font:12px sans-serif}\n</style></head><body>\n",
	      f);
	fputs("<h1>FOIA status report, ", f);
	esc(f, text_of(res, "today"));
	fprintf(f,
		"</h1>\n<p>%" JSON_INTEGER_FORMAT
		" requests, %" JSON_INTEGER_FORMAT " open.</p>\n",
		member_int(t, "requests"), member_int(t, "open"));
	if (status_chart(f, res) < 0)
		return -1;
	age_chart(f, res);
	timeline(f, res);
	for (size_t i = 0; i < report_nsections; i++)
		if (table(f, res, &report_sections[i]) < 0)
			return -1;
	fprintf(f,
		"<p class=\"none\">Statistics need at least "
		"%" JSON_INTEGER_FORMAT " answers. %s</p>\n"
		"</body></html>\n",
		member_int(json_object_get(res, "performance"), "min_sample"),
		REPORT_PUBLISHED_NOTE);
	return ferror(f) ? -1 : 0;
}
