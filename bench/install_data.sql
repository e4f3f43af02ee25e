-- make bench: 1,000,000 customers and 2,000,000 confirmed orders, set-based, in the
-- template database (dealer_crm's dependencies installed, not dealer_crm, no demo data),
-- on which each bench run times installing and upgrading dealer_crm.
-- Run by scripts/dev.sh bench with psql -v partners=N -v orders=M; tops up what is missing.
\set ON_ERROR_STOP on
-- one filler at a time: a second run waits, then finds the rows there
SELECT pg_advisory_lock(26026);
SELECT count(*) AS have FROM res_partner WHERE ref LIKE 'BENCH-%' \gset
INSERT INTO res_partner (name, complete_name, ref, email, email_normalized, phone,
       phone_sanitized, lang, autopost_bills, active, type, is_company, customer_rank,
       supplier_rank, partner_share, create_date, write_date, create_uid, write_uid)
SELECT 'Customer ' || g, 'Customer ' || g, 'BENCH-' || g,
       'customer' || g || '@bench.example.com', 'customer' || g || '@bench.example.com',
       '(212) ' || (201 + g / 10000 % 798) || '-' || lpad((g % 10000)::text, 4, '0'),
       '+1212' || (201 + g / 10000 % 798) || lpad((g % 10000)::text, 4, '0'),
       'en_US', 'ask', TRUE, 'contact', FALSE, 1, 0, TRUE,
       now() - (g % 1461) * interval '1 day', now(), 1, 1
  FROM generate_series(:have + 1, :partners) g;
UPDATE res_partner SET commercial_partner_id = id
 WHERE ref LIKE 'BENCH-%' AND commercial_partner_id IS NULL;

SELECT count(*) AS have_orders FROM sale_order WHERE name LIKE 'BSO%' \gset
CREATE TEMP TABLE bench_p AS
    SELECT row_number() OVER (ORDER BY id) AS k, id FROM res_partner WHERE ref LIKE 'BENCH-%';
CREATE UNIQUE INDEX ON bench_p (k);
ANALYZE bench_p;
SELECT count(*) AS np FROM bench_p \gset
INSERT INTO sale_order (name, partner_id, partner_invoice_id, partner_shipping_id, date_order,
       company_id, state, amount_untaxed, amount_tax, amount_total, currency_id, currency_rate,
       user_id, invoice_status, locked, require_signature, require_payment, create_date,
       write_date, create_uid, write_uid)
SELECT 'BSO' || lpad(g::text, 8, '0'), p.id, p.id, p.id,
       now() - (g * 613 % 1461) * interval '1 day', c.id, 'sale',
       200 + (g * 37 % 40000), 0, 200 + (g * 37 % 40000), c.currency_id, 1, 2, 'no',
       FALSE, FALSE, FALSE, now() - (g * 613 % 1461) * interval '1 day', now(), 1, 1
  FROM generate_series(:have_orders + 1, :orders) g
  JOIN bench_p p ON p.k = 1 + (g - 1) % :np
 CROSS JOIN (SELECT id, currency_id FROM res_company ORDER BY id LIMIT 1) c;
ANALYZE res_partner;
ANALYZE sale_order;
