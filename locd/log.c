/*
 * log.c: locd's log lines: "TIME LEVEL component [call-id] message".
 * Positions and bodies are logged only at debug (STYLE 2.7).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "locd/locd.h"

#define LOG_LINE_MAX 1024

bool locd_log_on(const struct locd_log *lg, enum locd_log_level lvl)
{
	return lg && lvl <= lg->level;
}

static const char *level_tag(enum locd_log_level lvl)
{
	switch (lvl) {
	case LOCD_LOG_ERR:
		return "ERROR";
	case LOCD_LOG_WARNING:
		return "WARNING";
	case LOCD_LOG_NOTICE:
		return "NOTICE";
	case LOCD_LOG_INFO:
		return "INFO";
	case LOCD_LOG_DEBUG:
		return "DEBUG";
	}
	return "?";
}

void locd_logv(const struct locd_log *lg, enum locd_log_level lvl,
	       const char *comp, const struct sip_pl *callid,
	       const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX], ts[32];
	struct timespec now;
	struct tm tm;
	FILE *f;
	size_t i;
	int n;

	if (!locd_log_on(lg, lvl))
		return;
	f = lg->f ? lg->f : stderr;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	if (!strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm))
		ts[0] = '\0';
	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	/* one line: no control bytes from peers */
	for (i = 0; line[i]; i++)
		if ((unsigned char)line[i] < 0x20)
			line[i] = ' ';
	if (callid && callid->l)
		fprintf(f, "%s.%03ldZ %s %s [%.*s] %s\n", ts,
			now.tv_nsec / 1000000, level_tag(lvl),
			comp ? comp : "-",
			(int)(callid->l > 96 ? 96 : callid->l), callid->p,
			line);
	else
		fprintf(f, "%s.%03ldZ %s %s %s\n", ts, now.tv_nsec / 1000000,
			level_tag(lvl), comp ? comp : "-", line);
	fflush(f);
}

void locd_log(const struct locd_log *lg, enum locd_log_level lvl,
	      const char *comp, const struct sip_pl *callid,
	      const char *fmt, ...)
{
	va_list ap;

	if (!locd_log_on(lg, lvl))
		return;
	va_start(ap, fmt);
	locd_logv(lg, lvl, comp, callid, fmt, ap);
	va_end(ap);
}
