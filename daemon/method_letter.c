/*
 * method_letter.c: letter, a request's letter rendered from a template
 * (`foia letter`), and the making of it for letter.send
 * (method_letter_send.c).
 *
 * A letter is a template of letters.templates (<kind>.<jurisdiction>.txt
 * when there is one for the request's law, else <kind>.txt) rendered
 * (letter.h) with the facts of one request: its fields, its agency, its
 * law's citation, and what its history and deadlines say (the statutory
 * due date and the days overdue, the adverse determination and its date,
 * the appeal deadline). Three kinds come with foiad: request, follow-up
 * and appeal; any other name is a template a group added. A follow-up
 * needs a request that was sent, an appeal an adverse determination. The
 * template is read each time, so an edit needs no reload.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "deadline_json.h"
#include "event_list.h"
#include "foia/civil.h"
#include "foia/protocol.h"
#include "letter.h"
#include "letter_make.h"
#include "method_util.h"
#include "methods.h"

#define BUILTIN_KINDS "request, follow-up or appeal"

/* The answers an appeal is made against. */
static const char *const adverse_statuses[] = {"denied", "partially-granted",
					       "no-records", NULL};

static bool is_adverse(const char *status)
{
	for (size_t i = 0; status && adverse_statuses[i]; i++)
		if (strcmp(status, adverse_statuses[i]) == 0)
			return true;
	return false;
}

void letter_clear(struct letter *l)
{
	request_clear(&l->r);
	agency_clear(&l->a);
	free(l->text);
	free(l->subject);
}

/* The facts a template may name that are not fields of the request. */
struct facts {
	char id[24], today[16];
	char due[16], days_overdue[16], overdue_by[24];
	bool appeal_pending; /* due is the appeal decision's */
	char determination_date[16], appeal_deadline[16];
	const char *determination;
	const char *statute, *law;
	bool federal;
};

/* --- the facts -------------------------------------------------------- */

/* The last adverse determination in the history: its status and date. */
static void find_determination(const struct event_list *ev, struct facts *f)
{
	for (size_t i = 0; i < ev->n; i++) {
		const struct event *e = &ev->v[i];
		if (!e->kind || strcmp(e->kind, "status") != 0 ||
		    !is_adverse(e->new_value))
			continue;
		f->determination = adverse_statuses[0];
		for (size_t k = 0; adverse_statuses[k]; k++)
			if (strcmp(adverse_statuses[k], e->new_value) == 0)
				f->determination = adverse_statuses[k];
		const char *date = e->date ? e->date : e->at;
		snprintf(f->determination_date, sizeof(f->determination_date),
			 "%.10s", date ? date : "");
	}
}

static const struct rd_deadline *deadline_of(const struct rd_set *set,
					     enum rd_kind kind)
{
	for (size_t i = 0; i < set->n; i++)
		if (set->v[i].kind == kind && set->v[i].has_due)
			return &set->v[i];
	return NULL;
}

/* The date the agency owes its answer by: the appeal decision's once an
 * appeal is pending, else the determination's, unless it was met. */
static void due_dates(const struct rd_set *set, int32_t today, struct facts *f)
{
	const struct rd_deadline *det = deadline_of(set, RD_DETERMINATION);
	const struct rd_deadline *dec = deadline_of(set, RD_APPEAL_DECISION);
	const struct rd_deadline *win = deadline_of(set, RD_APPEAL_WINDOW);
	const struct rd_deadline *owed = NULL;
	if (dec && dec->state != RD_STATE_MET) {
		owed = dec;
		f->appeal_pending = true;
	} else if (det && det->state != RD_STATE_MET) {
		owed = det;
	}
	if (owed) {
		civil_format(owed->due, f->due, sizeof(f->due));
		int days = (int)(today - owed->due);
		if (owed->state == RD_STATE_OVERDUE && days > 0) {
			snprintf(f->days_overdue, sizeof(f->days_overdue), "%d",
				 days);
			snprintf(f->overdue_by, sizeof(f->overdue_by),
				 "%d day%s", days, days == 1 ? "" : "s");
		}
	}
	if (win)
		civil_format(win->due, f->appeal_deadline,
			     sizeof(f->appeal_deadline));
}

static int gather(struct call *c, struct letter *l, struct facts *f)
{
	struct event_list ev;
	struct rd_set set;
	int32_t today = today_days();

	memset(f, 0, sizeof(*f));
	snprintf(f->id, sizeof(f->id), "%lld", (long long)l->r.id);
	civil_format(today, f->today, sizeof(f->today));
	int rc = event_list_load(c->d->store, l->r.id, &ev);
	if (rc != STORE_OK)
		return store_failure(c, rc, "read the history");
	find_determination(&ev, f);
	event_list_free(&ev);
	if (!f->determination && is_adverse(l->r.status))
		f->determination = l->r.status;
	rc = request_deadline_set(c, &l->r, false, &set);
	if (rc < 0)
		return -1;
	due_dates(&set, today, f);
	const struct jurisdiction *law =
		l->r.jurisdiction
			? jurisdiction_find(&c->d->laws, l->r.jurisdiction)
			: NULL;
	f->federal = l->r.jurisdiction &&
		     strcmp(l->r.jurisdiction, "us-federal") == 0;
	if (law) {
		f->statute = law->citation;
		f->law = law->name;
	} else if (f->federal) {
		/* No laws loaded: the federal citation is still known. */
		f->statute = "5 U.S.C. 552";
		f->law = "Freedom of Information Act";
	}
	return 0;
}

static const char *yes(bool b)
{
	return b ? "yes" : NULL;
}

static bool det_is(const struct facts *f, const char *status)
{
	return f->determination && strcmp(f->determination, status) == 0;
}

/* --- the template ----------------------------------------------------- */

/* A kind is a template's name: a-z, 0-9 and '-', starting with a letter. */
static bool kind_ok(const char *k)
{
	size_t n = strlen(k);
	if (n == 0 || n > LETTER_KIND_MAX || k[0] < 'a' || k[0] > 'z')
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') ||
		      (k[i] >= '0' && k[i] <= '9') || k[i] == '-'))
			return false;
	return true;
}

/* The template of kind for the request's law: path set, 1 when found,
 * 0 when neither file exists, -1 on an error recorded in c. */
static int find_template(struct call *c, struct letter *l)
{
	const char *dir = c->d->cfg.letters.templates;
	if (!dir)
		return call_error(c, FOIA_E_NOT_FOUND,
				  "no letter templates are configured (see "
				  "letters.templates in foiad.conf)");
	const char *juris = l->r.jurisdiction;
	struct stat st;
	for (int pass = juris ? 0 : 1; pass < 2; pass++) {
		int n = pass == 0
				? snprintf(l->path, sizeof(l->path),
					   "%s/%s.%s.txt", dir, l->kind, juris)
				: snprintf(l->path, sizeof(l->path),
					   "%s/%s.txt", dir, l->kind);
		if (n < 0 || (size_t)n >= sizeof(l->path))
			return call_error(c, FOIA_E_INTERNAL,
					  "letters.templates path too long");
		if (stat(l->path, &st) == 0)
			return 1;
		if (errno != ENOENT)
			return call_error(c, FOIA_E_INTERNAL,
					  "cannot read the template '%s': %s",
					  l->path, strerror(errno));
	}
	return 0;
}

/* The file at l->path, whole; NULL with the error in c. */
static char *read_template(struct call *c, const char *path, size_t *len)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		int e = fd < 0 ? errno : EINVAL;
		if (fd >= 0)
			close(fd);
		call_error(c, FOIA_E_INTERNAL,
			   "cannot read the template '%s': %s", path,
			   e == EINVAL ? "not a regular file" : strerror(e));
		return NULL;
	}
	char *buf = malloc(LETTER_MAX_TEMPLATE + 2);
	size_t n = 0;
	while (buf && n <= LETTER_MAX_TEMPLATE) {
		ssize_t got = read(fd, buf + n, LETTER_MAX_TEMPLATE + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			call_error(c, FOIA_E_INTERNAL,
				   "cannot read the template '%s': %s", path,
				   strerror(errno));
			free(buf);
			close(fd);
			return NULL;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	close(fd);
	if (!buf) {
		call_error(c, FOIA_E_INTERNAL, "out of memory");
		return NULL;
	}
	if (n > LETTER_MAX_TEMPLATE) {
		call_error(c, FOIA_E_INTERNAL, "%s: template over %d bytes",
			   path, LETTER_MAX_TEMPLATE);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* The kind asked for, or the one the request's state calls for: a draft
 * is to be sent, an adverse answer appealed, anything else followed up. */
static int choose_kind(struct call *c, json_t *params, struct letter *l)
{
	const char *kind;
	if (param_string(c, params, "kind", &kind) < 0)
		return -1;
	if (!kind)
		kind = strcmp(l->r.status, "draft") == 0 ? "request"
		       : is_adverse(l->r.status)	 ? "appeal"
							 : "follow-up";
	if (!kind_ok(kind))
		return call_error(c, FOIA_E_INVALID,
				  "unknown kind '%.40s' (expected %s, or the "
				  "name of a template of your own)",
				  kind, BUILTIN_KINDS);
	snprintf(l->kind, sizeof(l->kind), "%s", kind);
	return 0;
}

static bool builtin(const char *kind)
{
	return strcmp(kind, "request") == 0 || strcmp(kind, "follow-up") == 0 ||
	       strcmp(kind, "appeal") == 0;
}

/* What the built-in kinds need of the request. */
static int kind_applies(struct call *c, const struct letter *l,
			const struct facts *f)
{
	long long id = (long long)l->r.id;
	if (strcmp(l->kind, "follow-up") == 0 && !l->r.sent)
		return call_error(c, FOIA_E_CONFLICT,
				  "request %lld has not been sent: a "
				  "follow-up needs its sent date (foia update "
				  "%lld --sent DATE)",
				  id, id);
	if (strcmp(l->kind, "appeal") == 0 && !f->determination)
		return call_error(c, FOIA_E_CONFLICT,
				  "request %lld has no adverse determination "
				  "to appeal (it is %s; an appeal answers "
				  "denied, partially-granted or no-records)",
				  id, l->r.status);
	return 0;
}

int letter_make(struct call *c, json_t *params, struct letter *l)
{
	struct facts f;
	char err[600];
	int64_t id;
	size_t len;

	if (param_id(c, params, "id", &id) < 0 ||
	    request_load(c, id, &l->r) < 0)
		return -1;
	int rc = store_agency_get(c->d->store, l->r.agency, &l->a);
	if (rc != STORE_OK && rc != STORE_NOT_FOUND)
		return store_failure(c, rc, "read the agency");
	if (choose_kind(c, params, l) < 0 || gather(c, l, &f) < 0 ||
	    kind_applies(c, l, &f) < 0)
		return -1;
	rc = find_template(c, l);
	if (rc < 0)
		return -1;
	if (rc == 0 && builtin(l->kind))
		return call_error(
			c, FOIA_E_NOT_FOUND,
			"no template %s/%s.txt (see letters.templates "
			"in foiad.conf)",
			c->d->cfg.letters.templates, l->kind);
	if (rc == 0)
		return call_error(c, FOIA_E_NOT_FOUND,
				  "unknown kind '%s': no template %s/%s.txt "
				  "(expected %s, or a template of your own "
				  "in letters.templates)",
				  l->kind, c->d->cfg.letters.templates, l->kind,
				  BUILTIN_KINDS);
	const struct letters_config *cfg = &c->d->cfg.letters;
	const struct request *r = &l->r;
	const struct letter_field fields[] = {
		{"id", f.id},
		{"today", f.today},
		{"agency", r->agency},
		{"agency_name", r->agency_name ? r->agency_name : l->a.name},
		{"agency_email", l->a.email},
		{"agency_portal", l->a.portal},
		{"agency_address", l->a.address},
		{"component", r->component},
		{"subject", r->subject},
		{"description", r->description},
		{"requester", r->requester ? r->requester : cfg->requester},
		{"contact", cfg->contact},
		{"project", r->project},
		{"tracking", r->tracking},
		{"method", r->method},
		{"status", r->status},
		{"sent", r->sent},
		{"received", r->received},
		{"acknowledged", r->acknowledged},
		{"expedited", yes(r->expedited)},
		{"fee_waiver", yes(r->fee_waiver)},
		{"fee_category", r->fee_category},
		{"jurisdiction", r->jurisdiction},
		{"law", f.law},
		{"statute", f.statute},
		{"federal", yes(f.federal)},
		{"due", f.due},
		{"overdue", yes(f.days_overdue[0])},
		{"days_overdue", f.days_overdue},
		{"overdue_by", f.overdue_by},
		{"appeal_pending", yes(f.appeal_pending)},
		{"determination", f.determination},
		{"denied", yes(det_is(&f, "denied"))},
		{"partly_granted", yes(det_is(&f, "partially-granted"))},
		{"no_records", yes(det_is(&f, "no-records"))},
		{"determination_date", f.determination_date},
		{"appeal_deadline", f.appeal_deadline},
	};
	char *tmpl = read_template(c, l->path, &len);
	if (!tmpl)
		return -1;
	l->text = letter_render(tmpl, len, l->path, fields,
				sizeof(fields) / sizeof(fields[0]), err,
				sizeof(err));
	free(tmpl);
	if (!l->text)
		return call_error(c, FOIA_E_INTERNAL, "%s", err);
	if (letter_split_subject(l->text, &l->subject, &l->body) < 0)
		return call_error(c, FOIA_E_INTERNAL, "out of memory");
	if (!l->subject) {
		size_t n = strlen(r->subject) + 32;
		if (!(l->subject = malloc(n)))
			return call_error(c, FOIA_E_INTERNAL, "out of memory");
		snprintf(l->subject, n, "Freedom of Information: %s",
			 r->subject);
	}
	return 0;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *to_json(const struct letter *l)
{
	return json_pack("{s:s, s:o, s:o, s:o, s:o}", "agency", l->r.agency,
			 "name", str_or_null(l->a.name), "email",
			 str_or_null(l->a.email), "portal",
			 str_or_null(l->a.portal), "address",
			 str_or_null(l->a.address));
}

int method_letter(struct call *c, json_t *params, json_t **result)
{
	static const char *const allowed[] = {"id", "kind", NULL};
	struct letter l = {0};
	int rc = -1;

	if (params_known(c, params, allowed, false) < 0 ||
	    letter_make(c, params, &l) < 0)
		goto out;
	*result = json_pack("{s:I, s:s, s:s, s:s, s:s, s:o}", "request",
			    (json_int_t)l.r.id, "kind", l.kind, "subject",
			    l.subject, "text", l.body, "template", l.path, "to",
			    to_json(&l));
	rc = *result ? 0
		     : call_error(c, FOIA_E_INTERNAL,
				  "out of memory (or a value that is not "
				  "UTF-8)");
out:
	letter_clear(&l);
	return rc;
}
