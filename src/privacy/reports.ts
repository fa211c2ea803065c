// Privacy (issue 14, H4): the report delivery log (data_dir/reports.sqlite) keeps schedules,
// destinations and delivery errors, no mention. An error text could still name a mention id (a
// failed webhook's answer): those rows are deleted. Reports themselves are not stored by écoute;
// the files a `folder` destination wrote are the operator's (docs/privacy.md).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openSqlite } from '../core/sqlite.js';
import type { Person } from './person.js';

export function eraseFromReports(dataDir: string, person: Person, ids: ReadonlySet<string>): number {
  const file = join(dataDir, 'reports.sqlite');
  if (!existsSync(file)) return 0;
  const db = openSqlite(file);
  try {
    const needles = [person.authorKey, ...ids];
    const del = db.prepare("DELETE FROM deliveries WHERE instr(coalesce(error, ''), ?) > 0");
    let n = 0;
    db.transaction(() => {
      for (const needle of needles) n += del.run(needle).changes;
    }).immediate();
    return n;
  } finally {
    db.close();
  }
}
