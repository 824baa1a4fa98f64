/**
 * Drift: where the WDS holds the Binding of a policy, what the controller bound versus what the
 * matcher predicts for the policy as written. Validation reports it as a diagnostic (BP1403) and
 * the hover on the policy name shows it.
 */
import type { PolicyResolution } from './matcher';
import type { Inventory, ObjectRef } from './types';

export interface Drift {
  readonly bindingName: string;
  /** WECs in the Binding that the text does not bind, and the reverse. */
  readonly wecsOnlyInBinding: readonly string[];
  readonly wecsOnlyPredicted: readonly string[];
  /** Objects (`deployments.apps web/frontend`) in the Binding that the text does not select, and the reverse. */
  readonly objectsOnlyInBinding: readonly string[];
  readonly objectsOnlyPredicted: readonly string[];
}

/** kubectl's way of naming an object of a group: `deployments.apps web/frontend`. */
export function objectLabel(object: Pick<ObjectRef, 'group' | 'resource' | 'namespace' | 'name'>): string {
  return `${object.group ? `${object.resource}.${object.group}` : object.resource} ${object.namespace ? `${object.namespace}/` : ''}${object.name}`;
}

function missingFrom(a: ReadonlySet<string>, b: ReadonlySet<string>): string[] {
  return [...a].filter((x) => !b.has(x)).sort();
}

/** The difference between the policy's Binding and the prediction; undefined without a Binding or without a difference. */
export function bindingDrift(policyName: string | undefined, resolution: PolicyResolution, inventory: Inventory): Drift | undefined {
  if (!policyName || !resolution.resolved) return undefined;
  const binding = inventory.bindings?.get(policyName);
  if (!binding) return undefined;
  const predictedWecs = new Set(resolution.wecs.map((wec) => wec.name));
  const boundWecs = new Set(binding.destinations);
  const predictedObjects = new Set(resolution.objects.map(({ object }) => objectLabel(object)));
  const boundObjects = new Set(binding.objects.map(objectLabel));
  const drift: Drift = {
    bindingName: binding.name,
    wecsOnlyInBinding: missingFrom(boundWecs, predictedWecs),
    wecsOnlyPredicted: missingFrom(predictedWecs, boundWecs),
    objectsOnlyInBinding: missingFrom(boundObjects, predictedObjects),
    objectsOnlyPredicted: missingFrom(predictedObjects, boundObjects),
  };
  const differs = drift.wecsOnlyInBinding.length + drift.wecsOnlyPredicted.length + drift.objectsOnlyInBinding.length + drift.objectsOnlyPredicted.length > 0;
  return differs ? drift : undefined;
}

/** The drift as sentence parts, each list capped at `limit` names. */
export function describeDrift(drift: Drift, limit: number): string[] {
  const list = (items: readonly string[]) => items.slice(0, limit).join(', ') + (items.length > limit ? ` and ${items.length - limit} more` : '');
  const parts: string[] = [];
  if (drift.wecsOnlyInBinding.length) parts.push(`the Binding has WECs this text does not bind: ${list(drift.wecsOnlyInBinding)}`);
  if (drift.wecsOnlyPredicted.length) parts.push(`this text binds WECs the Binding lacks: ${list(drift.wecsOnlyPredicted)}`);
  if (drift.objectsOnlyInBinding.length) parts.push(`the Binding has objects this text does not select: ${list(drift.objectsOnlyInBinding)}`);
  if (drift.objectsOnlyPredicted.length) parts.push(`this text selects objects the Binding lacks: ${list(drift.objectsOnlyPredicted)}`);
  return parts;
}
