/*
 * event_stack.c: the notifier and the ESC on a struct sip_stack: request
 * handlers, replies, NOTIFY client transactions and one timer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sip/event_int.h"
#include "sip/sip_event.h"

/* A NOTIFY in flight: the client transaction and its subscription. */
struct evt_ct {
	struct evt_ct *prev, *next;
	struct sip_evt_node *node;
	struct sip_sub *sub;
	struct sip_ctrans *ct;
};

struct sip_evt_node {
	struct sip_stack *st;
	struct sip_notifier *n;
	struct sip_esc *e;
	char *contact_user;
	struct sip_timer timer;
	struct evt_ct *cts;
};

uint64_t sip_evt_node_now(const struct sip_evt_node *node)
{
	return node ? sip_stack_now(node->st) : 0;
}

static void timer_h(void *arg);

/* Run the timer for the earliest deadline of notifier and ESC. */
static void node_rearm(struct sip_evt_node *node)
{
	uint64_t due = sip_notifier_next_due(node->n), now;
	uint64_t d2 = sip_esc_next_due(node->e);

	if (d2 < due)
		due = d2;
	if (due == UINT64_MAX) {
		sip_timer_cancel(&node->timer);
		return;
	}
	now = sip_stack_now(node->st);
	if (sip_timer_start(node->st, &node->timer, due > now ? due - now : 0,
			    timer_h, node))
		sip_timer_cancel(&node->timer); /* ENOMEM: next request */
}

static void timer_h(void *arg)
{
	struct sip_evt_node *node = arg;
	uint64_t now = sip_stack_now(node->st);

	sip_notifier_tick(node->n, now);
	sip_esc_tick(node->e, now);
	node_rearm(node);
}

static int reply_h(void *txn, const struct sip_reply_desc *rd, void *arg)
{
	(void)arg;
	return sip_reply(txn, rd);
}

static void ct_unlink_free(struct evt_ct *c)
{
	struct sip_evt_node *node = c->node;

	if (c->prev)
		c->prev->next = c->next;
	else
		node->cts = c->next;
	if (c->next)
		c->next->prev = c->prev;
	free(c);
}

static void notify_resp_h(int err, uint16_t scode,
			  const struct sip_msg *resp, void *arg)
{
	struct evt_ct *c = arg;
	struct sip_evt_node *node = c->node;
	struct sip_sub *sub = c->sub;

	if (!err && scode < 200)
		return;
	ct_unlink_free(c); /* the handle is done */
	sip_sub_notify_result(sub, err, scode, resp, sip_stack_now(node->st));
	node_rearm(node);
}

static int notify_send_h(const struct sip_req_desc *rd, void *ctx,
			 void *arg)
{
	struct sip_evt_node *node = arg;
	struct evt_ct *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return ENOMEM;
	c->node = node;
	c->sub = ctx;
	err = sip_request_send(node->st, rd, notify_resp_h, c, &c->ct);
	if (err) {
		free(c);
		return err;
	}
	c->next = node->cts;
	if (node->cts)
		node->cts->prev = c;
	node->cts = c;
	return 0;
}

/* Our Contact URI for a request that reached us over fl. */
static void contact_of(const struct sip_evt_node *node,
		       const struct sip_flow *fl, char *buf, size_t sz)
{
	char addr[SIP_SA_STRMAX];

	if (sip_sa_print(&fl->local, addr, sizeof(addr))) {
		buf[0] = '\0';
		return;
	}
	snprintf(buf, sz, "%s:%s%s%s%s",
		 fl->tp == SIP_TRANSP_TLS ? "sips" : "sip",
		 node->contact_user ? node->contact_user : "",
		 node->contact_user ? "@" : "", addr,
		 fl->tp == SIP_TRANSP_TCP ? ";transport=tcp" : "");
}

static void subscribe_h(struct sip_strans *t, const struct sip_msg *req,
			void *arg)
{
	struct sip_evt_node *node = arg;
	char contact[SIP_SA_STRMAX + SIP_EVT_NAME_MAX + 32];
	struct sip_flow fl;

	sip_strans_flow(t, &fl);
	contact_of(node, &fl, contact, sizeof(contact));
	sip_notifier_subscribe(node->n, t, req, &fl, contact,
			       sip_stack_now(node->st));
	node_rearm(node);
}

static void publish_h(struct sip_strans *t, const struct sip_msg *req,
		      void *arg)
{
	struct sip_evt_node *node = arg;

	sip_esc_publish(node->e, t, req, sip_stack_now(node->st));
	node_rearm(node);
}

int sip_evt_node_alloc(struct sip_evt_node **np, struct sip_stack *st,
		       const struct sip_evt_node_conf *conf)
{
	struct sip_notifier_conf nc;
	struct sip_esc_conf ec;
	struct sip_evt_node *node;
	int err;

	if (!np || !st || !conf || (!conf->notifier && !conf->esc))
		return EINVAL;
	node = calloc(1, sizeof(*node));
	if (!node)
		return ENOMEM;
	node->st = st;
	sip_timer_init(&node->timer);
	err = evt_strdup(&node->contact_user, conf->contact_user,
			 SIP_EVT_NAME_MAX);
	if (!err && conf->notifier) {
		memset(&nc, 0, sizeof(nc));
		nc.max_subs = conf->max_subs;
		nc.contact_user = conf->contact_user;
		nc.warn_host = conf->warn_host;
		nc.replyh = reply_h;
		nc.sendh = notify_send_h;
		nc.arg = node;
		err = sip_notifier_alloc(&node->n, &nc);
		if (!err)
			err = sip_stack_handler_add(st, "SUBSCRIBE",
						    subscribe_h, node);
	}
	if (!err && conf->esc) {
		memset(&ec, 0, sizeof(ec));
		ec.max_pubs = conf->max_pubs;
		ec.max_per_entity = conf->max_per_entity;
		ec.warn_host = conf->warn_host;
		ec.replyh = reply_h;
		ec.arg = node;
		err = sip_esc_alloc(&node->e, &ec);
		if (!err)
			err = sip_stack_handler_add(st, "PUBLISH", publish_h,
						    node);
	}
	if (err) {
		/* a handler added stays registered: the caller frees st */
		sip_evt_node_free(node);
		return err;
	}
	*np = node;
	return 0;
}

void sip_evt_node_free(struct sip_evt_node *node)
{
	if (!node)
		return;
	while (node->cts) {
		sip_ctrans_cancel(node->cts->ct);
		ct_unlink_free(node->cts);
	}
	sip_timer_cancel(&node->timer);
	sip_notifier_free(node->n);
	sip_esc_free(node->e);
	free(node->contact_user);
	free(node);
}

int sip_evt_node_pkg_add(struct sip_evt_node *node,
			 const struct sip_evt_pkg *pkg)
{
	int err;

	if (!node || !node->n)
		return EINVAL;
	err = sip_notifier_pkg_add(node->n, pkg);
	if (!err)
		err = sip_stack_event_add(node->st, pkg->name);
	return err;
}

int sip_evt_node_esc_pkg_add(struct sip_evt_node *node,
			     const struct sip_esc_pkg *pkg)
{
	int err;

	if (!node || !node->e)
		return EINVAL;
	err = sip_esc_pkg_add(node->e, pkg);
	if (!err)
		err = sip_stack_event_add(node->st, pkg->name);
	return err;
}

struct sip_notifier *sip_evt_node_notifier(const struct sip_evt_node *n)
{
	return n ? n->n : NULL;
}

struct sip_esc *sip_evt_node_esc(const struct sip_evt_node *node)
{
	return node ? node->e : NULL;
}
