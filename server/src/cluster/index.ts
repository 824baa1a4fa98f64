/**
 * The live-cluster data source: the only code of this extension that talks to Kubernetes, and
 * only ever with get, list and watch.
 */
export {
  ClusterInventorySource,
  loadClusterInventoryOnce,
  type ClusterOptions,
  type ClusterStatus,
  type ConnectionState,
  type ContextStatus,
  type ResourceRef,
  type ResourceSelection,
} from './source';
export { listContexts } from './kubeconfig';
