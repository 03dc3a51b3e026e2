-- +goose Up
-- Deliveries are sent by every node's dispatcher, which claims the pending
-- rows that are due in batches (no job per delivery): a claimed delivery is
-- leased to the node sending it until lease_until, after which any node may
-- claim it again (its sender died).
ALTER TABLE notification_deliveries ADD COLUMN lease_until TIMESTAMPTZ;
CREATE INDEX notification_deliveries_due ON notification_deliveries (due_at) WHERE state = 'pending';

-- +goose Down
DROP INDEX notification_deliveries_due;
ALTER TABLE notification_deliveries DROP COLUMN lease_until;
