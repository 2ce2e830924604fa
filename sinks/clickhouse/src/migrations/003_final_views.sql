-- Views for people who don't know FINAL. The fact tables are ReplacingMergeTrees: a replay or a
-- redelivery writes a row again and the copies collapse only when ClickHouse merges the parts, so
-- until then a plain count() or sum() over a table counts them twice. Each view reads its table
-- through FINAL (the same collapse, done at query time), so a plain
--   SELECT store_id, sum(total_minor) FROM sales_v GROUP BY store_id
-- is exact at any moment. The MATERIALIZED day column is selected explicitly (SELECT * omits it).
-- kpi_windows_v gives the highest revision of each window. BI users and our reports read *_v;
-- the sink writes the tables.

CREATE VIEW IF NOT EXISTS sales_v AS SELECT *, occurred_at FROM sales FINAL;

CREATE VIEW IF NOT EXISTS sale_lines_v AS SELECT *, occurred_at FROM sale_lines FINAL;

CREATE VIEW IF NOT EXISTS payments_v AS SELECT *, occurred_at FROM payments FINAL;

CREATE VIEW IF NOT EXISTS refunds_v AS SELECT *, occurred_at FROM refunds FINAL;

CREATE VIEW IF NOT EXISTS voids_v AS SELECT *, occurred_at FROM voids FINAL;

CREATE VIEW IF NOT EXISTS inventory_movements_v AS SELECT *, occurred_at FROM inventory_movements FINAL;

CREATE VIEW IF NOT EXISTS kpi_windows_v AS SELECT *, window_start FROM kpi_windows FINAL;
