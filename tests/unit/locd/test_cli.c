/* Tests for locd_cli_parse (locd/daemon.c): command-line overrides. */
#include <check.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "locd/config.h"
#include "locd/locd.h"

static int parse(struct locd_config *c, struct locd_cli *cli, int argc,
		 char **argv)
{
	struct locd_config_err err;
	memset(&err, 0, sizeof(err));
	memset(cli, 0, sizeof(*cli));
	optind = 0; /* getopt_long: restart scanning */
	return locd_cli_parse(cli, c, argc, argv, &err);
}

/* --var moves the var/ defaults but keeps paths the file set. */
START_TEST(test_var_keeps_explicit_paths)
{
	char dir[] = "/tmp/locd-cli-XXXXXX";
	char conf[256];
	struct locd_config c;
	struct locd_cli cli;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(conf, sizeof(conf), "%s/locd.conf", dir);
	f = fopen(conf, "w");
	ck_assert_ptr_nonnull(f);
	fputs("[tls]\ncert = /x/server.pem\nkey = /x/server.key\n", f);
	fclose(f);

	char *argv1[] = {"locd", "-c", conf, "--var", "/v", NULL};
	locd_config_init(&c);
	ck_assert_int_eq(parse(&c, &cli, 5, argv1), 0);
	ck_assert_str_eq(c.tls_cert, "/x/server.pem");
	ck_assert_str_eq(c.tls_key, "/x/server.key");
	ck_assert_str_eq(c.db_path, "/v/locd.db");
	ck_assert_str_eq(c.nonce_secret, "/v/nonce.key");
	locd_config_reset(&c);

	char *argv2[] = {"locd", "--var", "/w", NULL};
	locd_config_init(&c);
	ck_assert_int_eq(parse(&c, &cli, 3, argv2), 0);
	ck_assert_str_eq(c.tls_cert, "/w/tls/cert.pem");
	ck_assert_str_eq(c.tls_key, "/w/tls/key.pem");
	locd_config_reset(&c);

	unlink(conf);
	rmdir(dir);
}
END_TEST

TCase *tcase_cli(void);
TCase *tcase_cli(void)
{
	TCase *tc = tcase_create("cli");
	tcase_add_test(tc, test_var_keeps_explicit_paths);
	return tc;
}
