/*
 * test_roles.c: unit tests of the two roles (daemon/peer.c peer_is_admin,
 * enforced by daemon/rpc.c and, for restoring a backup, by the import
 * handler).
 *
 * Members (anyone allowed on the socket) read, file and update; admins
 * (root, foiad's own user, access.admins, members of access.admin_group;
 * in user mode whoever is connected) also add and change agencies, import
 * holidays and restore a JSON backup. Every refusal is "forbidden", names
 * the method and changes nothing. The calls go through the protocol
 * envelope on a ":memory:" store, as peers made up here, with uids that
 * are neither root nor the test's own.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "daemon.h"
#include "foia/protocol.h"
#include "peer.h"
#include "rpc.h"

#define TESTUTIL_RPC
#include "testutil.h"

/* A uid that is neither root nor ours, and one for a second member. */
static struct peer member, other;

static void make_peer(struct peer *p, const char *name, uid_t uid, gid_t gid)
{
	memset(p, 0, sizeof(*p));
	p->pid = 1;
	p->uid = uid;
	p->gid = gid;
	snprintf(p->name, sizeof(p->name), "%s", name);
}

static int setup(void **state)
{
	(void)state;
	uid_t base = geteuid() == 0 ? 4000 : geteuid() + 4000;
	if (rpc_open() < 0)
		return -1;
	dmn.system_mode = true;
	/* primary groups no real group has */
	make_peer(&member, "mallory", base + 1, 4242);
	make_peer(&other, "bob", base + 2, 4243);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(dmn.cfg.access_admin_group);
	dmn.cfg.access_admin_group = NULL;
	rpc_close();
	return 0;
}

/* method with params (stolen) called by peer p: the reply. */
static json_t *as(const struct peer *p, const char *method, json_t *params)
{
	char *line = request_line(method, params);
	json_t *reply =
		parse_reply(rpc_handle_line(&dmn, p, line, strlen(line)));
	free(line);
	return reply;
}

static void expect_forbidden(const struct peer *p, const char *method,
			     json_t *params, const char *what)
{
	char want[256];
	json_t *reply = as(p, method, params);
	snprintf(want, sizeof(want),
		 "%s needs an admin (see access.admins and "
		 "access.admin_group in foiad.conf)",
		 what);
	if (!err_code(reply) || strcmp(err_code(reply), "forbidden") != 0)
		fail_msg("%s by %s: expected forbidden, got %s", method,
			 p->name,
			 err_code(reply) ? err_code(reply) : "a result");
	assert_string_equal(err_message(reply), want);
}

static json_t *expect_ok(const struct peer *p, const char *method,
			 json_t *params)
{
	json_t *reply = as(p, method, params);
	json_t *res = json_object_get(reply, "result");
	if (!res)
		fail_msg("%s by %s failed: %s: %s", method, p->name,
			 err_code(reply), err_message(reply));
	return res;
}

static json_int_t agency_count(void)
{
	return json_array_size(get(ok("agency.list", NULL), "agencies"));
}

/* A member files, updates, notes and imports CSV, but may not touch
 * agencies or calendars or restore a backup; nothing changes. */
static void test_member(void **state)
{
	(void)state;
	struct peer root;
	make_peer(&root, "root", 0, 0);
	expect_ok(&root, "agency.add",
		  P("{s:s, s:s}", "code", "ICE", "name", "ICE"));
	json_t *filed = expect_ok(&member, "request.file",
				  P("{s:[s], s:s}", "agencies", "ICE",
				    "subject", "Flight manifests"));
	json_int_t id =
		json_integer_value(json_array_get(get(filed, "ids"), 0));
	expect_ok(&member, "request.update",
		  P("{s:I, s:s}", "id", id, "tracking", "2025-ICFO-1"));
	expect_ok(&member, "request.note",
		  P("{s:I, s:s}", "id", id, "text", "called them"));
	json_t *imp =
		expect_ok(&member, "import",
			  P("{s:s, s:s}", "format", "muckrock", "text",
			    "title,status,agency,date_submitted\n"
			    "Detention contracts,submitted,ICE,2025-03-03\n"));
	assert_int_equal(int_of(imp, "imported"), 1);

	expect_forbidden(&member, "agency.add",
			 P("{s:s, s:s}", "code", "CBP", "name", "CBP"),
			 "agency.add");
	expect_forbidden(&member, "agency.update",
			 P("{s:s, s:s}", "code", "ICE", "name", "Changed"),
			 "agency.update");
	expect_forbidden(&member, "holidays.import",
			 P("{s:s, s:s}", "calendar", "us-federal", "ics",
			   "BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"),
			 "holidays.import");
	expect_forbidden(&member, "import",
			 P("{s:s, s:s}", "format", "json", "text", "{}"),
			 "restoring a backup (import of JSON)");
	/* No format means JSON: the same. */
	expect_forbidden(&member, "import", P("{s:s}", "text", "{}"),
			 "restoring a backup (import of JSON)");
	assert_int_equal(agency_count(), 1);
	expect_str(get(ok("agency.show", P("{s:s}", "code", "ICE")), "agency"),
		   "name", "ICE");
}

/* access.admins names users; a name the user database did not give
 * ("uid:N") never matches. */
static void test_admins_list(void **state)
{
	(void)state;
	snprintf(dmn.cfg.access_admins[0], CONFIG_NAME_LEN, "bob");
	dmn.cfg.naccess_admins = 1;
	expect_ok(&other, "agency.add",
		  P("{s:s, s:s}", "code", "CBP", "name", "CBP"));
	expect_ok(&other, "agency.update",
		  P("{s:s, s:s}", "code", "CBP", "name", "Border"));
	expect_forbidden(&member, "agency.add",
			 P("{s:s, s:s}", "code", "DOS", "name", "State"),
			 "agency.add");

	struct peer anon;
	make_peer(&anon, "uid:5000", member.uid, member.gid);
	snprintf(dmn.cfg.access_admins[0], CONFIG_NAME_LEN, "uid:5000");
	expect_forbidden(&anon, "agency.add",
			 P("{s:s, s:s}", "code", "DOS", "name", "State"),
			 "agency.add");
	assert_int_equal(agency_count(), 1);
}

/* access.admin_group: members of the group (here by primary group). */
static void test_admin_group(void **state)
{
	(void)state;
	struct peer in_root;
	make_peer(&in_root, "carol", member.uid, 0);
	dmn.cfg.access_admin_group = strdup("root");
	assert_non_null(dmn.cfg.access_admin_group);
	expect_ok(&in_root, "agency.add",
		  P("{s:s, s:s}", "code", "CBP", "name", "CBP"));
	expect_forbidden(&member, "agency.add",
			 P("{s:s, s:s}", "code", "DOS", "name", "State"),
			 "agency.add");
	/* A group that does not exist has no members. */
	free(dmn.cfg.access_admin_group);
	dmn.cfg.access_admin_group = strdup("no-such-group-foiad");
	assert_non_null(dmn.cfg.access_admin_group);
	expect_forbidden(&in_root, "agency.add",
			 P("{s:s, s:s}", "code", "DOS", "name", "State"),
			 "agency.add");
}

/* root and foiad's own user are always admins; in user mode, whoever is
 * connected (only the owner and root can be). */
static void test_always_admins(void **state)
{
	(void)state;
	struct peer root, self;
	make_peer(&root, "root", 0, 0);
	make_peer(&self, "foiad", geteuid(), getegid());
	expect_ok(&root, "agency.add",
		  P("{s:s, s:s}", "code", "CBP", "name", "CBP"));
	expect_ok(&self, "agency.add",
		  P("{s:s, s:s}", "code", "DOS", "name", "State"));
	dmn.system_mode = false;
	expect_ok(&member, "agency.add",
		  P("{s:s, s:s}", "code", "FBI", "name", "FBI"));
	assert_int_equal(agency_count(), 3);
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_member),
		T(test_admins_list),
		T(test_admin_group),
		T(test_always_admins),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
