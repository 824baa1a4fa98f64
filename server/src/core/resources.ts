/**
 * The resource types the language service knows without a cluster: Kubernetes' own built-in APIs,
 * KubeStellar's and open-cluster-management's CRDs. A `ResourceCatalog` joins that table with the
 * types found elsewhere (CRDs in the workspace, API discovery) and answers the questions the
 * manifest reader and the diagnostics ask: which resource does a kind belong to, and which plural
 * did a user mean when a `resources` entry is not one.
 */

import type { ResourceType } from './types';

/** Builds one table row; `shortNames` stays absent when the API declares none (as discovery does). */
function rt(
  group: string,
  version: string,
  resource: string,
  kind: string,
  namespaced: boolean,
  shortNames: readonly string[] = [],
): ResourceType {
  return shortNames.length > 0
    ? { group, version, resource, kind, namespaced, shortNames }
    : { group, version, resource, kind, namespaced };
}

const NAMESPACED = true;
const CLUSTER = false;

/**
 * Kubernetes 1.34's served resources (`kubectl api-resources`), at their preferred versions, plus
 * KubeStellar's and OCM's CRDs. Left out on purpose: the create-only review APIs
 * (`tokenreviews`, `subjectaccessreviews`, `selfsubjectreviews`, ...), core `bindings` (a
 * create-only pod subresource in disguise) and core `componentstatuses` (deprecated since 1.19).
 * None of them can be stored in a WDS, so offering them would only mislead.
 */
export const BUILTIN_RESOURCE_TYPES: readonly ResourceType[] = [
  // core (apiVersion `v1`)
  rt('', 'v1', 'configmaps', 'ConfigMap', NAMESPACED, ['cm']),
  rt('', 'v1', 'endpoints', 'Endpoints', NAMESPACED, ['ep']),
  rt('', 'v1', 'events', 'Event', NAMESPACED, ['ev']),
  rt('', 'v1', 'limitranges', 'LimitRange', NAMESPACED, ['limits']),
  rt('', 'v1', 'namespaces', 'Namespace', CLUSTER, ['ns']),
  rt('', 'v1', 'nodes', 'Node', CLUSTER, ['no']),
  rt('', 'v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', NAMESPACED, ['pvc']),
  rt('', 'v1', 'persistentvolumes', 'PersistentVolume', CLUSTER, ['pv']),
  rt('', 'v1', 'pods', 'Pod', NAMESPACED, ['po']),
  rt('', 'v1', 'podtemplates', 'PodTemplate', NAMESPACED),
  rt('', 'v1', 'replicationcontrollers', 'ReplicationController', NAMESPACED, ['rc']),
  rt('', 'v1', 'resourcequotas', 'ResourceQuota', NAMESPACED, ['quota']),
  rt('', 'v1', 'secrets', 'Secret', NAMESPACED),
  rt('', 'v1', 'serviceaccounts', 'ServiceAccount', NAMESPACED, ['sa']),
  rt('', 'v1', 'services', 'Service', NAMESPACED, ['svc']),
  // apps
  rt('apps', 'v1', 'controllerrevisions', 'ControllerRevision', NAMESPACED),
  rt('apps', 'v1', 'daemonsets', 'DaemonSet', NAMESPACED, ['ds']),
  rt('apps', 'v1', 'deployments', 'Deployment', NAMESPACED, ['deploy']),
  rt('apps', 'v1', 'replicasets', 'ReplicaSet', NAMESPACED, ['rs']),
  rt('apps', 'v1', 'statefulsets', 'StatefulSet', NAMESPACED, ['sts']),
  // batch, autoscaling, policy
  rt('batch', 'v1', 'cronjobs', 'CronJob', NAMESPACED, ['cj']),
  rt('batch', 'v1', 'jobs', 'Job', NAMESPACED),
  rt('autoscaling', 'v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', NAMESPACED, ['hpa']),
  rt('policy', 'v1', 'poddisruptionbudgets', 'PodDisruptionBudget', NAMESPACED, ['pdb']),
  // networking.k8s.io
  rt('networking.k8s.io', 'v1', 'ingressclasses', 'IngressClass', CLUSTER),
  rt('networking.k8s.io', 'v1', 'ingresses', 'Ingress', NAMESPACED, ['ing']),
  rt('networking.k8s.io', 'v1', 'ipaddresses', 'IPAddress', CLUSTER, ['ip']),
  rt('networking.k8s.io', 'v1', 'networkpolicies', 'NetworkPolicy', NAMESPACED, ['netpol']),
  rt('networking.k8s.io', 'v1', 'servicecidrs', 'ServiceCIDR', CLUSTER),
  // rbac.authorization.k8s.io
  rt('rbac.authorization.k8s.io', 'v1', 'clusterrolebindings', 'ClusterRoleBinding', CLUSTER),
  rt('rbac.authorization.k8s.io', 'v1', 'clusterroles', 'ClusterRole', CLUSTER),
  rt('rbac.authorization.k8s.io', 'v1', 'rolebindings', 'RoleBinding', NAMESPACED),
  rt('rbac.authorization.k8s.io', 'v1', 'roles', 'Role', NAMESPACED),
  // storage.k8s.io
  rt('storage.k8s.io', 'v1', 'csidrivers', 'CSIDriver', CLUSTER),
  rt('storage.k8s.io', 'v1', 'csinodes', 'CSINode', CLUSTER),
  rt('storage.k8s.io', 'v1', 'csistoragecapacities', 'CSIStorageCapacity', NAMESPACED),
  rt('storage.k8s.io', 'v1', 'storageclasses', 'StorageClass', CLUSTER, ['sc']),
  rt('storage.k8s.io', 'v1', 'volumeattachments', 'VolumeAttachment', CLUSTER),
  rt('storage.k8s.io', 'v1', 'volumeattributesclasses', 'VolumeAttributesClass', CLUSTER, ['vac']),
  // API machinery and cluster administration
  rt('apiextensions.k8s.io', 'v1', 'customresourcedefinitions', 'CustomResourceDefinition', CLUSTER, ['crd', 'crds']),
  rt('admissionregistration.k8s.io', 'v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', CLUSTER),
  rt('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicies', 'ValidatingAdmissionPolicy', CLUSTER),
  rt('admissionregistration.k8s.io', 'v1', 'validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding', CLUSTER),
  rt('admissionregistration.k8s.io', 'v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', CLUSTER),
  rt('apiregistration.k8s.io', 'v1', 'apiservices', 'APIService', CLUSTER),
  rt('certificates.k8s.io', 'v1', 'certificatesigningrequests', 'CertificateSigningRequest', CLUSTER, ['csr']),
  rt('coordination.k8s.io', 'v1', 'leases', 'Lease', NAMESPACED),
  rt('discovery.k8s.io', 'v1', 'endpointslices', 'EndpointSlice', NAMESPACED),
  rt('events.k8s.io', 'v1', 'events', 'Event', NAMESPACED, ['ev']),
  rt('flowcontrol.apiserver.k8s.io', 'v1', 'flowschemas', 'FlowSchema', CLUSTER),
  rt('flowcontrol.apiserver.k8s.io', 'v1', 'prioritylevelconfigurations', 'PriorityLevelConfiguration', CLUSTER),
  rt('node.k8s.io', 'v1', 'runtimeclasses', 'RuntimeClass', CLUSTER),
  rt('scheduling.k8s.io', 'v1', 'priorityclasses', 'PriorityClass', CLUSTER, ['pc']),
  rt('resource.k8s.io', 'v1', 'deviceclasses', 'DeviceClass', CLUSTER),
  rt('resource.k8s.io', 'v1', 'resourceclaims', 'ResourceClaim', NAMESPACED),
  rt('resource.k8s.io', 'v1', 'resourceclaimtemplates', 'ResourceClaimTemplate', NAMESPACED),
  rt('resource.k8s.io', 'v1', 'resourceslices', 'ResourceSlice', CLUSTER),
  // KubeStellar (CRDs in shared/kubestellar; WorkStatus lives in the ITS)
  rt('control.kubestellar.io', 'v1alpha1', 'bindingpolicies', 'BindingPolicy', CLUSTER, ['bp']),
  rt('control.kubestellar.io', 'v1alpha1', 'bindings', 'Binding', CLUSTER, ['bdg']),
  rt('control.kubestellar.io', 'v1alpha1', 'combinedstatuses', 'CombinedStatus', NAMESPACED, ['cs']),
  rt('control.kubestellar.io', 'v1alpha1', 'customtransforms', 'CustomTransform', CLUSTER, ['ct']),
  rt('control.kubestellar.io', 'v1alpha1', 'statuscollectors', 'StatusCollector', CLUSTER, ['sc']),
  rt('control.kubestellar.io', 'v1alpha1', 'workstatuses', 'WorkStatus', NAMESPACED, ['ws', 'wss']),
  // open-cluster-management (the ITS)
  rt('cluster.open-cluster-management.io', 'v1', 'managedclusters', 'ManagedCluster', CLUSTER, ['mcl', 'mcls']),
  rt('cluster.open-cluster-management.io', 'v1beta2', 'managedclustersets', 'ManagedClusterSet', CLUSTER, ['mclset', 'mclsets']),
  rt('cluster.open-cluster-management.io', 'v1beta2', 'managedclustersetbindings', 'ManagedClusterSetBinding', NAMESPACED, [
    'mclsetbinding',
    'mclsetbindings',
  ]),
  rt('cluster.open-cluster-management.io', 'v1beta1', 'placements', 'Placement', NAMESPACED),
  rt('cluster.open-cluster-management.io', 'v1beta1', 'placementdecisions', 'PlacementDecision', NAMESPACED),
  rt('cluster.open-cluster-management.io', 'v1alpha1', 'addonplacementscores', 'AddOnPlacementScore', NAMESPACED),
  rt('cluster.open-cluster-management.io', 'v1alpha1', 'clusterclaims', 'ClusterClaim', CLUSTER),
  rt('work.open-cluster-management.io', 'v1', 'manifestworks', 'ManifestWork', NAMESPACED),
  rt('work.open-cluster-management.io', 'v1', 'appliedmanifestworks', 'AppliedManifestWork', CLUSTER),
  rt('work.open-cluster-management.io', 'v1alpha1', 'manifestworkreplicasets', 'ManifestWorkReplicaSet', NAMESPACED),
  rt('addon.open-cluster-management.io', 'v1alpha1', 'managedclusteraddons', 'ManagedClusterAddOn', NAMESPACED, ['mca', 'mcas']),
  rt('addon.open-cluster-management.io', 'v1alpha1', 'clustermanagementaddons', 'ClusterManagementAddOn', CLUSTER, ['cma', 'cmas']),
  rt('addon.open-cluster-management.io', 'v1alpha1', 'addondeploymentconfigs', 'AddOnDeploymentConfig', NAMESPACED),
  rt('addon.open-cluster-management.io', 'v1alpha1', 'addontemplates', 'AddOnTemplate', CLUSTER),
];

/**
 * Splits an `apiVersion` the way Kubernetes does: `apps/v1` is group `apps`, version `v1`; a value
 * without a slash (`v1`) is a version of the core group `""`. The function is total: a malformed
 * value such as `apps/v1/x` yields group `apps` and version `v1/x`, which names no known type, so
 * callers that care report it through the failed lookup instead of catching an exception.
 */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/');
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function groupKey(group: string, name: string): string {
  return `${group}\u0000${name}`;
}

/**
 * The resource types in force: the extra ones first (they come from the user's CRDs or from the
 * live cluster, so they win over the built-in table), then the built-ins. One entry per
 * group+resource is kept — the first seen — since matching works on group and resource only and
 * the version a manifest uses comes from its own `apiVersion`.
 */
export class ResourceCatalog {
  private readonly types: ResourceType[] = [];
  private readonly byGroupKind = new Map<string, ResourceType>();
  private readonly byGroupResource = new Map<string, ResourceType>();

  constructor(private readonly extra: readonly ResourceType[] = []) {
    for (const type of [...extra, ...BUILTIN_RESOURCE_TYPES]) {
      const resourceKey = groupKey(type.group, type.resource);
      if (this.byGroupResource.has(resourceKey)) continue;
      this.byGroupResource.set(resourceKey, type);
      const kindKey = groupKey(type.group, type.kind);
      if (!this.byGroupKind.has(kindKey)) this.byGroupKind.set(kindKey, type);
      this.types.push(type);
    }
  }

  /** A catalog that also knows `more`, which take precedence over this catalog's own types. */
  withTypes(more: readonly ResourceType[]): ResourceCatalog {
    return more.length === 0 ? this : new ResourceCatalog([...more, ...this.extra]);
  }

  /**
   * The type of a kind (case-sensitive, as in a manifest). With `group` undefined any group will
   * do, but only an unambiguous answer is given: `Event` exists in the core group and in
   * `events.k8s.io`, so `byKind(undefined, 'Event')` is undefined.
   */
  byKind(group: string | undefined, kind: string): ResourceType | undefined {
    if (group !== undefined) return this.byGroupKind.get(groupKey(group, kind));
    return this.unique((type) => type.kind === kind);
  }

  /** The type of a lowercase plural resource name; like `byKind`, only unambiguous without a group. */
  byResource(group: string | undefined, resource: string): ResourceType | undefined {
    if (group !== undefined) return this.byGroupResource.get(groupKey(group, resource));
    return this.unique((type) => type.resource === resource);
  }

  /** Every known type, one per group+resource. */
  all(): readonly ResourceType[] {
    return this.types;
  }

  /** The known API groups, sorted, the core group `""` first. */
  groups(): string[] {
    return [...new Set(this.types.map((type) => type.group))].sort();
  }

  /**
   * The resources a bad `resources` entry probably meant. The entry is compared, ignoring case,
   * with each type's plural, kind (which is also its singular), short names and the naive plurals
   * of its kind (`NetworkPolicys`), and kubectl's `resource.group` notation (`deployments.apps`)
   * is understood. Only types of `group` are considered when it is given (the clause's
   * `apiGroup`). An entry that already is a valid plural there gets no suggestion; an ambiguous
   * one (`sc`, `Event` without a group) gets all its candidates, in catalog order.
   */
  suggestPlural(entry: string, group?: string): ResourceType[] {
    const inGroup = (type: ResourceType): boolean => group === undefined || type.group === group;
    if (this.types.some((type) => inGroup(type) && type.resource === entry)) return [];

    const wanted = entry.trim().toLowerCase();
    if (wanted === '') return [];
    // `deployments.apps` names a resource and its group, so it can only mean that group.
    const dot = wanted.indexOf('.');
    const dotted = dot > 0 ? { name: wanted.slice(0, dot), group: wanted.slice(dot + 1) } : undefined;

    return this.types.filter((type) => {
      if (!inGroup(type)) return false;
      if (spellsType(type, wanted)) return true;
      return dotted !== undefined && dotted.group === type.group && spellsType(type, dotted.name);
    });
  }

  private unique(predicate: (type: ResourceType) => boolean): ResourceType | undefined {
    const found = this.types.filter(predicate);
    return found.length === 1 ? found[0] : undefined;
  }
}

/** Whether a lowercased word is one of the ways people write this type's name. */
function spellsType(type: ResourceType, word: string): boolean {
  const kind = type.kind.toLowerCase();
  return (
    word === type.resource ||
    word === kind ||
    word === `${kind}s` ||
    word === `${kind}es` ||
    (type.shortNames ?? []).includes(word)
  );
}
