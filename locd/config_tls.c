/*
 * config_tls.c: first-start files: state directories (0700), the
 * self-signed TLS certificate (EC P-256, OpenSSL 3 EVP/X509) and the
 * Digest nonce secret (0600). Files are written to "<path>.tmp" and
 * renamed, so a crash never leaves half a key behind.
 */
#include "locd/config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#define CN_MAX 64
#define CERT_DAYS 3650L

int locd_dir_ensure(const char *path)
{
	char buf[PATH_MAX];
	size_t len, i;
	struct stat st;

	if (!path || !*path)
		return EINVAL;
	len = strlen(path);
	if (len >= sizeof(buf))
		return ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (i = 1; i <= len; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		if (buf[i - 1] == '/')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return errno;
		if (stat(buf, &st) != 0)
			return errno;
		if (!S_ISDIR(st.st_mode))
			return ENOTDIR;
		if (i < len)
			buf[i] = '/';
	}
	return 0;
}

/* Create the directory holding file (if it has one). */
static int parent_ensure(const char *file)
{
	char buf[PATH_MAX];
	const char *slash = strrchr(file, '/');
	size_t n;

	if (!slash || slash == file)
		return 0;
	n = (size_t)(slash - file);
	if (n >= sizeof(buf))
		return ENAMETOOLONG;
	memcpy(buf, file, n);
	buf[n] = '\0';
	return locd_dir_ensure(buf);
}

static int tmp_name(char *buf, size_t sz, const char *path)
{
	int n = snprintf(buf, sz, "%s.tmp", path);

	return (n < 0 || (size_t)n >= sz) ? ENAMETOOLONG : 0;
}

/* Open path for writing with mode, replacing any old file. */
static int file_create(const char *path, mode_t mode, FILE **fp)
{
	int fd, rc;

	(void)unlink(path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  mode);
	if (fd < 0)
		return errno;
	if (fchmod(fd, mode) != 0) {
		rc = errno;
		close(fd);
		unlink(path);
		return rc;
	}
	*fp = fdopen(fd, "w");
	if (!*fp) {
		rc = errno;
		close(fd);
		unlink(path);
		return rc;
	}
	return 0;
}

/* Flush, fsync and close fp; 0 or errno (EIO when stdio failed). */
static int file_finish(FILE *fp, bool ok)
{
	int rc = 0;

	if (!ok || fflush(fp) != 0 || fsync(fileno(fp)) != 0)
		rc = errno ? errno : EIO;
	if (fclose(fp) != 0 && !rc)
		rc = errno ? errno : EIO;
	return rc;
}

static bool cn_valid(const char *cn)
{
	size_t n = strlen(cn), i;

	if (n == 0 || n > CN_MAX)
		return false;
	for (i = 0; i < n; i++) {
		char ch = cn[i];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' ||
		      ch == ':'))
			return false;
	}
	return true;
}

static bool is_ip(const char *cn)
{
	size_t i;
	bool digits_dots = true;

	if (strchr(cn, ':'))
		return true;
	for (i = 0; cn[i]; i++) {
		if (!((cn[i] >= '0' && cn[i] <= '9') || cn[i] == '.'))
			digits_dots = false;
	}
	return digits_dots;
}

static int cert_add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX ctx;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&ctx);
	X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
	if (!ext)
		return EIO;
	ok = X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	return ok ? 0 : EIO;
}

static int cert_make(EVP_PKEY *pkey, const char *cn, X509 **out)
{
	char san[CN_MAX + 8];
	X509 *x = X509_new();
	X509_NAME *name;
	BIGNUM *serial = BN_new();
	int rc = EIO;

	if (!x || !serial) {
		rc = ENOMEM;
		goto out;
	}
	if (!X509_set_version(x, X509_VERSION_3) ||
	    !BN_rand(serial, 63, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) ||
	    !BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(x)) ||
	    !X509_gmtime_adj(X509_getm_notBefore(x), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(x), CERT_DAYS * 86400) ||
	    !X509_set_pubkey(x, pkey))
		goto out;
	name = X509_get_subject_name(x);
	if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
					(const unsigned char *)cn, -1, -1,
					0) ||
	    !X509_set_issuer_name(x, name))
		goto out;
	snprintf(san, sizeof(san), "%s:%s", is_ip(cn) ? "IP" : "DNS", cn);
	if (cert_add_ext(x, NID_subject_alt_name, san) ||
	    cert_add_ext(x, NID_basic_constraints, "critical,CA:FALSE") ||
	    cert_add_ext(x, NID_key_usage,
			 "critical,digitalSignature,keyAgreement") ||
	    cert_add_ext(x, NID_ext_key_usage, "serverAuth,clientAuth") ||
	    cert_add_ext(x, NID_subject_key_identifier, "hash"))
		goto out;
	if (!X509_sign(x, pkey, EVP_sha256()))
		goto out;
	*out = x;
	x = NULL;
	rc = 0;
out:
	BN_free(serial);
	X509_free(x);
	return rc;
}

static int pem_write(const char *path, mode_t mode, EVP_PKEY *pkey, X509 *x)
{
	FILE *fp;
	bool ok;
	int rc;

	rc = file_create(path, mode, &fp);
	if (rc)
		return rc;
	errno = 0;
	if (pkey)
		ok = PEM_write_PrivateKey(fp, pkey, NULL, NULL, 0, NULL,
					  NULL) == 1;
	else
		ok = PEM_write_X509(fp, x) == 1;
	rc = file_finish(fp, ok);
	if (rc)
		unlink(path);
	return rc;
}

int locd_tls_ensure_selfsigned(const char *cert, const char *key,
			       const char *cn)
{
	char cert_tmp[PATH_MAX], key_tmp[PATH_MAX], bare[CN_MAX + 1];
	EVP_PKEY *pkey = NULL;
	X509 *x = NULL;
	struct stat st;
	size_t n;
	int rc;

	if (!cert || !key || !cn || !*cert || !*key || strcmp(cert, key) == 0)
		return EINVAL;
	n = strlen(cn);
	if (n > 2 && cn[0] == '[' && cn[n - 1] == ']') {
		/* a bracketed IPv6 domain: the address itself */
		if (n - 2 > CN_MAX)
			return EINVAL;
		memcpy(bare, cn + 1, n - 2);
		bare[n - 2] = '\0';
		cn = bare;
	}
	if (!cn_valid(cn))
		return EINVAL;
	if (stat(cert, &st) == 0 && stat(key, &st) == 0)
		return 0;
	if ((rc = tmp_name(cert_tmp, sizeof(cert_tmp), cert)) != 0 ||
	    (rc = tmp_name(key_tmp, sizeof(key_tmp), key)) != 0)
		return rc;
	if ((rc = parent_ensure(cert)) != 0 || (rc = parent_ensure(key)) != 0)
		return rc;
	pkey = EVP_EC_gen("P-256");
	if (!pkey)
		return EIO;
	rc = cert_make(pkey, cn, &x);
	if (rc)
		goto out;
	rc = pem_write(key_tmp, 0600, pkey, NULL);
	if (rc)
		goto out;
	rc = pem_write(cert_tmp, 0644, NULL, x);
	if (rc) {
		unlink(key_tmp);
		goto out;
	}
	/* key first: a cert never stands beside a key it does not match */
	if (rename(key_tmp, key) != 0 || rename(cert_tmp, cert) != 0) {
		rc = errno;
		unlink(key_tmp);
		unlink(cert_tmp);
	}
out:
	X509_free(x);
	EVP_PKEY_free(pkey);
	return rc;
}

static int secret_read(const char *path, unsigned char *out)
{
	unsigned char buf[LOCD_SECRET_LEN + 1];
	struct stat st;
	ssize_t n;
	size_t got = 0;
	int fd, rc = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return errno;
	if (fstat(fd, &st) != 0) {
		rc = errno;
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		rc = EBADMSG;
		goto out;
	}
	if (st.st_mode & 077) {
		rc = EPERM; /* readable by others: do not trust it */
		goto out;
	}
	while (got < sizeof(buf)) {
		n = read(fd, buf + got, sizeof(buf) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = errno;
			goto out;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != LOCD_SECRET_LEN)
		rc = EBADMSG;
	else
		memcpy(out, buf, LOCD_SECRET_LEN);
out:
	OPENSSL_cleanse(buf, sizeof(buf));
	close(fd);
	return rc;
}

int locd_secret_ensure(const char *path, unsigned char out[LOCD_SECRET_LEN])
{
	unsigned char key[LOCD_SECRET_LEN];
	char tmp[PATH_MAX];
	FILE *fp;
	bool ok;
	int rc;

	if (!path || !*path || !out)
		return EINVAL;
	rc = secret_read(path, out);
	if (rc != ENOENT)
		return rc;
	if ((rc = tmp_name(tmp, sizeof(tmp), path)) != 0 ||
	    (rc = parent_ensure(path)) != 0)
		return rc;
	if (RAND_bytes(key, sizeof(key)) != 1)
		return EIO;
	rc = file_create(tmp, 0600, &fp);
	if (rc)
		goto out;
	errno = 0;
	ok = fwrite(key, 1, sizeof(key), fp) == sizeof(key);
	rc = file_finish(fp, ok);
	if (!rc && rename(tmp, path) != 0)
		rc = errno;
	if (rc)
		unlink(tmp);
	else
		memcpy(out, key, sizeof(key));
out:
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}
