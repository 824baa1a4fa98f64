/**
 * How raw Kubernetes objects shrink to the inventory's plain data: identity and labels only, so
 * the cache's memory grows with the number of objects, not with their size.
 */
import type { BindingSnapshot, Labels, ObjectRef, ResourceType, Wec, WorkloadObject } from '../core/types';
import type { ItemCodec } from './reflector';

interface RawObject {
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly labels?: Record<string, unknown> };
  readonly spec?: unknown;
}

const NO_LABELS: Labels = Object.freeze({});

function labelsOf(raw: RawObject): Labels {
  const labels = raw.metadata?.labels;
  if (!labels) return NO_LABELS;
  const copy: Record<string, string> = {};
  let count = 0;
  for (const [key, value] of Object.entries(labels)) {
    if (typeof value === 'string') {
      copy[key] = value;
      count++;
    }
  }
  return count === 0 ? NO_LABELS : copy;
}

function sameLabels(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => b[key] === a[key]);
}

export const wecCodec: ItemCodec<Wec> = {
  reduce(raw) {
    const object = raw as RawObject;
    const name = object.metadata?.name;
    return name ? { name, labels: labelsOf(object) } : undefined;
  },
  same: (a, b) => sameLabels(a.labels, b.labels),
};

export const workloadCodec: ItemCodec<WorkloadObject> = {
  reduce(raw, type: ResourceType) {
    const object = raw as RawObject;
    const name = object.metadata?.name;
    if (!name) return undefined;
    return {
      group: type.group,
      version: type.version,
      resource: type.resource,
      kind: type.kind,
      namespace: object.metadata?.namespace ?? '',
      name,
      labels: labelsOf(object),
    };
  },
  same: (a, b) => sameLabels(a.labels, b.labels),
};

interface RawBindingSpec {
  readonly destinations?: readonly { readonly clusterId?: unknown }[];
  readonly workload?: {
    readonly clusterScope?: readonly Record<string, unknown>[];
    readonly namespaceScope?: readonly Record<string, unknown>[];
  };
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function objectRef(entry: Record<string, unknown>, namespaced: boolean): ObjectRef {
  return {
    group: text(entry.group),
    version: text(entry.version),
    resource: text(entry.resource),
    namespace: namespaced ? text(entry.namespace) : '',
    name: text(entry.name),
  };
}

function sameRefs(a: readonly ObjectRef[], b: readonly ObjectRef[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (ref, index) =>
        ref.group === b[index].group &&
        ref.version === b[index].version &&
        ref.resource === b[index].resource &&
        ref.namespace === b[index].namespace &&
        ref.name === b[index].name,
    )
  );
}

/** A Binding (control.kubestellar.io/v1alpha1): where its policy's objects go, and which objects. */
export const bindingCodec: ItemCodec<BindingSnapshot> = {
  reduce(raw) {
    const object = raw as RawObject;
    const name = object.metadata?.name;
    if (!name) return undefined;
    const spec = (object.spec ?? {}) as RawBindingSpec;
    return {
      name,
      destinations: (spec.destinations ?? []).map((destination) => text(destination.clusterId)).filter((id) => id !== ''),
      objects: [
        ...(spec.workload?.clusterScope ?? []).map((entry) => objectRef(entry, false)),
        ...(spec.workload?.namespaceScope ?? []).map((entry) => objectRef(entry, true)),
      ],
    };
  },
  same: (a, b) =>
    a.destinations.length === b.destinations.length &&
    a.destinations.every((destination, index) => destination === b.destinations[index]) &&
    sameRefs(a.objects, b.objects),
};
