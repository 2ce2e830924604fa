-- Write-offs: EXPIRY and DESTRUCTION join the adjustment reasons (the schema's AdjustmentReason);
-- for medicines they are reported to the national pharmacy database as export slips.
ALTER TABLE inventory_adjustments DROP CONSTRAINT IF EXISTS inventory_adjustments_reason_check;
ALTER TABLE inventory_adjustments ADD CONSTRAINT inventory_adjustments_reason_check
  CHECK (reason IN ('COUNT', 'DAMAGE', 'THEFT', 'CORRECTION', 'EXPIRY', 'DESTRUCTION'));
