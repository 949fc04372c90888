-- Shopify: webhook deliveries already handled, the newest snapshot applied per Shopify order,
-- and the privacy requests Shopify sends (GDPR). Kept column for column in step with
-- migrations/sqlite/0005_shopify.sql.

-- Shopify retries a delivery with the same X-Shopify-Webhook-Id: a second one changes nothing.
CREATE TABLE shopify_webhooks (
    webhook_id   TEXT    PRIMARY KEY,
    shop         TEXT    NOT NULL,
    topic        TEXT    NOT NULL,
    triggered_at BIGINT,
    -- applied, stale, recorded, ignored
    outcome      TEXT    NOT NULL,
    received_at  BIGINT  NOT NULL
);

-- Deliveries can arrive out of order: an order snapshot older (by the order's updated_at) than
-- the one applied must not overwrite it.
CREATE TABLE shopify_orders (
    shop                TEXT    NOT NULL,
    shopify_id          BIGINT  NOT NULL,
    order_id            BIGINT  NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    shopify_customer_id BIGINT,
    source_updated_at   BIGINT  NOT NULL,
    PRIMARY KEY (shop, shopify_id)
);
CREATE INDEX shopify_orders_order ON shopify_orders (order_id);
CREATE INDEX shopify_orders_customer ON shopify_orders (shop, shopify_customer_id);

-- customers/data_request, customers/redact and shop/redact, for an admin to see and answer;
-- `state` is open until handled (done) — redactions Dragoman carries out itself are done at once.
CREATE TABLE shopify_privacy_requests (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id          TEXT    UNIQUE,
    shop                TEXT    NOT NULL,
    topic               TEXT    NOT NULL,
    shopify_customer_id BIGINT,
    email               TEXT,
    -- JSON list of Shopify order ids the request names.
    shopify_order_ids   TEXT    NOT NULL DEFAULT '[]',
    state               TEXT    NOT NULL,
    summary             TEXT    NOT NULL,
    received_at         BIGINT  NOT NULL,
    completed_at        BIGINT
);
CREATE INDEX shopify_privacy_requests_state ON shopify_privacy_requests (state, id);
