// Privacy (issue 14, H4): the API's GDPR requests, built from a runtime that has everything an
// erasure reaches (the bus, the store, the alert store, the suppression list).
import { erasePerson } from '../privacy/erase.js';
import { exportPerson } from '../privacy/export.js';
import { parsePerson } from '../privacy/person.js';
import type { PrivacyApi } from '../api/routes/privacy.js';
import type { ApiRuntime } from './api.js';

export function privacyApi(runtime: ApiRuntime): { privacy?: PrivacyApi } {
  const { bus, alertStore, privacy, authorKeySecret } = runtime;
  if (!bus || !alertStore || !privacy || authorKeySecret === undefined) return {};
  const deps = { config: runtime.config, dataDir: runtime.dataDir, store: runtime.store, bus, alertStore, privacy };
  return {
    privacy: {
      erase: (author, by) => erasePerson(deps, parsePerson(author, authorKeySecret), { by }),
      export: (author) => exportPerson(deps, parsePerson(author, authorKeySecret)),
      erasures: () => privacy.erasures(),
    },
  };
}
