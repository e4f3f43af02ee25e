-- dealer_crm: a neutralized copy of a dealer's database (odoo-bin neutralize, or a
-- restore with --neutralize) makes no scheduled backups (issue 31)
UPDATE ir_cron
   SET active = false
 WHERE id IN (
       SELECT res_id
         FROM ir_model_data
        WHERE model = 'ir.cron'
          AND module = 'auto_backup'
          AND name = 'ir_cron_backup_scheduler_0'
);

-- and dealer_crm's schedule, run by hand, writes into and cleans the copy's own folder,
-- <data_dir>/backups/<this database>/scheduled, not the original's
UPDATE db_backup
   SET folder = regexp_replace(
           folder, '/backups/[^/]+/scheduled$', '/backups/' || current_database() || '/scheduled'
       )
 WHERE method = 'local'
   AND folder ~ '/backups/[^/]+/scheduled$'
   AND id IN (
       SELECT res_id
         FROM ir_model_data
        WHERE model = 'db.backup'
          AND module = 'dealer_crm'
          AND name = 'db_backup_scheduled'
);
