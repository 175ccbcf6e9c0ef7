#ifndef ECE_CRABBITMQ_SHIM_H
#define ECE_CRABBITMQ_SHIM_H
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
#include <sys/time.h>

/* amqp_login is variadic: Swift cannot call it, so wrap the one form we use (PLAIN). */
static inline amqp_rpc_reply_t ece_amqp_login_plain(amqp_connection_state_t state, const char *vhost,
                                                    int channel_max, int frame_max, int heartbeat,
                                                    const char *user, const char *password) {
    return amqp_login(state, vhost, channel_max, frame_max, heartbeat, AMQP_SASL_METHOD_PLAIN, user, password);
}

/* Method ids are cast expressions in amqp_framing.h, which Swift does not import. */
static const amqp_method_number_t ECE_BASIC_ACK = AMQP_BASIC_ACK_METHOD;
static const amqp_method_number_t ECE_BASIC_NACK = AMQP_BASIC_NACK_METHOD;
static const amqp_method_number_t ECE_BASIC_RETURN = AMQP_BASIC_RETURN_METHOD;
static const amqp_method_number_t ECE_BASIC_DELIVER = AMQP_BASIC_DELIVER_METHOD;
static const amqp_method_number_t ECE_BASIC_CANCEL = AMQP_BASIC_CANCEL_METHOD;
static const amqp_method_number_t ECE_CHANNEL_CLOSE = AMQP_CHANNEL_CLOSE_METHOD;
static const amqp_method_number_t ECE_CONNECTION_CLOSE = AMQP_CONNECTION_CLOSE_METHOD;

static const amqp_flags_t ECE_BASIC_FLAGS_PUBLISH = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG |
                                                    AMQP_BASIC_MESSAGE_ID_FLAG | AMQP_BASIC_TIMESTAMP_FLAG |
                                                    AMQP_BASIC_TYPE_FLAG | AMQP_BASIC_CORRELATION_ID_FLAG |
                                                    AMQP_BASIC_APP_ID_FLAG;
static const amqp_flags_t ECE_BASIC_MESSAGE_ID_FLAG = AMQP_BASIC_MESSAGE_ID_FLAG;
static const amqp_flags_t ECE_BASIC_HEADERS_FLAG = AMQP_BASIC_HEADERS_FLAG;
static const amqp_flags_t ECE_BASIC_CORRELATION_ID_FLAG = AMQP_BASIC_CORRELATION_ID_FLAG;
static const amqp_flags_t ECE_BASIC_TYPE_FLAG = AMQP_BASIC_TYPE_FLAG;
static const amqp_flags_t ECE_BASIC_USER_ID_FLAG = AMQP_BASIC_USER_ID_FLAG;


/* Field tables are C unions: build the queue arguments here rather than in Swift.
   A durable quorum queue with a delivery limit and at-least-once dead-lettering to `dlx`
   under routing key `dlrk` (at-least-once needs overflow = reject-publish). */
static inline amqp_queue_declare_ok_t *ece_declare_quorum_queue(amqp_connection_state_t state, amqp_channel_t channel,
                                                                const char *name, const char *dlx, const char *dlrk,
                                                                int64_t delivery_limit) {
    amqp_table_entry_t entries[5];
    int n = 0;
    entries[n].key = amqp_cstring_bytes("x-queue-type");
    entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[n++].value.value.bytes = amqp_cstring_bytes("quorum");
    if (dlx != NULL) {
        entries[n].key = amqp_cstring_bytes("x-dead-letter-exchange");
        entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
        entries[n++].value.value.bytes = amqp_cstring_bytes(dlx);
        entries[n].key = amqp_cstring_bytes("x-dead-letter-routing-key");
        entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
        entries[n++].value.value.bytes = amqp_cstring_bytes(dlrk);
        entries[n].key = amqp_cstring_bytes("x-dead-letter-strategy");
        entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
        entries[n++].value.value.bytes = amqp_cstring_bytes("at-least-once");
        entries[n].key = amqp_cstring_bytes("x-overflow");
        entries[n].value.kind = AMQP_FIELD_KIND_UTF8;
        entries[n++].value.value.bytes = amqp_cstring_bytes("reject-publish");
    }
    amqp_table_entry_t limit;
    limit.key = amqp_cstring_bytes("x-delivery-limit");
    limit.value.kind = AMQP_FIELD_KIND_I64;
    limit.value.value.i64 = delivery_limit;
    amqp_table_entry_t all[6];
    int m = 0;
    for (int i = 0; i < n; i++) all[m++] = entries[i];
    if (delivery_limit > 0) all[m++] = limit;
    amqp_table_t args = {m, all};
    return amqp_queue_declare(state, channel, amqp_cstring_bytes(name), 0, 1, 0, 0, args);
}

/* Text headers on a published message (an operator's replay reason): tables are C unions, so
   they are filled here. `entries` must hold `count` entries and outlive the publish. */
static inline void ece_set_text_headers(amqp_basic_properties_t *props, amqp_table_entry_t *entries,
                                        const amqp_bytes_t *keys, const amqp_bytes_t *values, int count) {
    for (int i = 0; i < count; i++) {
        entries[i].key = keys[i];
        entries[i].value.kind = AMQP_FIELD_KIND_UTF8;
        entries[i].value.value.bytes = values[i];
    }
    props->headers.num_entries = count;
    props->headers.entries = entries;
    props->_flags |= AMQP_BASIC_HEADERS_FLAG;
}

#endif
