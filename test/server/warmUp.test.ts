/**
 * The idle-time warm-up: its sample must keep exercising every feature the keystroke path runs
 * (otherwise it silently warms nothing), it must finish, and it must stop when told to.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { getLanguageService } from '../../server/src/core/languageService';
import { sampleInventory, startWarmUp, warmUpOpen, warmUpRound } from '../../server/src/warmUp';
import { WARM_UP_CORPUS } from '../../server/src/warmUpCorpus';

describe('warm-up', () => {
  it('runs every feature on its sample, in the original version and both typed ones', () => {
    const inventory = sampleInventory();
    assert.equal(inventory.wecs.length, 2);
    assert.ok(inventory.objects.some((o) => o.resource === 'deployments'));
    const service = getLanguageService({ getInventory: () => inventory });
    for (const round of [0, 1, 2, 3]) {
      const result = warmUpRound(service, round);
      // The second policy's mistakes (a lowercase operator, a version in apiGroup, a kind in resources).
      assert.ok(result.diagnostics >= 3, `round ${round}: ${JSON.stringify(result)}`);
      assert.equal(result.hovers, 3, `round ${round}: ${JSON.stringify(result)}`);
      assert.equal(result.completions, 3, `round ${round}: ${JSON.stringify(result)}`);
      assert.ok(result.inlayHints > 0, `round ${round}: ${JSON.stringify(result)}`);
      assert.ok(result.quickFixes > 0, `round ${round}: ${JSON.stringify(result)}`);
    }
  });

  it('opens every example policy as a new file, and finds the mistakes of the broken ones', () => {
    const service = getLanguageService({ getInventory: () => sampleInventory() });
    const broken = WARM_UP_CORPUS.filter((document) => document.name.includes('/broken/'));
    assert.ok(broken.length >= 10 && WARM_UP_CORPUS.length > broken.length, WARM_UP_CORPUS.map((d) => d.name).join(', '));
    WARM_UP_CORPUS.forEach((document, index) => {
      const diagnostics = warmUpOpen(service, 0, index);
      if (document.name.includes('/broken/')) assert.ok(diagnostics > 0, `${document.name}: no diagnostics`);
    });
  });

  it('finishes its rounds in idle time, and stops early when cancelled', async () => {
    assert.equal(await startWarmUp({ rounds: 12 }).done, 12);
    const cancelled = startWarmUp({ rounds: 1_000_000 });
    cancelled.cancel();
    assert.ok((await cancelled.done) < 1_000_000);
  });

  it('steps aside while messages arrive, and goes on once they stop', async () => {
    const warmUp = startWarmUp({ rounds: 100_000 });
    const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
    // A message handled every few milliseconds for 200 ms: the warm-up waits (a slice may slip in
    // when the machine stalls this test for longer than the warm-up's quiet time, hence a margin).
    for (let started = performance.now(); performance.now() - started < 200; await sleep(3)) warmUp.noteActivity();
    const whileBusy = warmUp.roundsDone;
    assert.ok(whileBusy < 10, `${whileBusy} rounds while messages arrived`);
    await sleep(300);
    const afterwards = warmUp.roundsDone - whileBusy;
    warmUp.cancel();
    assert.ok(afterwards >= 5, `${afterwards} rounds in 300 idle ms`);
    assert.equal(await warmUp.done, warmUp.roundsDone);
  });
});
