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

/* Who sent a request in flight. */
enum ct_kind { CT_NOTIFY, CT_SUBSCRIBER, CT_PUBLISHER };

/* A request in flight: the client transaction and its sender. */
struct evt_ct {
	struct evt_ct *prev, *next;
	struct sip_evt_node *node;
	enum ct_kind kind;
	void *obj;      /* struct sip_sub, sip_subscriber, sip_publisher */
	struct sip_ctrans *ct;
};

/* A subscriber or publisher of the node (tools). */
struct evt_cl {
	struct evt_cl *next;
	enum ct_kind kind;
	void *obj;
};

struct sip_evt_node {
	struct sip_stack *st;
	struct sip_notifier *n;
	struct sip_esc *e;
	char *contact_user;
	char *contact_host;
	struct sip_timer timer;
	struct evt_ct *cts;
	struct evt_cl *cls;
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
	struct evt_cl *c;

	if (d2 < due)
		due = d2;
	for (c = node->cls; c; c = c->next) {
		d2 = c->kind == CT_SUBSCRIBER ?
		     sip_subscriber_next_due(c->obj) :
		     sip_publisher_next_due(c->obj);
		if (d2 < due)
			due = d2;
	}
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

	struct evt_cl *c, *next;

	sip_notifier_tick(node->n, now);
	sip_esc_tick(node->e, now);
	for (c = node->cls; c; c = next) {
		next = c->next; /* a close callback may free c's object */
		if (c->kind == CT_SUBSCRIBER)
			sip_subscriber_tick(c->obj, now);
		else
			sip_publisher_tick(c->obj, now);
	}
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

static void resp_h(int err, uint16_t scode, const struct sip_msg *resp,
		   void *arg)
{
	struct evt_ct *c = arg;
	struct sip_evt_node *node = c->node;
	enum ct_kind kind = c->kind;
	void *obj = c->obj;
	uint64_t now = sip_stack_now(node->st);

	if (!err && scode < 200)
		return;
	ct_unlink_free(c); /* the handle is done */
	if (kind == CT_NOTIFY)
		sip_sub_notify_result(obj, err, scode, resp, now);
	else if (kind == CT_SUBSCRIBER)
		sip_subscriber_response(obj, err, scode, resp, now);
	else
		sip_publisher_response(obj, err, scode, resp, now);
	node_rearm(node);
}

static int send_kind(struct sip_evt_node *node, enum ct_kind kind,
		     const struct sip_req_desc *rd, void *obj)
{
	struct evt_ct *c = calloc(1, sizeof(*c));
	int err;

	if (!c)
		return ENOMEM;
	c->node = node;
	c->kind = kind;
	c->obj = obj;
	err = sip_request_send(node->st, rd, resp_h, c, &c->ct);
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

static int notify_send_h(const struct sip_req_desc *rd, void *ctx,
			 void *arg)
{
	return send_kind(arg, CT_NOTIFY, rd, ctx);
}

static int subscriber_send_h(const struct sip_req_desc *rd, void *ctx,
			     void *arg)
{
	return send_kind(arg, CT_SUBSCRIBER, rd, ctx);
}

static int publisher_send_h(const struct sip_req_desc *rd, void *ctx,
			    void *arg)
{
	return send_kind(arg, CT_PUBLISHER, rd, ctx);
}

/* Our Contact URI for a request that reached us over fl. */
static void contact_of(const struct sip_evt_node *node,
		       const struct sip_flow *fl, char *buf, size_t sz)
{
	char addr[SIP_SA_STRMAX];

	if (node->contact_host) {
		snprintf(addr, sizeof(addr), "%s", node->contact_host);
	} else if (sip_sa_print(&fl->local, addr, sizeof(addr))) {
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

static void notify_h(struct sip_strans *t, const struct sip_msg *req,
		     void *arg)
{
	struct sip_evt_node *node = arg;
	struct evt_cl *c;

	for (c = node->cls; c; c = c->next) {
		if (c->kind == CT_SUBSCRIBER &&
		    sip_subscriber_match(c->obj, req)) {
			sip_subscriber_notify(c->obj, t, req,
					      sip_stack_now(node->st));
			node_rearm(node);
			return;
		}
	}
	if (sip_reply_status(t, 481, NULL))
		return; /* the transaction is gone; nothing to undo */
}

int sip_evt_node_alloc(struct sip_evt_node **np, struct sip_stack *st,
		       const struct sip_evt_node_conf *conf)
{
	struct sip_notifier_conf nc;
	struct sip_esc_conf ec;
	struct sip_evt_node *node;
	int err;

	if (!np || !st || !conf ||
	    (!conf->notifier && !conf->esc && !conf->client))
		return EINVAL;
	node = calloc(1, sizeof(*node));
	if (!node)
		return ENOMEM;
	node->st = st;
	sip_timer_init(&node->timer);
	err = evt_strdup(&node->contact_user, conf->contact_user,
			 SIP_EVT_NAME_MAX);
	if (!err)
		err = evt_strdup(&node->contact_host, conf->contact_host,
				 SIP_SA_STRMAX - 1);
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
	if (!err && conf->client)
		err = sip_stack_handler_add(st, "NOTIFY", notify_h, node);
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
	while (node->cls) {
		struct evt_cl *c = node->cls;
		node->cls = c->next;
		if (c->kind == CT_SUBSCRIBER)
			sip_subscriber_free(c->obj);
		else
			sip_publisher_free(c->obj);
		free(c);
	}
	sip_timer_cancel(&node->timer);
	sip_notifier_free(node->n);
	sip_esc_free(node->e);
	free(node->contact_user);
	free(node->contact_host);
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

static int cl_add(struct sip_evt_node *node, enum ct_kind kind, void *obj)
{
	struct evt_cl *c = calloc(1, sizeof(*c));

	if (!c)
		return ENOMEM;
	c->kind = kind;
	c->obj = obj;
	c->next = node->cls;
	node->cls = c;
	return 0;
}

/* Forget obj: cancel its transactions, unlink it (not freed here). */
static bool cl_del(struct sip_evt_node *node, void *obj)
{
	struct evt_cl **pc, *c;
	struct evt_ct *t, *next;

	for (t = node->cts; t; t = next) {
		next = t->next;
		if (t->obj == obj) {
			sip_ctrans_cancel(t->ct);
			ct_unlink_free(t);
		}
	}
	for (pc = &node->cls; (c = *pc) != NULL; pc = &c->next) {
		if (c->obj == obj) {
			*pc = c->next;
			free(c);
			return true;
		}
	}
	return false;
}

int sip_evt_node_subscriber_alloc(struct sip_evt_node *node,
				  const struct sip_subscriber_conf *conf,
				  struct sip_subscriber **sp)
{
	struct sip_subscriber_conf c;
	struct sip_subscriber *s = NULL;
	int err;

	if (!node || !conf || !sp)
		return EINVAL;
	c = *conf;
	c.c.sendh = subscriber_send_h;
	c.c.replyh = reply_h;
	c.c.arg = node;
	err = sip_subscriber_alloc(&s, &c);
	if (!err)
		err = cl_add(node, CT_SUBSCRIBER, s);
	if (err) {
		sip_subscriber_free(s);
		return err;
	}
	*sp = s;
	return 0;
}

void sip_evt_node_subscriber_free(struct sip_evt_node *node,
				  struct sip_subscriber *s)
{
	if (!node || !s)
		return;
	if (cl_del(node, s))
		sip_subscriber_free(s);
	node_rearm(node);
}

int sip_evt_node_publisher_alloc(struct sip_evt_node *node,
				 const struct sip_publisher_conf *conf,
				 struct sip_publisher **pp)
{
	struct sip_publisher_conf c;
	struct sip_publisher *p = NULL;
	int err;

	if (!node || !conf || !pp)
		return EINVAL;
	c = *conf;
	c.c.sendh = publisher_send_h;
	c.c.replyh = reply_h;
	c.c.arg = node;
	err = sip_publisher_alloc(&p, &c);
	if (!err)
		err = cl_add(node, CT_PUBLISHER, p);
	if (err) {
		sip_publisher_free(p);
		return err;
	}
	*pp = p;
	return 0;
}

void sip_evt_node_publisher_free(struct sip_evt_node *node,
				 struct sip_publisher *p)
{
	if (!node || !p)
		return;
	if (cl_del(node, p))
		sip_publisher_free(p);
	node_rearm(node);
}

void sip_evt_node_kick(struct sip_evt_node *node)
{
	if (node)
		node_rearm(node);
}
