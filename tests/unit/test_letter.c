/*
 * test_letter.c: the letter template language (daemon/letter.c) and the
 * templates foiad ships (each kind in config/templates, read from the
 * repository: tests run from its root; FOIAD_SRCDIR overrides).
 *
 * The language: fields, sections shown and hidden, inverted sections,
 * standalone tag lines dropped whole, inline sections, nesting, values
 * never read as template text, and every kind of bad template refused
 * with "file:line: message", even where the bad tag sits in a section the
 * request would hide. The shipped templates: each kind rendered with the
 * facts of a federal and of a state request, with the fee-waiver and
 * expedited sections on and off, checked for what the statute asks
 * (552(a)(4)(A)(iii), 552(a)(6)(E)(v)(II) and the certification of
 * (E)(vi)) and for no federal citation in a state request's letter.
 * Through the protocol (rpc_handle_line on a ":memory:" store): the letter
 * method's reply and refusals, and letter.send's dry run and refusals
 * (the delivery itself is 96-letters.sh's, against a real SMTP server).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define TESTUTIL_RPC
#include "letter.h"
#include "testutil.h"

#ifndef FOIAD_SRCDIR
#define FOIAD_SRCDIR "."
#endif

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Render text (named "t.txt") with fields; the text must render. */
static char *render_ok(const char *text, const struct letter_field *f, size_t n)
{
	char err[600] = "";
	char *out = letter_render(text, strlen(text), "t.txt", f, n, err,
				  sizeof(err));
	if (!out)
		fail_msg("render failed: %s", err);
	return out;
}

/* Render text; it must fail with exactly want. */
static void bad(const char *text, const struct letter_field *f, size_t n,
		const char *want)
{
	char err[600] = "";
	char *out = letter_render(text, strlen(text), "t.txt", f, n, err,
				  sizeof(err));
	if (out)
		fail_msg("rendered, expected '%s': '%s'", want, out);
	assert_string_equal(err, want);
}

static void expect(const char *text, const struct letter_field *f, size_t n,
		   const char *want)
{
	char *out = render_ok(text, f, n);
	assert_string_equal(out, want);
	free(out);
}

/* --- the language ------------------------------------------------------ */

static const struct letter_field basic[] = {
	{"name", "Ana"},     {"empty", ""},	{"none", NULL},
	{"yes", "yes"},	     {"agency", "ICE"}, {"tricky", "{{name}}"},
	{"multi", "a\nb\n"},
};

static void test_fields(void **state)
{
	(void)state;
	expect("Dear {{name}}, {{ agency }}.\n", basic, N(basic),
	       "Dear Ana, ICE.\n");
	/* No value: nothing, and no trace of the tag. */
	expect("[{{empty}}][{{none}}]\n", basic, N(basic), "[][]\n");
	/* A value is never read as template text. */
	expect("{{tricky}}\n", basic, N(basic), "{{name}}\n");
	/* The last line need not end in a newline. */
	expect("x {{name}}", basic, N(basic), "x Ana");
	expect("", basic, N(basic), "");
	expect("a single { and } stay\n", basic, N(basic),
	       "a single { and } stay\n");
	expect("{{multi}}end\n", basic, N(basic), "a\nb\nend\n");
	/* CRLF line ends are read as LF. */
	expect("{{#yes}}\r\nDear {{name}},\r\n{{/yes}}\r\nx", basic, N(basic),
	       "Dear Ana,\nx");
	expect("{{! a comment }}kept\n", basic, N(basic), "kept\n");
}

static void test_sections(void **state)
{
	(void)state;
	/* Standalone section lines vanish whole, with their blanks. */
	expect("a\n{{#yes}}\nshown\n{{/yes}}\n  {{#none}}  \nhidden\n"
	       "{{/none}}\nb\n",
	       basic, N(basic), "a\nshown\nb\n");
	/* Inverted sections. */
	expect("{{^none}}\nno value\n{{/none}}\n{{^yes}}\nnot shown\n"
	       "{{/yes}}\n",
	       basic, N(basic), "no value\n");
	/* "" is no value, like NULL. */
	expect("{{#empty}}x{{/empty}}{{^empty}}y{{/empty}}\n", basic, N(basic),
	       "y\n");
	/* Inline: the text around stays, the line is kept. */
	expect("To {{name}}{{#agency}} at {{agency}}{{/agency}}{{#none}} "
	       "(never){{/none}}.\n",
	       basic, N(basic), "To Ana at ICE.\n");
	/* Nested, hidden inside shown and shown inside hidden. */
	expect("{{#yes}}\n1\n{{#none}}\n2\n{{#yes}}\n3\n{{/yes}}\n{{/none}}"
	       "\n4\n{{/yes}}\n",
	       basic, N(basic), "1\n4\n");
	/* A comment line vanishes too. */
	expect("{{! about this file }}\ntext\n", basic, N(basic), "text\n");
	/* A line with two tags is not standalone: its newline stays. */
	expect("{{#yes}}{{/yes}}\nx\n", basic, N(basic), "\nx\n");
}

static void test_errors(void **state)
{
	(void)state;
	bad("ok\nDear {{nmae}}\n", basic, N(basic),
	    "t.txt:2: unknown field 'nmae'");
	/* Found even in a section this request hides. */
	bad("{{#none}}\n\n{{agency_nme}}\n{{/none}}\n", basic, N(basic),
	    "t.txt:3: unknown field 'agency_nme'");
	bad("{{#nope}}x{{/nope}}\n", basic, N(basic),
	    "t.txt:1: unknown field 'nope'");
	bad("a\n{{#yes}}\nb\n", basic, N(basic),
	    "t.txt:2: section 'yes' is not closed");
	bad("{{#yes}}\n{{#none}}\n{{/yes}}\n", basic, N(basic),
	    "t.txt:3: '{{/yes}}' closes section 'none' opened at line 2");
	bad("x\n{{/yes}}\n", basic, N(basic),
	    "t.txt:2: '{{/yes}}' closes no open section");
	bad("Dear {{name\n}}\n", basic, N(basic),
	    "t.txt:1: '{{' without '}}' on the same line");
	bad("{{Name}}\n", basic, N(basic),
	    "t.txt:1: bad tag '{{Name}}' (expected {{name}}, {{#name}}, "
	    "{{^name}} or {{/name}} with a name of a-z, 0-9 and _)");
	bad("{{}}\n", basic, N(basic),
	    "t.txt:1: bad tag '{{}}' (expected {{name}}, {{#name}}, "
	    "{{^name}} or {{/name}} with a name of a-z, 0-9 and _)");
	bad("{{name agency}}\n", basic, N(basic),
	    "t.txt:1: bad tag '{{name agency}}' (expected {{name}}, "
	    "{{#name}}, {{^name}} or {{/name}} with a name of a-z, 0-9 and "
	    "_)");
	bad("a\nb \xff\n", basic, N(basic), "t.txt:2: not UTF-8 text");

	char deep[LETTER_MAX_DEPTH * 12 + 32] = "";
	size_t used = 0;
	for (int i = 0; i <= LETTER_MAX_DEPTH; i++)
		used += (size_t)snprintf(deep + used, sizeof(deep) - used,
					 "{{#yes}}\n");
	char want[80];
	snprintf(want, sizeof(want),
		 "t.txt:%d: sections nested more than %d deep",
		 LETTER_MAX_DEPTH + 1, LETTER_MAX_DEPTH);
	bad(deep, basic, N(basic), want);

	char err[200];
	char *big = calloc(LETTER_MAX_TEMPLATE + 2, 1);
	assert_non_null(big);
	memset(big, 'x', LETTER_MAX_TEMPLATE + 1);
	assert_null(letter_render(big, LETTER_MAX_TEMPLATE + 1, "t.txt", basic,
				  N(basic), err, sizeof(err)));
	free(big);
	snprintf(want, sizeof(want), "t.txt: template over %d bytes",
		 LETTER_MAX_TEMPLATE);
	assert_string_equal(err, want);
}

static void test_subject(void **state)
{
	char *subject;
	const char *body;
	(void)state;
	assert_int_equal(letter_split_subject("Subject:  FOIA request: x  \n\n"
					      "\nDear FOIA Officer:\n",
					      &subject, &body),
			 0);
	assert_string_equal(subject, "FOIA request: x");
	assert_string_equal(body, "Dear FOIA Officer:\n");
	free(subject);
	assert_int_equal(
		letter_split_subject("Dear FOIA Officer:\n", &subject, &body),
		0);
	assert_null(subject);
	assert_string_equal(body, "Dear FOIA Officer:\n");
	assert_int_equal(letter_split_subject("Subject: only", &subject, &body),
			 0);
	assert_string_equal(subject, "only");
	assert_string_equal(body, "");
	free(subject);
}

/* --- the shipped templates ---------------------------------------------- */

/* The facts method_letter.c gives every template, as one request has
 * them; tests change a few. */
enum {
	F_ID,
	F_TODAY,
	F_AGENCY,
	F_AGENCY_NAME,
	F_AGENCY_EMAIL,
	F_AGENCY_PORTAL,
	F_AGENCY_ADDRESS,
	F_COMPONENT,
	F_SUBJECT,
	F_DESCRIPTION,
	F_REQUESTER,
	F_CONTACT,
	F_PROJECT,
	F_TRACKING,
	F_METHOD,
	F_STATUS,
	F_SENT,
	F_RECEIVED,
	F_ACKNOWLEDGED,
	F_EXPEDITED,
	F_FEE_WAIVER,
	F_FEE_CATEGORY,
	F_JURISDICTION,
	F_LAW,
	F_STATUTE,
	F_FEDERAL,
	F_DUE,
	F_OVERDUE,
	F_DAYS_OVERDUE,
	F_OVERDUE_BY,
	F_APPEAL_PENDING,
	F_DETERMINATION,
	F_DENIED,
	F_PARTLY_GRANTED,
	F_NO_RECORDS,
	F_DETERMINATION_DATE,
	F_APPEAL_DEADLINE,
	F_COUNT
};

static void federal_facts(struct letter_field f[F_COUNT])
{
	const struct letter_field v[F_COUNT] = {
		[F_ID] = {"id", "12"},
		[F_TODAY] = {"today", "2025-06-02"},
		[F_AGENCY] = {"agency", "CBP"},
		[F_AGENCY_NAME] = {"agency_name",
				   "U.S. Customs and Border Protection"},
		[F_AGENCY_EMAIL] = {"agency_email", "foia@cbp.example"},
		[F_AGENCY_PORTAL] = {"agency_portal", NULL},
		[F_AGENCY_ADDRESS] = {"agency_address", NULL},
		[F_COMPONENT] = {"component", NULL},
		[F_SUBJECT] = {"subject", "Flight manifests, March 2025"},
		[F_DESCRIPTION] = {"description",
				   "Every manifest of the removal flights."},
		[F_REQUESTER] = {"requester", "Ana Ruiz"},
		[F_CONTACT] = {"contact", "ana@example.org"},
		[F_PROJECT] = {"project", "cecot"},
		[F_TRACKING] = {"tracking", "CBP-2025-0042"},
		[F_METHOD] = {"method", "email"},
		[F_STATUS] = {"status", "submitted"},
		[F_SENT] = {"sent", "2025-03-20"},
		[F_RECEIVED] = {"received", NULL},
		[F_ACKNOWLEDGED] = {"acknowledged", NULL},
		[F_EXPEDITED] = {"expedited", NULL},
		[F_FEE_WAIVER] = {"fee_waiver", NULL},
		[F_FEE_CATEGORY] = {"fee_category", NULL},
		[F_JURISDICTION] = {"jurisdiction", "us-federal"},
		[F_LAW] = {"law", "Freedom of Information Act"},
		[F_STATUTE] = {"statute", "5 U.S.C. 552"},
		[F_FEDERAL] = {"federal", "yes"},
		[F_DUE] = {"due", "2025-04-17"},
		[F_OVERDUE] = {"overdue", "yes"},
		[F_DAYS_OVERDUE] = {"days_overdue", "46"},
		[F_OVERDUE_BY] = {"overdue_by", "46 days"},
		[F_APPEAL_PENDING] = {"appeal_pending", NULL},
		[F_DETERMINATION] = {"determination", NULL},
		[F_DENIED] = {"denied", NULL},
		[F_PARTLY_GRANTED] = {"partly_granted", NULL},
		[F_NO_RECORDS] = {"no_records", NULL},
		[F_DETERMINATION_DATE] = {"determination_date", NULL},
		[F_APPEAL_DEADLINE] = {"appeal_deadline", NULL},
	};
	memcpy(f, v, sizeof(v));
}

/* The same request made to a state agency under California's law. */
static void state_facts(struct letter_field f[F_COUNT])
{
	federal_facts(f);
	f[F_AGENCY].value = "CA-DOJ";
	f[F_AGENCY_NAME].value = "California Department of Justice";
	f[F_JURISDICTION].value = "us-ca";
	f[F_LAW].value = "California Public Records Act";
	f[F_STATUTE].value = "Gov. Code 7922.535";
	f[F_FEDERAL].value = NULL;
	f[F_DUE].value = "2025-03-31";
	f[F_DAYS_OVERDUE].value = "63";
	f[F_OVERDUE_BY].value = "63 days";
}

static char *render_file(const char *kind, const struct letter_field *f)
{
	char path[4096], err[600];
	const char *src = getenv("FOIAD_SRCDIR");
	snprintf(path, sizeof(path), "%s/config/templates/%s.txt",
		 src && *src ? src : FOIAD_SRCDIR, kind);
	FILE *fp = fopen(path, "rb");
	if (!fp)
		fail_msg("cannot open %s (run from the repository root or set "
			 "FOIAD_SRCDIR)",
			 path);
	char *text = calloc(LETTER_MAX_TEMPLATE + 1, 1);
	assert_non_null(text);
	size_t len = fread(text, 1, LETTER_MAX_TEMPLATE, fp);
	fclose(fp);
	char *out =
		letter_render(text, len, path, f, F_COUNT, err, sizeof(err));
	free(text);
	if (!out)
		fail_msg("%s: %s", kind, err);
	return out;
}

static void has(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("letter lacks '%s':\n%s", want, text);
}

static void lacks(const char *text, const char *unwanted)
{
	if (strstr(text, unwanted))
		fail_msg("letter has '%s':\n%s", unwanted, text);
}

/* Every line but the last ends in a newline, no tag is left, no line
 * has blanks at its end, and there are never two blank lines in a row. */
static void tidy(const char *text)
{
	lacks(text, "{{");
	lacks(text, "}}");
	lacks(text, " \n");
	lacks(text, "\n\n\n");
}

static void test_request_letter(void **state)
{
	struct letter_field f[F_COUNT];
	char *subject, *t;
	const char *body;
	(void)state;

	federal_facts(f);
	t = render_file("request", f);
	tidy(t);
	assert_int_equal(letter_split_subject(t, &subject, &body), 0);
	assert_string_equal(subject, "Freedom of Information Act request: "
				     "Flight manifests, March 2025");
	free(subject);
	has(body, "U.S. Customs and Border Protection\n");
	has(body, "Freedom of Information Act, 5 U.S.C. 552.");
	has(body, "Every manifest of the removal flights.");
	has(body, "\nAna Ruiz\nana@example.org\n");
	/* Neither section without its flag. */
	lacks(body, "552(a)(4)(A)(iii)");
	lacks(body, "552(a)(6)(E)");
	lacks(body, "true and correct");
	has(body, "Please tell me before incurring any fees.");
	free(t);

	f[F_FEE_WAIVER].value = "yes";
	f[F_FEE_CATEGORY].value = "news-media";
	t = render_file("request", f);
	tidy(t);
	has(t, "waiver of all fees under 5 U.S.C. 552(a)(4)(A)(iii)");
	has(t, "public understanding of the operations or activities of the "
	       "government");
	has(t, "\"news-media\" category");
	lacks(t, "552(a)(6)(E)");
	free(t);

	f[F_FEE_WAIVER].value = NULL;
	f[F_EXPEDITED].value = "yes";
	t = render_file("request", f);
	tidy(t);
	has(t, "expedited processing under 5 U.S.C. 552(a)(6)(E)");
	has(t, "urgency to inform the public concerning actual or alleged "
	       "Federal Government activity (5 U.S.C. 552(a)(6)(E)(v)(II))");
	has(t, "true and correct to the best of my knowledge and belief "
	       "(5 U.S.C. 552(a)(6)(E)(vi))");
	lacks(t, "552(a)(4)(A)(iii)");
	free(t);

	/* A state request: its own law named, no federal citation. */
	state_facts(f);
	f[F_FEE_WAIVER].value = "yes";
	f[F_EXPEDITED].value = "yes";
	f[F_AGENCY_ADDRESS].value = "1300 I Street\nSacramento, CA 95814";
	t = render_file("request", f);
	tidy(t);
	assert_int_equal(letter_split_subject(t, &subject, &body), 0);
	assert_string_equal(subject,
			    "Public records request: Flight manifests, March "
			    "2025");
	free(subject);
	has(body, "a request under the California Public Records Act.");
	has(body, "1300 I Street\nSacramento, CA 95814\n");
	has(body, "waiver of all fees.");
	has(body, "true and correct to the best of my knowledge and belief.");
	lacks(body, "U.S.C.");
	free(t);
}

static void test_followup_letter(void **state)
{
	struct letter_field f[F_COUNT];
	char *t;
	(void)state;

	federal_facts(f);
	t = render_file("follow-up", f);
	tidy(t);
	has(t, "Subject: Follow-up on FOIA request CBP-2025-0042: Flight "
	       "manifests, March 2025\n");
	has(t, "sent to you on 2025-03-20 (your tracking number "
	       "CBP-2025-0042)");
	has(t, "Under 5 U.S.C. 552(a)(6)(A)(i), your determination was due "
	       "on 2025-04-17. It is now 46 days overdue");
	has(t, "552(a)(6)(C)(i)");
	free(t);

	/* An appeal pending: its decision is what is owed, under (A)(ii). */
	f[F_APPEAL_PENDING].value = "yes";
	f[F_OVERDUE_BY].value = "1 day";
	t = render_file("follow-up", f);
	tidy(t);
	has(t, "Under 5 U.S.C. 552(a)(6)(A)(ii), your decision on my appeal "
	       "was due on 2025-04-17. It is now 1 day overdue");
	has(t, "treat the appeal as denied");
	lacks(t, "552(a)(6)(A)(i),");
	free(t);
	f[F_APPEAL_PENDING].value = NULL;

	/* Not yet due: the date, no talk of overdue or of suing. */
	f[F_OVERDUE].value = NULL;
	f[F_DAYS_OVERDUE].value = NULL;
	f[F_OVERDUE_BY].value = NULL;
	f[F_DUE].value = "2025-07-01";
	f[F_TRACKING].value = NULL;
	t = render_file("follow-up", f);
	tidy(t);
	has(t, "Subject: Follow-up on FOIA request: Flight manifests");
	has(t, "your determination is due on 2025-07-01.");
	lacks(t, "overdue");
	lacks(t, "552(a)(6)(C)");
	lacks(t, "tracking number");
	free(t);

	/* A law with no fixed period: no due date at all. */
	f[F_DUE].value = NULL;
	t = render_file("follow-up", f);
	tidy(t);
	lacks(t, "due on");
	has(t, "Please tell me where the request stands");
	free(t);

	state_facts(f);
	t = render_file("follow-up", f);
	tidy(t);
	has(t, "Subject: Follow-up on records request CBP-2025-0042");
	has(t, "Under Gov. Code 7922.535, your determination was due on "
	       "2025-03-31. It is now 63 days overdue");
	lacks(t, "U.S.C.");
	free(t);
}

static void test_appeal_letter(void **state)
{
	struct letter_field f[F_COUNT];
	char *t;
	(void)state;

	federal_facts(f);
	f[F_STATUS].value = "denied";
	f[F_DETERMINATION].value = "denied";
	f[F_DENIED].value = "yes";
	f[F_DETERMINATION_DATE].value = "2025-05-01";
	f[F_APPEAL_DEADLINE].value = "2025-07-30";
	f[F_OVERDUE].value = NULL;
	f[F_DAYS_OVERDUE].value = NULL;
	f[F_OVERDUE_BY].value = NULL;
	t = render_file("appeal", f);
	tidy(t);
	has(t, "Subject: FOIA appeal of request CBP-2025-0042: Flight "
	       "manifests, March 2025\n");
	has(t, "appeal under the Freedom of Information Act, 5 U.S.C. "
	       "552(a)(6)(A)(ii), of the determination of 2025-05-01 on my "
	       "request number CBP-2025-0042, sent on 2025-03-20");
	has(t, "The request was denied.");
	lacks(t, "found no records");
	has(t, "runs until 2025-07-30 (5 U.S.C. 552(a)(6)(A)(i)(III)(aa))");
	free(t);

	f[F_DENIED].value = NULL;
	f[F_NO_RECORDS].value = "yes";
	f[F_DETERMINATION].value = "no-records";
	t = render_file("appeal", f);
	tidy(t);
	has(t, "adequacy of the search");
	lacks(t, "The request was denied.");
	free(t);

	state_facts(f);
	f[F_DETERMINATION].value = "partially-granted";
	f[F_PARTLY_GRANTED].value = "yes";
	f[F_DETERMINATION_DATE].value = "2025-05-01";
	f[F_APPEAL_DEADLINE].value = NULL;
	t = render_file("appeal", f);
	tidy(t);
	has(t, "Subject: Appeal of request CBP-2025-0042");
	has(t, "appeal under the California Public Records Act of the "
	       "determination of 2025-05-01");
	has(t, "granted only in part");
	lacks(t, "U.S.C.");
	lacks(t, "timely");
	free(t);
}

/* A template naming a field no request has fails with its own path. */
static void test_template_file_error(void **state)
{
	struct letter_field f[F_COUNT];
	char err[600];
	(void)state;
	federal_facts(f);
	const char *text = "Subject: x\n\n{{#fee_waiver}}\n{{fee_wiaver}}\n"
			   "{{/fee_waiver}}\n";
	assert_null(letter_render(text, strlen(text),
				  "/etc/foiad/templates/request.txt", f,
				  F_COUNT, err, sizeof(err)));
	assert_string_equal(err, "/etc/foiad/templates/request.txt:4: "
				 "unknown field 'fee_wiaver'");
}

/* --- the methods -------------------------------------------------------- */

static char templates[2048];

static void add_agency(const char *code, const char *email, const char *portal)
{
	struct agency a = {.code = (char *)code,
			   .name = (char *)"Test Agency",
			   .jurisdiction = (char *)"us-federal",
			   .email = (char *)email,
			   .portal = (char *)portal};
	assert_int_equal(store_agency_insert(dmn.store, &a), STORE_OK);
}

static int methods_setup(void **state)
{
	const char *src = getenv("FOIAD_SRCDIR");
	(void)state;
	snprintf(templates, sizeof(templates), "%s/config/templates",
		 src && *src ? src : FOIAD_SRCDIR);
	if (rpc_open() < 0)
		return -1;
	dmn.cfg.letters.templates = templates;
	add_agency("MAILED", "foia@mailed.example", NULL);
	add_agency("PORTAL", NULL, "https://portal.example/foia");
	return 0;
}

static int methods_teardown(void **state)
{
	(void)state;
	dmn.cfg.letters.templates = NULL;
	dmn.cfg.smtp.url = dmn.cfg.smtp.from = NULL;
	rpc_close();
	return 0;
}

static json_int_t file_request(const char *agency, bool fee_waiver)
{
	json_t *r = ok("request.file",
		       P("{s:[s], s:s, s:b}", "agencies", agency, "subject",
			 "Flight manifests", "fee_waiver", fee_waiver));
	return json_integer_value(json_array_get(get(r, "ids"), 0));
}

static void test_method_letter(void **state)
{
	(void)state;
	json_int_t id = file_request("MAILED", true);
	assert_int_equal(id, 1);
	json_t *r = ok("letter", P("{s:I}", "id", id));
	expect_str(r, "kind", "request");
	expect_int(r, "request", id);
	expect_str(r, "subject",
		   "Freedom of Information Act request: Flight manifests");
	has(json_string_value(get(r, "text")), "5 U.S.C. 552(a)(4)(A)(iii)");
	lacks(json_string_value(get(r, "text")), "Subject:");
	char want[4200];
	snprintf(want, sizeof(want), "%s/request.txt", templates);
	expect_str(r, "template", want);
	expect_str(get(r, "to"), "email", "foia@mailed.example");
	expect_str(get(r, "to"), "agency", "MAILED");

	fails("letter", P("{s:I, s:s}", "id", id, "kind", "follow-up"),
	      "conflict",
	      "request 1 has not been sent: a follow-up needs its sent date "
	      "(foia update 1 --sent DATE)");
	fails("letter", P("{s:I, s:s}", "id", id, "kind", "appeal"), "conflict",
	      "request 1 has no adverse determination to appeal (it is "
	      "draft; an appeal answers denied, partially-granted or "
	      "no-records)");
	fails("letter", P("{s:I, s:s}", "id", id, "kind", "Appeal"), "invalid",
	      "unknown kind 'Appeal' (expected request, follow-up or appeal, "
	      "or the name of a template of your own)");
	snprintf(want, sizeof(want),
		 "unknown kind 'nonesuch': no template %s/nonesuch.txt "
		 "(expected request, follow-up or appeal, or a template of "
		 "your own in letters.templates)",
		 templates);
	fails("letter", P("{s:I, s:s}", "id", id, "kind", "nonesuch"),
	      "not_found", want);
	fails("letter", P("{s:i}", "id", 99), "not_found", NULL);
	fails("letter", P("{s:I, s:b}", "id", id, "dry_run", 1), "invalid",
	      NULL);

	/* No templates directory at all: said so, not a crash. */
	dmn.cfg.letters.templates = NULL;
	fails("letter", P("{s:I}", "id", id), "not_found",
	      "no letter templates are configured (see letters.templates in "
	      "foiad.conf)");
	dmn.cfg.letters.templates = templates;
}

static void test_method_send(void **state)
{
	(void)state;
	json_int_t id = file_request("MAILED", false);
	json_int_t portal = file_request("PORTAL", false);
	json_t *before = ok("request.show", P("{s:I}", "id", id));
	char *before_text = json_dumps(before, JSON_SORT_KEYS);

	fails("letter.send", P("{s:I, s:b}", "id", id, "dry_run", 1),
	      "conflict",
	      "no smtp block in foiad.conf: letters cannot be emailed (see "
	      "'smtp' in foiad.conf, or print the letter with foia letter "
	      "1)");
	dmn.cfg.smtp.url = (char *)"smtp://127.0.0.1:1";
	dmn.cfg.smtp.from = (char *)"foiad@example.org";
	fails("letter.send", P("{s:I}", "id", portal), "conflict",
	      "agency PORTAL has no email: file it through the portal "
	      "https://portal.example/foia");
	fails("letter.send", P("{s:I, s:s}", "id", id, "dry_run", "yes"),
	      "invalid", "'dry_run' must be true or false");
	fails("letter.send", P("{s:I, s:i}", "id", id, "again", 1), "invalid",
	      "'again' must be true or false");

	json_t *r = ok("letter.send", P("{s:I, s:b}", "id", id, "dry_run", 1));
	expect_bool(r, "dry_run", true);
	expect_str(r, "to", "foia@mailed.example");
	const char *msg = json_string_value(get(r, "message"));
	has(msg, "\r\nTo: foia@mailed.example\r\n");
	has(msg, "\r\nFrom: foiad@example.org\r\n");
	has(msg, "\r\nSubject: Freedom of Information Act request: Flight "
		 "manifests\r\n");
	has(msg, "\r\nMessage-ID: <foiad.1.request.");
	has(msg, "@example.org>\r\n");
	lacks(msg, "552(a)(4)(A)(iii)");
	const char *mid = json_string_value(get(r, "message_id"));
	assert_non_null(mid);
	has(msg, mid);

	/* A caller that cannot wait for the server is refused before
	 * anything is sent. */
	fails("letter.send", P("{s:I}", "id", id), "invalid",
	      "this caller cannot wait for the mail server; use dry_run");

	json_t *after = ok("request.show", P("{s:I}", "id", id));
	char *after_text = json_dumps(after, JSON_SORT_KEYS);
	assert_string_equal(after_text, before_text);
	free(before_text);
	free(after_text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_request_letter),
		cmocka_unit_test(test_followup_letter),
		cmocka_unit_test(test_appeal_letter),
		cmocka_unit_test(test_template_file_error),
		cmocka_unit_test_setup_teardown(
			test_method_letter, methods_setup, methods_teardown),
		cmocka_unit_test_setup_teardown(test_method_send, methods_setup,
						methods_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
