-- The table the example reads (the demo and the tests create it).
CREATE TABLE IF NOT EXISTS orders (
  id bigserial PRIMARY KEY,
  customer_id text NOT NULL,
  amount_cents integer NOT NULL CHECK (amount_cents >= 0),
  currency text NOT NULL DEFAULT 'EUR',
  created_at timestamptz NOT NULL DEFAULT now()
);
