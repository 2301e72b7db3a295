/*
 * config_agencies.c: reads the agency seed file (config/agencies.conf),
 * a libconfig list of groups, one per agency. Only the shape is checked
 * here; the caller validates values the same way it validates `foia agency
 * add`, so a seed entry can never hold what a user could not type.
 */
#include <libconfig.h>
#include <string.h>

#include "config.h"

static const char *const agency_keys[] = {
	"code", "name", "parent", "jurisdiction", "email", "portal", "address",
};

static const char *member(config_setting_t *g, const char *key)
{
	const char *v = NULL;
	config_setting_lookup_string(g, key, &v);
	return v;
}

/* Check one entry's keys and types; returns the number of problems. */
static int check_entry(const char *file, config_setting_t *g,
		       struct config_errors *errs)
{
	int bad = 0;
	for (int i = 0; i < config_setting_length(g); i++) {
		config_setting_t *m = config_setting_get_elem(g, (unsigned)i);
		const char *name = config_setting_name(m);
		size_t k = 0;
		while (k < sizeof(agency_keys) / sizeof(agency_keys[0]) &&
		       strcmp(name, agency_keys[k]) != 0)
			k++;
		if (k == sizeof(agency_keys) / sizeof(agency_keys[0])) {
			config_error_add(errs, file,
					 config_setting_source_line(m),
					 "unknown agency setting '%s'", name);
			bad++;
		} else if (config_setting_type(m) != CONFIG_TYPE_STRING) {
			config_error_add(
				errs, file, config_setting_source_line(m),
				"agency setting '%s' must be a string", name);
			bad++;
		}
	}
	if (!member(g, "code") || !member(g, "name")) {
		config_error_add(errs, file, config_setting_source_line(g),
				 "an agency needs a code and a name");
		bad++;
	}
	return bad;
}

static int walk_agencies(const char *file, config_setting_t *list,
			 agency_seed_fn cb, void *arg,
			 struct config_errors *errs)
{
	for (int i = 0; i < config_setting_length(list); i++) {
		config_setting_t *g =
			config_setting_get_elem(list, (unsigned)i);
		if (!config_setting_is_group(g)) {
			config_error_add(errs, file,
					 config_setting_source_line(g),
					 "each agency must be a { ... } group");
			return -1;
		}
		if (check_entry(file, g, errs))
			return -1;
		struct agency a = {
			.code = (char *)member(g, "code"),
			.name = (char *)member(g, "name"),
			.parent = (char *)member(g, "parent"),
			.jurisdiction = (char *)member(g, "jurisdiction"),
			.email = (char *)member(g, "email"),
			.portal = (char *)member(g, "portal"),
			.address = (char *)member(g, "address"),
		};
		char err[CONFIG_ERROR_LEN] = "";
		if (cb(&a, arg, err, sizeof(err)) != 0) {
			config_error_add(errs, file,
					 config_setting_source_line(g), "%s",
					 err);
			return -1;
		}
	}
	return 0;
}

int config_load_agencies(const char *file, agency_seed_fn cb, void *arg,
			 struct config_errors *errs)
{
	config_t lc;
	int rc = -1;

	config_init(&lc);
	if (!config_read_file(&lc, file)) {
		if (config_error_type(&lc) == CONFIG_ERR_FILE_IO)
			config_error_add(errs, file, 0, "cannot read the file");
		else
			config_error_add(errs, file, config_error_line(&lc),
					 "%s", config_error_text(&lc));
		goto out;
	}
	config_setting_t *list = config_lookup(&lc, "agencies");
	if (!list || !config_setting_is_list(list)) {
		config_error_add(
			errs, file, 0,
			"expected agencies = ( { code = ...; }, ... );");
		goto out;
	}
	rc = walk_agencies(file, list, cb, arg, errs);
out:
	config_destroy(&lc);
	return rc;
}
