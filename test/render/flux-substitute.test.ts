/** Flux post-build substitution, as drone/envsubst does it. */
import { substituteText } from '../../src/render/index.js';

const VARS = { APP: 'web', EMPTY: '', CLUSTER: 'prod' };
test.each([
  ['${APP}', 'web'],
  ['${MISSING}', '${MISSING}'],
  ['${MISSING:-fallback}', 'fallback'],
  ['${MISSING:=fallback}', 'fallback'],
  ['${A:-${APP}}', 'web'],
  ['${A:-${B:-${CLUSTER}-x}}.svc', 'prod-x.svc'],
  ['${APP:-${CLUSTER}}', 'web'],
  ['${EMPTY:-d}', 'd'],
  ['${EMPTY-d}', ''],
  ['$${APP}', '${APP}'],
  ['host-${APP}.${CLUSTER}', 'host-web.prod'],
  ['${A:-unterminated', '${A:-unterminated'],
])('%s → %s', (input, out) => {
  expect(substituteText(input, VARS)).toBe(out);
});
